"""Ports the core calls out through. Adapters implement them; tests may use real in-memory ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from bot.core.refs import ChatRef
from bot.core.replies import Reply


class ChatUnavailable(Exception):
    """The platform says the bot can no longer post in this chat (blocked, removed, forbidden).

    The core marks the chat inactive: its data stays, its jobs pause, nothing fails every day."""


class Undeliverable(Exception):
    """The chat is there, but this message cannot be delivered to it until someone there acts
    (the bot may not post in the chosen channel, or no channel is left to post in).

    The outbox has told whoever can fix it. The core does not retry on its own: a daily post
    that could not go out is withdrawn, so the next scheduled run or `/daily` makes it again."""


class Outbox(Protocol):
    """Delivers replies the core starts on its own (the daily post, the reveal, admin warnings).

    Returns the platform message id of the delivered message (used to match replies to a post),
    or None when the platform has none. Raises `ChatUnavailable` for a chat that is gone and
    `Undeliverable` for one the bot may not post in right now; any other exception is a
    passing failure that the core retries."""

    async def send(self, chat: ChatRef, reply: Reply) -> str | None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Timezone-aware UTC now. Tests travel with time-machine rather than replacing this."""

    def now(self) -> datetime:
        return datetime.now(UTC)
