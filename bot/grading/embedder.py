"""A static sentence embedder: the mean of per-token vectors, on numpy only.

The table was distilled from all-MiniLM-L6-v2 (see `scripts/build_model.py`) and ships as int8
rows with one scale per row, so it stays small on disk and in memory; rows are dequantised only
for the tokens a text uses.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Encoding, Tokenizer

from bot.grading.wordpiece import WordPieces
from bot.grading.wordrows import WordRows

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_TOKENS = 512
MAX_COUNTED_WORDS = 16384
# Punctuation that ends a clause; other marks (apostrophes, hyphens, slashes) are just skipped.
CLAUSE_MARKS = tuple('.,;:!?()[]{}"')

Vector = npt.NDArray[np.float32]
# A word's index in its text (None for a token outside any word) and its vocabulary pieces.
Word = tuple[int | None, tuple[int, ...]]


class ModelMissing(RuntimeError):
    """The model files are not where the package expects them."""


class StaticEmbedder:
    """Turns text into unit-length vectors; texts without known tokens give a zero vector."""

    def __init__(self, directory: Path = MODEL_DIR) -> None:
        try:
            self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            self._table: npt.NDArray[np.int8] = np.load(
                directory / "embeddings.npy", allow_pickle=False
            )
            self._scales: npt.NDArray[np.float32] = np.load(
                directory / "scales.npy", allow_pickle=False
            )
        except Exception as error:  # tokenizers raises its own, undeclared exception types
            raise ModelMissing(f"grading model not readable in {directory}: {error}") from error
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        unk = self._tokenizer.token_to_id("[UNK]")
        self._unk = -1 if unk is None else int(unk)
        self.dimensions = int(self._table.shape[1])
        marks = (self._tokenizer.token_to_id(mark) for mark in CLAUSE_MARKS)
        self._clause_marks = frozenset(mark for mark in marks if mark is not None)
        added = self._tokenizer.get_added_tokens_decoder().values()
        self._pieces = WordPieces(
            self._tokenizer.token_to_id, self._unk, tuple(token.content for token in added)
        )
        self._word_rows = WordRows(self.dimensions)
        self._word_sums = WordRows(self.dimensions)
        self._word_starts: dict[int, bool] = {}
        self._piece_counts: dict[str, int] = {}
        # Grading one answer reads its tokens three ways (mean vector, words, clauses).
        self._last: tuple[str, list[Word]] | None = None

    def _encode(self, text: str) -> list[Word]:
        """The text's words, each with its pieces; the last text's are kept, since the next
        call is usually on the same text."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        split = self._pieces.split(text)
        if split is not None:
            encoded: list[Word] = [(index, pieces) for index, pieces in enumerate(split)]
        else:
            encoded = _grouped(self._tokenizer.encode(text, add_special_tokens=False))
        self._last = (text, encoded)
        return encoded

    def token_ids(self, text: str) -> list[int]:
        ids = [token for _, pieces in self._encode(text) for token in pieces][:MAX_TOKENS]
        return [token for token in ids if token != self._unk]

    def is_word(self, word: str) -> bool:
        """The word is one whole entry of the vocabulary (a common word, spelt right)."""
        return self._tokenizer.token_to_id(word) is not None

    def token_count(self, word: str) -> int:
        """How many vocabulary pieces a word splits into (1 for a known whole word)."""
        return len(self._tokenizer.encode(word, add_special_tokens=False).ids)

    def piece_count(self, word: str) -> int:
        """`token_count`, kept per word (the unreadable-answer check asks about every word it
        does not know, answer after answer)."""
        count = self._piece_counts.get(word)
        if count is None:
            if len(self._piece_counts) >= MAX_COUNTED_WORDS:
                self._piece_counts.clear()
            split = self._pieces.split(word)
            count = self._piece_counts[word] = (
                self.token_count(word) if split is None else sum(len(pieces) for pieces in split)
            )
        return count

    def embed(self, text: str) -> Vector:
        return self._pool(self.token_ids(text))

    def embed_many(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        rows = [
            self._pool([t for t in encoding.ids[:MAX_TOKENS] if t != self._unk])
            for encoding in encodings
        ]
        return np.stack(rows)

    def _word_pieces(self, text: str, limit: int) -> list[tuple[int, ...]]:
        """Each word's known pieces among the text's first `limit` tokens, in order."""
        found: list[tuple[int, ...]] = []
        for word, pieces in self._encode(text):
            if limit <= 0:
                break
            kept = pieces[:limit]
            limit -= len(pieces)
            if word is None:
                continue
            if self._unk in kept:
                kept = tuple(token for token in kept if token != self._unk)
            if kept:
                found.append(kept)
        return found

    def words(self, text: str) -> list[tuple[int, ...]]:
        """The distinct words of a text, each as its tuple of vocabulary pieces."""
        return list(dict.fromkeys(self._word_pieces(text, MAX_TOKENS * 2)))

    def word_vectors(self, text: str) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """One unit vector per distinct word, and its weight (the norm of its raw vector).

        The distilled table scales rows down for frequent tokens, so the norm doubles as an
        importance weight: function words count little, rare content words count most."""
        distinct = self.words(text)
        if not distinct:
            empty = np.zeros((0, self.dimensions), dtype=np.float32)
            return empty, np.zeros(0, dtype=np.float32)
        return self._word_rows.lookup(distinct, self._word_vectors)

    def _word_vectors(
        self, distinct: list[tuple[int, ...]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        flat = [token for ids in distinct for token in ids]
        starts = np.cumsum([0, *(len(ids) for ids in distinct[:-1])])
        counts = np.asarray([len(ids) for ids in distinct], dtype=np.float32)
        vectors = np.add.reduceat(self._rows(flat), starts, axis=0) / counts[:, None]
        norms = np.linalg.norm(vectors, axis=1).astype(np.float32)
        return (vectors / np.maximum(norms, 1e-9)[:, None]).astype(np.float32), norms

    def clauses(self, text: str) -> list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
        """The text's runs of words between punctuation marks, in order: for each run, one raw
        row per word (the sum of its pieces' rows) and each word's piece count, so the mean
        vector of any stretch of words can be had from running sums."""
        words: list[tuple[int, ...]] = []
        run_of: list[int] = []
        run = 0
        for ids in self._word_pieces(text, MAX_TOKENS):
            if ids[0] in self._clause_marks:
                run += 1
            elif self._starts_word(ids[0]):
                words.append(ids)
                run_of.append(run)
        if not words:
            return []
        sums, counts = self._word_sums.lookup(words, self._sums_and_counts)
        bounds = [0]
        bounds += [index for index in range(1, len(words)) if run_of[index] != run_of[index - 1]]
        bounds.append(len(words))
        # What `np.split` gives, without its per-call overhead.
        return [(sums[a:b], counts[a:b]) for a, b in itertools.pairwise(bounds)]

    def _sums_and_counts(
        self, words: list[tuple[int, ...]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Per word, the sum of its pieces' rows and how many pieces it has."""
        flat = [token for ids in words for token in ids]
        starts = np.cumsum([0, *(len(ids) for ids in words[:-1])])
        sums: npt.NDArray[np.float32] = np.add.reduceat(self._rows(flat), starts, axis=0)
        return sums, np.asarray([len(ids) for ids in words], dtype=np.float32)

    def _starts_word(self, token: int) -> bool:
        """The vocabulary piece has a letter or digit (it is not a mark or a symbol)."""
        known = self._word_starts.get(token)
        if known is None:
            piece = self._tokenizer.id_to_token(token) or ""
            known = self._word_starts[token] = any(char.isalnum() for char in piece)
        return known

    def _rows(self, ids: list[int]) -> npt.NDArray[np.float32]:
        index = np.asarray(ids, dtype=np.intp)
        # One ufunc call converts the int8 rows and scales them (as float32, exactly as
        # converting first and multiplying after would).
        scaled: npt.NDArray[np.float32] = np.multiply(
            self._table[index], self._scales[index, None], dtype=np.float32
        )
        return scaled

    def _pool(self, ids: list[int]) -> Vector:
        if not ids:
            return np.zeros(self.dimensions, dtype=np.float32)
        # `rows.mean(axis=0)` step by step, as numpy computes it, without its wrapper's cost.
        mean: Vector = np.add.reduce(self._rows(ids), axis=0)
        np.true_divide(mean, np.intp(len(ids)), out=mean, casting="unsafe")
        norm = float(np.linalg.norm(mean))
        return (mean / norm).astype(np.float32) if norm > 0 else mean


def _grouped(encoding: Encoding) -> list[Word]:
    """The tokenizer's output as words: runs of tokens with the same word index."""
    grouped: list[Word] = []
    current: list[int] = []
    index: int | None = None
    for token, word in zip(encoding.ids, encoding.word_ids, strict=True):
        if current and (word is None or word != index):
            grouped.append((index, tuple(current)))
            current = []
        index = word
        current.append(token)
    if current:
        grouped.append((index, tuple(current)))
    return grouped
