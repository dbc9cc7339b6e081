"""Key points said in other words: a fallback for the points the word matcher misses.

A missed key point counts as covered when some short stretch of the answer (two to eight
consecutive words within one clause) lies close to one of the point's forms in the embedding
space. Both sides are the mean of their word rows, each word discounted by how closely the
question already says it: naming the question's own subject ("dropout", "gradient") brings a
stretch no nearer to a point, only what the stretch adds does.

The form vectors are built once per question; an answer costs one running sum per clause and
one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
import numpy.typing as npt

from bot.grading.alignment import WordSet, row_norms, unit_clip
from bot.grading.embedder import StaticEmbedder

Matrix = npt.NDArray[np.float32]

MIN_WINDOW = 2
MAX_WINDOW = 8
# Cosine a stretch of the answer must reach. Chosen once, for every question, on the "tune" split
# of `bench/data/grading_eval.jsonl`: read by band, the matches it adds at 0.70-0.80 are mostly
# right (about four in five), those at 0.60-0.70 only about half.
THRESHOLD = 0.70
# A form that is almost all question words has too little of its own left to be matched.
MIN_OWN_WEIGHT = 0.5
# Stretches are taken from the start of the answer only, which bounds the cost.
MAX_WINDOW_WORDS = 200


@dataclass(frozen=True, slots=True)
class PointForms:
    """Unit vectors of every form of every key point, and the point each row belongs to."""

    vectors: Matrix
    owners: npt.NDArray[np.int64]

    def rows_of(self, points: Sequence[int]) -> npt.NDArray[np.intp]:
        """The rows of these points' forms, in order."""
        wanted = set(points)
        return np.asarray(
            [row for row, owner in enumerate(self.owners.tolist()) if owner in wanted], np.intp
        )


def _novelty(rows: Matrix, counts: Matrix, prompt: WordSet) -> Matrix:
    """Per word, how little the question already says it (1: new, 0: a question word)."""
    if not len(prompt.vectors):
        return np.ones(len(rows), dtype=np.float32)
    means = rows / counts[:, None]
    units = cast(Matrix, means / np.maximum(row_norms(means), 1e-9)[:, None])
    said = unit_clip(units @ prompt.vectors.T).max(axis=1)
    novelty: Matrix = (1.0 - said).astype(np.float32)
    return novelty


def _form_vector(embedder: StaticEmbedder, form: str, prompt: WordSet) -> Matrix | None:
    clauses = embedder.clauses(form)
    if not clauses:
        return None
    rows = np.concatenate([rows for rows, _ in clauses])
    counts = np.concatenate([counts for _, counts in clauses])
    novelty = _novelty(rows, counts, prompt)
    if float(novelty @ counts) < MIN_OWN_WEIGHT:
        return None
    total: Matrix = (rows * novelty[:, None]).sum(axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm).astype(np.float32) if norm > 0 else None


def prepare_points(
    embedder: StaticEmbedder, forms: Sequence[Sequence[str]], prompt: WordSet
) -> PointForms:
    """`forms[i]` are the texts of key point i (its name and aliases)."""
    vectors: list[Matrix] = []
    owners: list[int] = []
    for index, texts in enumerate(forms):
        for text in texts:
            vector = _form_vector(embedder, text, prompt)
            if vector is not None:
                vectors.append(vector)
                owners.append(index)
    matrix = np.stack(vectors) if vectors else np.zeros((0, embedder.dimensions), np.float32)
    return PointForms(matrix.astype(np.float32), np.asarray(owners, dtype=np.int64))


@lru_cache(maxsize=256)
def _spans(size: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    starts, ends = [], []
    for start in range(size):
        for end in range(start + MIN_WINDOW, min(size, start + MAX_WINDOW) + 1):
            starts.append(start)
            ends.append(end)
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def window_vectors(embedder: StaticEmbedder, answer: str, prompt: WordSet) -> Matrix:
    """Unit vectors of every stretch of two to eight words inside one clause of the answer."""
    clauses = _distinct_clauses(embedder, answer)
    if not clauses:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    # Each word's novelty depends on that word alone: worked out for all clauses at once.
    rows = np.concatenate([rows for rows, _ in clauses])
    novelty = _novelty(rows, np.concatenate([counts for _, counts in clauses]), prompt)
    weighted = rows * novelty[:, None]
    pieces: list[Matrix] = []
    first = 0
    for clause, _ in clauses:
        last = first + len(clause)
        running = np.zeros((len(clause) + 1, rows.shape[1]), np.float32)
        np.add.accumulate(weighted[first:last], axis=0, out=running[1:])  # np.cumsum
        starts, ends = _spans(len(clause))
        pieces.append(running[ends] - running[starts])
        first = last
    spans = np.concatenate(pieces)
    norms = row_norms(spans)
    unit: Matrix = (spans / np.maximum(norms, 1e-9)[:, None]).astype(np.float32)
    return unit


def _distinct_clauses(embedder: StaticEmbedder, answer: str) -> list[tuple[Matrix, Matrix]]:
    """The answer's clauses of two words or more, from its first `MAX_WINDOW_WORDS` words; a
    repeated clause adds no new stretch."""
    kept: list[tuple[Matrix, Matrix]] = []
    seen: set[bytes] = set()
    budget = MAX_WINDOW_WORDS
    for rows, counts in embedder.clauses(answer):
        if budget <= 0:
            break
        rows, counts = rows[:budget], counts[:budget]
        budget -= len(rows)
        key = rows.tobytes()
        if len(rows) < MIN_WINDOW or key in seen:
            continue
        seen.add(key)
        kept.append((rows, counts))
    return kept


def paraphrased(points: PointForms, windows: Matrix, wanted: Sequence[int]) -> set[int]:
    """The points among `wanted` that some answer stretch says in other words."""
    if not len(windows) or not wanted:
        return set()
    # A handful of forms: a set look-up per form costs less than `np.isin`'s set-up.
    rows = points.rows_of(wanted)
    if not len(rows):
        return set()
    best = (windows @ points.vectors[rows].T).max(axis=0)
    return {int(owner) for owner in points.owners[rows][best >= THRESHOLD]}
