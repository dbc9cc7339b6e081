"""Errors the core raises: a message key and parameters, worded by `bot.core.messages`."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Something the member can fix. Adapters turn it into a friendly reply; nothing was changed."""

    key: str = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or type(self).key
        self.params: dict[str, Any] = params
        super().__init__(self.key)


class NotFound(UserError):
    key = "error.not_found"


class NotAllowed(UserError):
    key = "error.not_allowed"


class AlreadyAnswered(UserError):
    key = "error.already_answered"


class WindowClosed(UserError):
    key = "error.window_closed"


class BadInput(UserError):
    key = "error.bad_input"


class NothingOpen(UserError):
    key = "error.nothing_open"


class StorageFull(UserError):
    """The database (or its disk) is full: the write was rolled back, nothing changed."""

    key = "error.storage_full"


class StorageBusy(UserError):
    """Another process kept the database locked for too long: nothing changed."""

    key = "error.storage_busy"
