"""The records storage hands to the core: plain immutable values, no connection attached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ChatRecord:
    id: int
    platform: str
    chat_id: str
    thread_id: str | None
    title: str
    settings: dict[str, Any]
    active: bool


@dataclass(frozen=True, slots=True)
class MemberRecord:
    id: int
    platform: str
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class PostRecord:
    id: int
    chat_id: int
    question_id: str
    kind: str
    local_date: date
    message_id: str | None
    opens_at: datetime
    closes_at: datetime
    delivered_at: datetime | None
    revealed_at: datetime | None
    reveal_delivered_at: datetime | None
    skipped_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Open for counted answers: not revealed, not skipped, and the window not yet closed."""
        return self.revealed_at is None and self.skipped_at is None and now < self.closes_at


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    post_id: int
    member_id: int
    text: str
    score: int
    verdict: str
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    flags: tuple[str, ...]
    created_at: datetime
    edited_at: datetime | None


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    """An answer with the member's display name, for the reveal."""

    member_id: int
    name: str
    score: int


@dataclass(frozen=True, slots=True)
class StreakRecord:
    current: int
    longest: int
    last_date: date


@dataclass(frozen=True, slots=True)
class LedgerTotal:
    """A member's points in a window: the leaderboard's raw row."""

    member_id: int
    user_id: str
    name: str
    points: int
    answers: int


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic_question_id: str
    score: int


@dataclass(frozen=True, slots=True)
class QuizSessionRecord:
    id: int
    chat_id: int
    member_id: int | None
    mode: str
    topic: str | None
    total: int
    time_limit_s: int
    current_index: int
    step_started_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class QuizStepRecord:
    session_id: int
    index: int
    question_id: str
    options: tuple[str, ...]
    correct_option: int | None


@dataclass(frozen=True, slots=True)
class QuizAnswerRecord:
    session_id: int
    index: int
    member_id: int
    score: int
    verdict: str
    timed_out: bool
