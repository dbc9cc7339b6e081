"""Small typos in an answer, corrected toward the words of the question and its references.

A misspelt word ("circut", "elektricity") falls apart into word pieces the embedding does not
relate to the word meant, so before the answer is embedded, a word that is neither in the
model's vocabulary nor in the reference is replaced by a reference word within a small edit
distance. Only the meaning signals use the corrected text; the anti-gaming checks read the
answer as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.grading.text import typo_budget, within_edits

_WORD = re.compile(r"[A-Za-z]{4,}")
MAX_FIXED_WORDS = 1024


class Speller:
    """Corrects answer words toward a fixed set of known words (built once per reference)."""

    __slots__ = ("_by_initial", "_fixed", "_is_word", "_known")

    def __init__(self, known: Iterable[str], is_word: Callable[[str], bool]) -> None:
        self._known = frozenset(word for word in known if len(word) >= 4 and word.isalpha())
        self._is_word = is_word
        self._by_initial: dict[str, list[str]] = {}
        # Answers to one question share most of their words: each is looked at once.
        self._fixed: dict[str, str] = {}
        for word in sorted(self._known):
            self._by_initial.setdefault(word[0], []).append(word)

    def correct(self, text: str) -> str:
        return _WORD.sub(self._fix, text)

    def _fix(self, match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = self._fixed.get(word)
        if fixed is None:
            if len(self._fixed) >= MAX_FIXED_WORDS:
                self._fixed.clear()
            fixed = self._fixed[word] = self._corrected(word)
        return fixed

    def _corrected(self, word: str) -> str:
        lower = word.lower()
        if lower in self._known or self._is_word(lower):
            return word
        budget = typo_budget(lower)
        for candidate in self._by_initial.get(lower[0], ()):
            if within_edits(lower, candidate, budget):
                return candidate
        return word
