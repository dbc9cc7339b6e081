"""Word vectors kept from answer to answer: most words of an answer were in earlier answers.

Each word (its tuple of vocabulary pieces) gets one row of a fixed-size table, so the vectors
of a whole answer come out of one gather. When the table is full it starts over: the bound on
memory matters more than the few words worked out again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
Pieces = tuple[int, ...]
Compute = Callable[[list[Pieces]], tuple[Matrix, Matrix]]

# 8,192 words of 384 floats: 12.6 MB at most, touched only as words arrive.
CAPACITY = 8192


class WordRows:
    """Unit vectors and weights per word, computed once by `compute` and looked up after."""

    def __init__(self, dimensions: int, capacity: int = CAPACITY) -> None:
        self._vectors: Matrix = np.empty((capacity, dimensions), dtype=np.float32)
        self._norms: Matrix = np.empty(capacity, dtype=np.float32)
        self._rows: dict[Pieces, int] = {}
        self._capacity = capacity

    def lookup(self, words: list[Pieces], compute: Compute) -> tuple[Matrix, Matrix]:
        """The words' vectors and weights, in order, as `compute` would give them."""
        rows = self._rows
        distinct = list(dict.fromkeys(words))
        if len(distinct) > self._capacity:  # more words than the table holds: none kept
            return compute(words)
        missing = [word for word in distinct if word not in rows]
        if missing:
            if len(rows) + len(missing) > self._capacity:
                rows.clear()
                missing = distinct
            vectors, norms = compute(missing)
            first = len(rows)
            self._vectors[first : first + len(missing)] = vectors
            self._norms[first : first + len(missing)] = norms
            for offset, word in enumerate(missing):
                rows[word] = first + offset
        index = [rows[word] for word in words]
        return self._vectors[index], self._norms[index]
