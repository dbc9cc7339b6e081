"""Word-level text handling shared by the grader: normalising, stemming, fuzzy word matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")

STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not of off on once only or other our out over own same she should so
    some such than that the their them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    yours s t don isn aren doesn didn wasn weren won wouldn shouldn couldn let lets get gets got
    one ones thing things way ways like e g eg ie etc use used uses using make makes made
    basically really kind sort lot lots well much many something able often usually"""
STOPWORDS = frozenset(STOPWORDS_TEXT.split())

_SUFFIXES = (
    "izations",
    "ization",
    "ational",
    "fulness",
    "iveness",
    "ations",
    "ation",
    "ments",
    "ities",
    "ingly",
    "ement",
    "ness",
    "ment",
    "ings",
    "ance",
    "ence",
    "ized",
    "izes",
    "ize",
    "ity",
    "ing",
    "ies",
    "ied",
    "ive",
    "ers",
    "ed",
    "er",
    "es",
    "ly",
    "al",
    "s",
)


def normalise(text: str) -> str:
    """Lower-case, fold accents and compatibility characters, unify dashes and quotes."""
    if text.isascii():  # Nothing to fold: the common case, and far cheaper.
        return text.lower()
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    folded = folded.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return folded.lower()


def words(text: str) -> list[str]:
    return list(_words(text))


# Grading reads one answer's words in several places (length, key points, each guard).
@lru_cache(maxsize=32)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(normalise(text)))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match inflections, never below four letters."""
    word = word.replace("'", "").replace("-", "")
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 5 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 6 and word.endswith(("iz", "is")):
        word = word[:-2]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    return [stem(word) for word in words(text) if word not in STOPWORDS and len(word) > 1]


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text) if len(part.strip()) > 2]


@lru_cache(maxsize=65536)
def typo_budget(word: str) -> int:
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


def within_edits(left: str, right: str, budget: int) -> bool:
    """Bounded Levenshtein distance check; gives up early once the budget is exceeded.

    Lengths further apart than the budget are told apart before the cache is consulted:
    answers bring new words (and joined pairs) all the time, and most fail on length alone."""
    return abs(len(left) - len(right)) <= budget and _within_edits(left, right, budget)


# The same word pairs come up answer after answer; the answer is a pure function of them.
@lru_cache(maxsize=65536)
def _within_edits(left: str, right: str, budget: int) -> bool:
    # One edit changes the set of letters used by at most two: a cheap rejection first.
    if len(set(left) ^ set(right)) > 2 * budget:
        return False
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, 1):
        current = [i]
        for j, right_char in enumerate(right, 1):
            cost = 0 if left_char == right_char else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        if min(current) > budget:
            return False
        previous = current
    return previous[-1] <= budget


class Vocabulary:
    """The stems of a text with their word positions, for fast typo-tolerant look-ups."""

    __slots__ = ("_by_initial", "_near", "_positions")

    def __init__(
        self, positions: dict[str, list[int]], initials: frozenset[str] | None = None
    ) -> None:
        """`initials`: the first letters of every stem that will be looked up, if known."""
        self._positions = positions
        # Typo-tolerant look-ups already made: many key-point forms share their words.
        self._near: dict[str, list[int]] = {}
        self._by_initial: dict[str, list[str]] = {}
        for word in positions:
            if len(word) >= 4 and (initials is None or word[0] in initials):
                self._by_initial.setdefault(word[0], []).append(word)

    def has(self, target: str) -> bool:
        return bool(self.positions(target))

    def positions(self, target: str) -> list[int]:
        """Where the stem occurs, allowing a small typo in longer words.

        A misspelt word keeps its suffix (the stemmer does not recognise it), so a word
        slightly longer than the target is also compared on its first letters."""
        exact = self._positions.get(target)
        if exact:
            return exact
        known = self._near.get(target)
        if known is None:
            known = self._near[target] = self._near_positions(target)
        return known

    def _near_positions(self, target: str) -> list[int]:
        budget = typo_budget(target)
        if budget == 0:
            return []
        size = len(target)
        found: list[int] = []
        for word in self._by_initial.get(target[0], ()):
            if within_edits(target, word, budget) or (
                size < len(word) <= size + 3 and within_edits(target, word[:size], budget)
            ):
                found.extend(self._positions[word])
        return found
