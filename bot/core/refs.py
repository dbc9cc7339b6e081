"""Who and where: the small value objects every command carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["discord", "telegram", "console"]
PLATFORMS: tuple[Platform, ...] = ("discord", "telegram", "console")


@dataclass(frozen=True, slots=True)
class UserRef:
    """A member as the platform knows them. `user_id` is always a string, whatever the platform."""

    platform: Platform
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A group chat (or a private chat for solo study). `thread_id` is a forum topic or thread."""

    platform: Platform
    chat_id: str
    thread_id: str | None = None
    title: str = ""
