"""What the core needs from the question bank (`content.bank.Bank` provides it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from content.model import Question


class QuestionBank(Protocol):
    @property
    def questions(self) -> Sequence[Question]: ...

    def find(self, question_id: str) -> Question | None: ...

    def search(self, text: str, limit: int = ...) -> list[Question]: ...

    def by_topic(self, topic: str) -> Sequence[Question]: ...


def missing_question(question_id: str, prompt: str) -> Question:
    """Stands in for a question a deck update removed, so old posts can still be revealed."""
    return Question(
        id=question_id,
        topic="fundamentals",
        difficulty=1,
        prompt=prompt,
        answers=("",),
        key_points=(),
    )
