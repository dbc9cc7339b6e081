"""The scheduler as the core sees it: where the core asks for jobs to be (re)planned."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.chatsettings import ChatSettings
from bot.core.refs import ChatRef


class Planner(Protocol):
    def chat_changed(self, chat: ChatRef, settings: ChatSettings, active: bool) -> None:
        """The chat's post time, timezone, pause or availability changed: replan its jobs."""

    def reveal_at(self, chat: ChatRef, when: datetime) -> None:
        """A post in the chat closes at `when`."""

    def retry_later(self, chat: ChatRef) -> None:
        """A delivery to the chat failed; try its pending posts and reveals again later."""

    def quiz_step_due(self, session_id: int, index: int, when: datetime) -> None:
        """The group quiz's step `index` ends at `when`."""


class NoPlanner:
    """Used until a scheduler attaches itself (and in tests that drive the core directly)."""

    def chat_changed(self, chat: ChatRef, settings: ChatSettings, active: bool) -> None:
        return None

    def reveal_at(self, chat: ChatRef, when: datetime) -> None:
        return None

    def retry_later(self, chat: ChatRef) -> None:
        return None

    def quiz_step_due(self, session_id: int, index: int, when: datetime) -> None:
        return None
