"""Key-point coverage: does an answer name each key point, in any of its forms?

A form matches when every content word of it appears in the answer, after stemming (so
inflections match), allowing a small typo in longer words, and with adjacent answer words also
tried joined (so "self attention" matches "self-attention").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.grading.text import STOPWORDS, Vocabulary, content_stems, normalise, stem, words
from content.model import KeyPoint

MAX_DERIVED_POINTS = 6
MAX_DERIVED_WORDS = 8
# How many extra words may sit between the words of a multi-word key point.
PHRASE_SLACK = 3
# Words too generic to name as a missed point, whatever the reference.
GENERIC_TEXT = """
    value values function functions problem problems input inputs output outputs data result
    results sure allows allow helps help based specific various different important refers
    involves process technique techniques method methods approach type types example examples
    known called term terms prevent encourages forcing relying means mean given certain
    compute computes computed number numbers case cases part parts small large smaller larger
    good better best high higher low lower new first second also take takes taken give gives
    require requires every always never without whether whereas another same"""
GENERIC = frozenset(GENERIC_TEXT.split())


@dataclass(frozen=True, slots=True)
class PointMatcher:
    """One key point, its forms reduced to stem tuples once, when the reference is prepared."""

    text: str
    forms: tuple[tuple[str, ...], ...]

    def found_in(self, vocabulary: Vocabulary) -> bool:
        return any(form and _near_each_other(form, vocabulary) for form in self.forms)


def _near_each_other(form: tuple[str, ...], vocabulary: Vocabulary) -> bool:
    """Every word of the form occurs, and all within a short stretch of the answer."""
    places: list[list[int]] = []
    for part in form:
        spots = vocabulary.positions(part)
        if not spots:
            return False
        places.append(spots)
    reach = len(form) + PHRASE_SLACK
    return any(
        all(any(abs(other - anchor) <= reach for other in spots) for spots in places[1:])
        for anchor in places[0]
    )


def _form_stems(form: str) -> tuple[str, ...]:
    """The stems a form needs; a phrase that is mostly function words ("drops out") keeps them,
    since its one content word alone would match far too much."""
    kept = content_stems(form)
    all_words = words(form)
    if len(kept) < 2 <= len(all_words) or not kept:
        kept = [stem(word) for word in all_words]
    return tuple(dict.fromkeys(kept))


def matcher_for(point: KeyPoint) -> PointMatcher:
    forms = {_form_stems(form) for form in point.forms if form.strip()}
    joined = {("".join(form),) for form in forms if len(form) > 1}
    return PointMatcher(point.text, tuple(sorted(forms | joined)))


def answer_vocabulary(text: str, initials: frozenset[str] | None = None) -> Vocabulary:
    """The stems of an answer, plus adjacent pairs joined, for matching hyphenated forms.

    With `initials` (the first letters of every stem that will be looked up), a pair that
    starts with another letter is left out: a stem keeps its word's first letter, and a
    look-up, exact or typo-tolerant, only ever finds words with its own."""
    raw = words(text)
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(raw):
        positions.setdefault(stem(word), []).append(index)
    for index, (left, right) in enumerate(pairwise(raw)):
        if initials is None or left[0] in initials:
            positions.setdefault(stem(left + right), []).append(index)
    return Vocabulary(positions, initials)


def initials_of(matchers: Sequence[PointMatcher]) -> frozenset[str]:
    """The first letters of every stem the matchers look up."""
    return frozenset(part[0] for matcher in matchers for form in matcher.forms for part in form)


def coverage(matchers: Sequence[PointMatcher], vocabulary: Vocabulary) -> list[bool]:
    return [matcher.found_in(vocabulary) for matcher in matchers]


def derive_points(
    reference: str, prompt: str, importance: Callable[[str], float] | None = None
) -> tuple[KeyPoint, ...]:
    """Key points for a reference outside the bank: its most distinctive terms.

    Words the question already uses are left out, since repeating them shows nothing;
    `importance` ranks the rest (by default, longer words first). Chosen words that stand
    next to each other in the reference become one term ("carbon dioxide", "call stack"), so
    the feedback names things rather than loose words; terms keep text order."""
    prompt_stems = set(content_stems(prompt))
    runs = [[word for word in run if stem(word) not in prompt_stems] for run in _runs(reference)]
    first_forms = {stem(word): word for run in reversed(runs) for word in reversed(run)}
    candidates = list(first_forms.values())
    limit = max(2, min(MAX_DERIVED_WORDS, (len(candidates) + 1) // 2))
    rank = importance or len
    chosen = {stem(word) for word in sorted(candidates, key=rank, reverse=True)[:limit]}
    terms: dict[tuple[str, ...], str] = {}
    for run in runs:
        term: list[str] = []
        for word in [*run, ""]:
            if stem(word) in chosen and len(term) < 2:
                term.append(word)
                continue
            _add_term(terms, term)
            term = [word] if stem(word) in chosen else []
    return tuple(KeyPoint(text) for text in list(terms.values())[:MAX_DERIVED_POINTS])


def _add_term(terms: dict[tuple[str, ...], str], term: list[str]) -> None:
    """Keep a term unless one already kept says the same (a single word it contains)."""
    key = tuple(stem(word) for word in term)
    if not key or any(set(key) <= set(other) for other in terms):
        return
    for other in [other for other in terms if set(other) < set(key)]:
        del terms[other]
    terms[key] = " ".join(term)


def _runs(text: str) -> list[list[str]]:
    """Runs of content words, split at function words and punctuation."""
    runs: list[list[str]] = []
    for clause in re.split(r"[^\w\s'-]+", normalise(text)):
        run: list[str] = []
        for word in [*words(clause), ""]:
            if word and _is_term_word(word):
                run.append(word)
            elif run:
                runs.append(run)
                run = []
    return runs


def _is_term_word(word: str) -> bool:
    return word not in STOPWORDS and word not in GENERIC and len(word) >= 3 and not word.isdigit()
