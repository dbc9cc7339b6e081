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
# Not at a colon: what comes before one is usually a heading, not an answer.
_CLAUSE_BREAK = re.compile(r"\s*[;—–]\s*|,\s+|\s+-\s+")


def _lines(answer: str) -> list[str]:
    """The answer's lines with words in them, without list markers or emphasis."""
    cleaned = (_MARKUP.sub("", _LIST_MARKER.sub("", raw)).strip() for raw in answer.splitlines())
    return [" ".join(line.split()) for line in cleaned if line]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def short_form(answer: str, limit: int = MAX_OPTION_CHARS) -> str:
    """The first sentence (or clause) of an answer, at most `limit` characters, cut at a word.

    An answer that opens with a lead-in ("Here are some examples:") or a bare list item gives
    the lines after it too, so the option says something."""
    lines = _lines(answer) or [" ".join(_MARKUP.sub("", answer).split())]
    first, rest = lines[0], [line.rstrip(":- ") for line in lines[1:]]
    if rest and first.endswith((":", "-")):
        return _cut(f"{first.rstrip(':- ')}: {'; '.join(rest)}", limit)
    if rest and len(first) < _MIN_CLAUSE_CHARS:
        return _cut("; ".join([first, *rest]), limit)
    sentence = _first_sentence(first)
    if len(sentence) > limit:
        clause = _CLAUSE_BREAK.split(sentence, maxsplit=1)[0]
        if len(clause) >= _MIN_CLAUSE_CHARS:
            sentence = clause
    return _cut(sentence, limit)


def _first_sentence(line: str) -> str:
    """The first sentence, with the next ones while it is too short to say anything."""
    sentences = _SENTENCE_END.split(line)
    taken = sentences[0]
    for sentence in sentences[1:]:
        if len(taken) >= _MIN_CLAUSE_CHARS:
            break
        taken = f"{taken} {sentence}"
    return taken.rstrip(".")


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
