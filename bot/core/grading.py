"""The grader port: what the core needs from any grader, and the result it gets back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Protocol, cast, runtime_checkable

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


@dataclass(frozen=True, slots=True)
class PeerTexts:
    """The committed answers to one post by member, as the answering member's copy check sees
    them. `post_key` names the post in one peer cache (its generation, the post id), so a
    grader may keep what it was given before; the member's own text never counts."""

    post_key: tuple[int, int]
    member_id: int
    texts: Mapping[int, str]

    def others(self) -> tuple[str, ...]:
        return tuple(text for member, text in self.texts.items() if member != self.member_id)


@runtime_checkable
class OffLoopGrader(Grader, Protocol):
    """A grader that can grade away from the event loop (in worker processes)."""

    async def grade_async(
        self, question: Question, answer: str, peers: Sequence[str] = ()
    ) -> Grade: ...


@runtime_checkable
class PeerKeepingGrader(OffLoopGrader, Protocol):
    """An off-loop grader that keeps the peer texts it was given, per post, and takes only
    what changed since."""

    async def grade_with_peers(
        self, question: Question, answer: str, peers: PeerTexts
    ) -> Grade: ...


async def grade_answer(
    grader: Grader, question: Question, answer: str, peers: Sequence[str] | PeerTexts = ()
) -> Grade:
    """Off the event loop when the grader can, in this thread otherwise."""
    keeps_peers, off_loop = _abilities(type(grader))
    if isinstance(peers, PeerTexts):
        if keeps_peers:
            return await cast(PeerKeepingGrader, grader).grade_with_peers(question, answer, peers)
        peers = peers.others()
    if off_loop:
        return await cast(OffLoopGrader, grader).grade_async(question, answer, peers)
    return grader.grade(question, answer, peers)


@cache
def _abilities(kind: type) -> tuple[bool, bool]:
    """Whether a grader class keeps peers, and grades off the loop. A protocol check inspects
    every method each time, which costs more than the rest of the hand-over; the class decides
    it, so it is worked out once per class."""
    return issubclass(kind, PeerKeepingGrader), issubclass(kind, OffLoopGrader)
