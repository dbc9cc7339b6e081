"""Commands: what a member or the scheduler asks the core to do. Adapters build these from events.

Every command names the chat and the member. `is_admin` is decided by the adapter with the
platform's own rules (Telegram chat administrators, Discord Manage Server, the console's first
speaker); the core only enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.refs import ChatRef, UserRef

Window = Literal["week", "month", "all"]
Scope = Literal["chat", "global"]
QuizMode = Literal["text", "choice"]


@dataclass(frozen=True, slots=True)
class Command:
    chat: ChatRef
    user: UserRef
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class PostDaily(Command):
    """`/daily [ID or search words]`: an admin posts today's question (or a chosen one) now."""

    query: str = ""


@dataclass(frozen=True, slots=True)
class SubmitAnswer(Command):
    """An answer to the open daily post. `reply_to` is the platform message id the member replied
    to (it picks the post); without it the chat's newest post is meant."""

    text: str = ""
    reply_to: str | None = None
    post_id: int | None = None


@dataclass(frozen=True, slots=True)
class RevealPost(Command):
    """`/reveal`: an admin closes the open post now and shows the model answer."""


@dataclass(frozen=True, slots=True)
class SkipPost(Command):
    """`/skip`: an admin withdraws the open post without scoring it; the next one comes as usual."""


@dataclass(frozen=True, slots=True)
class ShowLeaderboard(Command):
    window: Window = "week"
    scope: Scope = "chat"


@dataclass(frozen=True, slots=True)
class ShowStats(Command):
    """`/stats [member]`: the asking member's progress, or another member's."""

    target: UserRef | None = None


@dataclass(frozen=True, slots=True)
class StartQuiz(Command):
    """`/quiz [topic] [n]`. `group` makes it one shared quiz for the chat instead of a solo one."""

    topic: str | None = None
    count: int = 5
    mode: QuizMode = "text"
    group: bool = False
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerQuiz(Command):
    """An answer to the current step of a quiz: free `text`, or the index of a `choice`."""

    session_id: int = 0
    text: str | None = None
    choice: int | None = None


@dataclass(frozen=True, slots=True)
class ChangeSettings(Command):
    """`/settings key=value ...`: all pairs are checked first; one bad value changes nothing."""

    changes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ShowSettings(Command):
    pass


@dataclass(frozen=True, slots=True)
class ShowHelp(Command):
    pass


@dataclass(frozen=True, slots=True)
class ForgetMe(Command):
    """`/forgetme`: without `confirmed` it asks first; confirmed, it deletes the member's data."""

    confirmed: bool = False
