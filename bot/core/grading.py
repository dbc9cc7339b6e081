"""The grader port: what the core needs from any grader, and the result it gets back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from content.model import Question

CORRECT_AT = 70
PARTIAL_AT = 40


class Verdict(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"

    @classmethod
    def for_score(cls, score: int) -> Verdict:
        if score >= CORRECT_AT:
            return cls.CORRECT
        if score >= PARTIAL_AT:
            return cls.PARTIAL
        return cls.INCORRECT


@dataclass(frozen=True, slots=True)
class Grade:
    """A graded answer. `flags` name why an answer was held down (echo, keywords, copy, ...)."""

    score: int
    verdict: Verdict
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    hint: str = ""
    flags: tuple[str, ...] = ()


class Grader(Protocol):
    """Grades one answer to one bank question.

    `peers` are other members' answers to the same post (for copy detection)."""

    def grade(self, question: Question, answer: str, peers: Sequence[str] = ()) -> Grade: ...


@runtime_checkable
class OffLoopGrader(Grader, Protocol):
    """A grader that can grade away from the event loop (in worker processes)."""

    async def grade_async(
        self, question: Question, answer: str, peers: Sequence[str] = ()
    ) -> Grade: ...


async def grade_answer(
    grader: Grader, question: Question, answer: str, peers: Sequence[str] = ()
) -> Grade:
    """Off the event loop when the grader can, in this thread otherwise."""
    if isinstance(grader, OffLoopGrader):
        return await grader.grade_async(question, answer, peers)
    return grader.grade(question, answer, peers)
