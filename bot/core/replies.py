"""Replies: what the member sees, as data. Each adapter renders every type explicitly.

An adapter that meets a type it does not know raises `TypeError` instead of staying silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from bot.core.commands import QuizMode, Scope, Window
from bot.core.grading import Verdict
from bot.core.refs import ChatRef, UserRef

Audience = Literal["chat", "user", "admins"]


@dataclass(frozen=True, slots=True)
class Reply:
    pass


@dataclass(frozen=True, slots=True)
class PostQuestion(Reply):
    """The daily question (or an admin's chosen one) to post in `chat`."""

    chat: ChatRef
    post_id: int
    question_id: str
    prompt: str
    topic: str
    difficulty: int
    local_date: date
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerFeedback(Reply):
    """A graded answer. `counted` is False for practice after the window closed (`points` 0)."""

    post_id: int
    question_id: str
    user: UserRef
    score: int
    verdict: Verdict
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    hint: str
    flags: tuple[str, ...]
    counted: bool
    replaced: bool
    points: int


@dataclass(frozen=True, slots=True)
class RevealEntry:
    name: str
    score: int


@dataclass(frozen=True, slots=True)
class Reveal(Reply):
    chat: ChatRef
    post_id: int
    question_id: str
    prompt: str
    reference: str
    key_points: tuple[str, ...]
    answer_count: int
    best: tuple[RevealEntry, ...]


@dataclass(frozen=True, slots=True)
class LeaderRow:
    rank: int
    user_id: str
    name: str
    points: int
    answers: int


@dataclass(frozen=True, slots=True)
class Leaderboard(Reply):
    """Top rows (ties share a rank) and, when the asking member is not among them, their own row."""

    scope: Scope
    window: Window
    rows: tuple[LeaderRow, ...]
    me: LeaderRow | None


@dataclass(frozen=True, slots=True)
class Stats(Reply):
    user: UserRef
    answered: int
    average_score: float
    points: int
    current_streak: int
    longest_streak: int
    best_topics: tuple[str, ...]
    weakest_topics: tuple[str, ...]
    rank: int | None


@dataclass(frozen=True, slots=True)
class QuizStep(Reply):
    """One quiz question. `options` is set for multiple choice; the member answers within
    `time_limit_s` seconds. `correct_option` (the right index, multiple choice) lets platforms
    with native quizzes (Telegram quiz polls) mark it; None sends an ordinary poll."""

    session_id: int
    user: UserRef | None
    index: int
    total: int
    question_id: str
    prompt: str
    mode: QuizMode
    options: tuple[str, ...] = ()
    time_limit_s: int = 60
    correct_option: int | None = None


@dataclass(frozen=True, slots=True)
class QuizAnswerResult(Reply):
    """How one quiz answer went. For multiple choice `correct_option` is the right index."""

    session_id: int
    user: UserRef
    index: int
    score: int
    verdict: Verdict
    correct_option: int | None = None
    missed: tuple[str, ...] = ()
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class QuizFinished(Reply):
    session_id: int
    user: UserRef | None
    total: int
    correct: int
    average_score: float


@dataclass(frozen=True, slots=True)
class SettingsView(Reply):
    chat: ChatRef
    post_time: str
    timezone: str
    window_hours: int
    topics: tuple[str, ...]
    difficulty_min: int
    difficulty_max: int
    paused: bool
    channel: str | None


@dataclass(frozen=True, slots=True)
class HelpText(Reply):
    is_admin: bool


@dataclass(frozen=True, slots=True)
class Notice(Reply):
    """A plain message worded by `bot.core.messages.text(key, **params)`.

    `audience` says who should see it: the whole chat, only the asking member (ephemeral or a
    private message where the platform allows), or the chat's admins."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    audience: Audience = "chat"
