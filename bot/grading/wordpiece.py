"""WordPiece tokenisation of plain-ASCII text in Python, with the pieces of each word kept.

Answers are short and their words repeat from answer to answer, so splitting a word into
vocabulary pieces once and looking it up afterwards beats a full tokenizer call per answer.
This reproduces exactly what the model's `tokenizers` pipeline (BERT normaliser, BERT
pre-tokeniser, WordPiece) gives for text made of printable ASCII, tabs and line breaks, and
without the special tokens' names; `split` returns None for any other text, which the
embedder then hands to the real tokenizer. `tests/grading/test_fast_paths.py` holds the two to
the same output.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Lower-cased printable ASCII splits into runs of letters and digits, and single marks (every
# other printable ASCII character is BERT punctuation); whitespace only separates.
_PRE_TOKEN = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_PLAIN = re.compile(r"[\x20-\x7e\t\n\r]*")
MAX_WORD_CHARS = 100
MAX_CACHED_WORDS = 65536

Pieces = tuple[int, ...]


class WordPieces:
    """Splits text into words, each as its tuple of vocabulary ids."""

    def __init__(
        self, piece_id: Callable[[str], int | None], unknown: int, special: tuple[str, ...]
    ) -> None:
        # The tokenizer's own look-up, not a copy of its vocabulary: only words not seen
        # before are split, so a Python dict would only cost memory.
        self._piece_id = piece_id
        self._unknown = (unknown,)
        self._special = special
        self._cache: dict[str, Pieces] = {}

    def split(self, text: str) -> list[Pieces] | None:
        """Each word's pieces, in order; None when the text needs the full tokenizer."""
        if not _PLAIN.fullmatch(text) or any(name in text for name in self._special):
            return None
        cache = self._cache
        if len(cache) > MAX_CACHED_WORDS:
            cache.clear()
        result: list[Pieces] = []
        for word in _PRE_TOKEN.findall(text.lower()):
            pieces = cache.get(word)
            if pieces is None:
                pieces = cache[word] = self._pieces(word)
            result.append(pieces)
        return result

    def _pieces(self, word: str) -> Pieces:
        """Greedy longest-match-first; a word with any part outside the vocabulary is unknown."""
        if len(word) > MAX_WORD_CHARS:
            return self._unknown
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                part = word[start:end] if start == 0 else "##" + word[start:end]
                found = self._piece_id(part)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return self._unknown
            pieces.append(found)
            start = end
        return tuple(pieces)
