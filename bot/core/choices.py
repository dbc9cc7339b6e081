"""Multiple-choice options built from the bank.

The right option is a short form of the question's reference answer; the wrong ones are short
forms of other questions' answers in the same topic (other topics fill in when it is too small).
The same seed gives the same options in the same order.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from content.model import Question

MAX_OPTION_CHARS = 100
OPTION_COUNT = 4
_MIN_CLAUSE_CHARS = 20
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•+>]|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"\*\*|__|`|#+\s")
_CLAUSE_BREAK = re.compile(r"\s*[;:—–]\s*|,\s+|\s+-\s+")


def _first_line(answer: str) -> str:
    """The first line with words in it, without list markers or emphasis."""
    for raw in answer.splitlines():
        line = _MARKUP.sub("", _LIST_MARKER.sub("", raw)).strip()
        if len(line) >= _MIN_CLAUSE_CHARS or (line and not line.endswith(":")):
            return line
    return _MARKUP.sub("", answer).strip()


def short_form(answer: str, limit: int = MAX_OPTION_CHARS) -> str:
    """The first sentence (or clause) of an answer, at most `limit` characters, cut at a word."""
    flat = " ".join(_first_line(answer).split())
    sentence = _SENTENCE_END.split(flat, maxsplit=1)[0].rstrip(".")
    if len(sentence) > limit:
        clause = _CLAUSE_BREAK.split(sentence, maxsplit=1)[0]
        if len(clause) >= _MIN_CLAUSE_CHARS:
            sentence = clause
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def build_options(
    question: Question, pool: Sequence[Question], rng: random.Random, count: int = OPTION_COUNT
) -> tuple[tuple[str, ...], int]:
    """(options, index of the right one). `pool` is every question the wrong options may use."""
    right = short_form(question.reference)
    seen = {right.casefold()}
    wrong: list[str] = []
    same_topic = [q for q in pool if q.topic == question.topic and q.id != question.id]
    other_topics = [q for q in pool if q.topic != question.topic]
    for group in (same_topic, other_topics):
        candidates = sorted(group, key=lambda q: q.id)
        rng.shuffle(candidates)
        for candidate in candidates:
            if len(wrong) == count - 1:
                break
            option = short_form(candidate.reference)
            if option and option.casefold() not in seen:
                seen.add(option.casefold())
                wrong.append(option)
    options = [right, *wrong]
    rng.shuffle(options)
    return tuple(options), options.index(right)
