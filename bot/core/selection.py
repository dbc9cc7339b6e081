"""Which question a chat gets: never one it has had, until all have been asked once."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.chatsettings import ChatSettings
from bot.core.errors import NotFound
from bot.core.questions import QuestionBank
from content.model import Question

LOW_STOCK = 10


@dataclass(frozen=True, slots=True)
class Pick:
    question: Question
    unseen_left: int
    """Questions in the chat's range it has never had, after this pick."""


def eligible(bank: QuestionBank, settings: ChatSettings) -> list[Question]:
    topics = set(settings.effective_topics)
    return [
        question
        for question in bank.questions
        if question.topic in topics
        and settings.difficulty_min <= question.difficulty <= settings.difficulty_max
    ]


def pick_daily(
    candidates: Sequence[Question], last_asked: Mapping[str, datetime], seed: str
) -> Pick:
    """An unseen question (chosen reproducibly from `seed`), else the least recently asked."""
    if not candidates:
        raise NotFound("daily.no_questions")
    unseen = sorted((q for q in candidates if q.id not in last_asked), key=lambda q: q.id)
    if unseen:
        chosen = random.Random(seed).choice(unseen)
        return Pick(chosen, len(unseen) - 1)
    oldest = min(candidates, key=lambda q: (last_asked[q.id], q.id))
    return Pick(oldest, 0)


def find_chosen(bank: QuestionBank, query: str) -> Question:
    """`/daily ID-or-words`: the question with that exact id, else the best search match."""
    query = query.strip()
    exact = bank.find(query)
    if exact is not None:
        return exact
    found = bank.search(query, 1)
    if not found:
        raise NotFound("daily.no_match", query=query[:80])
    return found[0]
