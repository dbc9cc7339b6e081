"""Key points: matching them in free text, and a first automatic set for a question."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from content.glossary import GLOSSARY
from content.model import KeyPoint
from content.text import fold

MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 8
_SUGGESTED = 6

_ABBREVIATION = re.compile(
    r"\b(?P<term>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,4})\s*\((?P<abbr>[A-Z][A-Za-z0-9-]{1,9})\)"
)
_LEAD_TERM = re.compile(r"^\s*(?:[-*]|\d+\.)?\s*\*\*(?P<term>[^*:]{3,40}?):?\*\*", re.MULTILINE)
_STOPWORDS = frozenset(
    """a an the and or of to in on for with by as is are was were be been being it its this that
    these those from at into than then so such can could may might will would should do does did
    not no we you your our they their them he she his her which what why how when where who whom
    there here also more most less very much many some any each every other both all only just
    used use using uses based like between about over under after before during while within
    without through up down out off if else however therefore thus hence e g i etc one two three
    new first second main key helps help make makes making allows allow different various""".split()  # noqa: SIM905
)


@lru_cache(maxsize=4096)
def _form_pattern(form: str) -> re.Pattern[str]:
    folded = re.escape(fold(form))
    return re.compile(rf"(?<![a-z0-9]){folded}(?:s|es)?(?![a-z0-9])")


def mentions_folded(folded: str, point: KeyPoint) -> bool:
    """Like `mentions`, for text already passed through `fold` (fold once, match many)."""
    return any(form.strip() and _form_pattern(form).search(folded) for form in point.forms)


def mentions(text: str, point: KeyPoint) -> bool:
    """True if `text` names the key point or one of its aliases (case-insensitive, whole words)."""
    return mentions_folded(fold(text), point)


def mentioned_anywhere(texts: Iterable[str], point: KeyPoint) -> bool:
    return any(mentions(text, point) for text in texts)


@lru_cache(maxsize=1)
def _known_forms() -> frozenset[str]:
    return frozenset(fold(form) for text, aliases in GLOSSARY for form in (text, *aliases))


@lru_cache(maxsize=4096)
def _folded(form: str) -> str:
    return fold(form)


@lru_cache(maxsize=4096)
def _first_word(form: str) -> str:
    words = fold(form).split()
    return words[0] if words else ""


def _glossary_candidates(folded_answers: str, folded_prompt: str) -> list[tuple[float, KeyPoint]]:
    present = set(re.findall(r"[^\s]+", folded_answers))
    present |= {word.strip(".,;:()[]!?'\"") for word in present}
    scored: list[tuple[float, KeyPoint]] = []
    for text, aliases in GLOSSARY:
        point = KeyPoint(text, aliases)
        forms = [
            form
            for form in point.forms
            if _first_word(form) in present and _folded(form) in folded_answers
        ]
        hits = sum(len(_form_pattern(form).findall(folded_answers)) for form in forms)
        if not hits:
            continue
        in_prompt = any(_form_pattern(form).search(folded_prompt) for form in point.forms)
        scored.append((min(hits, 4) * (0.4 if in_prompt else 1.0) + 1.0, point))
    return scored


def _document_candidates(answers: str, known: frozenset[str]) -> list[tuple[float, KeyPoint]]:
    """Terms the answer itself defines: `Long Short-Term Memory (LSTM)` and bold list leads."""
    found: dict[str, KeyPoint] = {}
    for match in _ABBREVIATION.finditer(answers):
        term = " ".join(match.group("term").split()[-len(match.group("abbr")) :]).strip()
        if fold(term) not in known and len(term.split()) <= 5:
            found.setdefault(fold(term), KeyPoint(term.lower(), (match.group("abbr"),)))
    for match in _LEAD_TERM.finditer(answers):
        term = match.group("term").strip()
        if 1 <= len(term.split()) <= 5 and fold(term) not in known:
            found.setdefault(fold(term), KeyPoint(term.lower()))
    return [(2.5, point) for point in found.values()]


def _frequent_words(folded_answers: str, folded_prompt: str) -> list[tuple[float, KeyPoint]]:
    words = [
        word
        for word in re.findall(r"[a-z][a-z0-9]{3,}", folded_answers)
        if word not in _STOPWORDS and word not in folded_prompt
    ]
    return [(count / 10, KeyPoint(word)) for word, count in Counter(words).most_common(8)]


def _overlaps(point: KeyPoint, chosen: list[KeyPoint]) -> bool:
    forms = {fold(form) for form in point.forms}
    return any(forms & {fold(form) for form in other.forms} for other in chosen)


def suggest_key_points(prompt: str, answers: Iterable[str]) -> tuple[KeyPoint, ...]:
    """A first set of 3-6 key points, every one mentioned in at least one answer."""
    answer_text = "\n".join(answers)
    folded_answers, folded_prompt = fold(answer_text), fold(prompt)
    known = _known_forms()
    candidates = _glossary_candidates(folded_answers, folded_prompt)
    candidates += _document_candidates(answer_text, known)
    ranked = sorted(candidates, key=lambda item: (-item[0], item[1].text))
    ranked += _frequent_words(folded_answers, folded_prompt)
    chosen: list[KeyPoint] = []
    for _, point in ranked:
        if len(chosen) >= _SUGGESTED:
            break
        if not _overlaps(point, chosen) and mentions(answer_text, point):
            chosen.append(point)
    return tuple(chosen)
