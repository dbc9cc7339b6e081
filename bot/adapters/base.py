"""What the composition root needs from every platform adapter."""

from __future__ import annotations

from typing import Protocol

from bot.core.ports import Outbox
from bot.core.refs import Platform


class PlatformAdapter(Protocol):
    """A running connection to one platform.

    `start` connects and begins intake, returning once the adapter is running (it does not block
    for the life of the bot). `stop` stops intake, lets in-flight work finish, and disconnects.
    """

    platform: Platform

    @property
    def outbox(self) -> Outbox: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
