"""Key-point coverage: does an answer name each key point, in any of its forms?

A form matches when every content word of it appears in the answer, after stemming (so
inflections match), allowing a small typo in longer words, and with adjacent answer words also
tried joined (so "self attention" matches "self-attention").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.grading.text import STOPWORDS, Vocabulary, content_stems, stem, words
from content.model import KeyPoint

MAX_DERIVED_POINTS = 6
# How many extra words may sit between the words of a multi-word key point.
PHRASE_SLACK = 3
# Words too generic to name as a missed point, whatever the reference.
GENERIC_TEXT = """
    value values function functions problem problems input inputs output outputs data result
    results sure allows allow helps help based specific various different important refers
    involves process technique techniques method methods approach type types example examples
    known called term terms prevent encourages forcing relying means mean given certain
    compute computes computed number numbers case cases part parts small large smaller larger
    good better best high higher low lower new first second also"""
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
    places = [vocabulary.positions(part) for part in form]
    if not all(places):
        return False
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


def answer_vocabulary(text: str) -> Vocabulary:
    """The stems of an answer, plus adjacent pairs joined, for matching hyphenated forms."""
    raw = words(text)
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(raw):
        positions.setdefault(stem(word), []).append(index)
    for index, (left, right) in enumerate(pairwise(raw)):
        positions.setdefault(stem(left + right), []).append(index)
    return Vocabulary(positions)


def coverage(matchers: Sequence[PointMatcher], vocabulary: Vocabulary) -> list[bool]:
    return [matcher.found_in(vocabulary) for matcher in matchers]


def derive_points(
    reference: str, prompt: str, importance: Callable[[str], float] | None = None
) -> tuple[KeyPoint, ...]:
    """Key points for a reference outside the bank: its most distinctive content words.

    Words the question already uses are left out, since repeating them shows nothing;
    `importance` ranks the rest (rarer words first), and the chosen ones keep text order."""
    prompt_stems = set(content_stems(prompt))
    chosen: dict[str, str] = {}
    for word in words(reference):
        if word in STOPWORDS or word in GENERIC or len(word) < 4 or word.isdigit():
            continue
        key = stem(word)
        if key not in prompt_stems and key not in chosen:
            chosen[key] = word
    limit = max(2, min(MAX_DERIVED_POINTS, len(chosen) // 2))
    candidates = list(chosen.values())
    if importance is not None:
        ranked = sorted(candidates, key=importance, reverse=True)[:limit]
        kept = set(ranked)
        return tuple(KeyPoint(word) for word in candidates if word in kept)
    return tuple(KeyPoint(word) for word in candidates[:limit])


def weighted_share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0
