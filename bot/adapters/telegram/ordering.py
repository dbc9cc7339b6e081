"""Update processing: one chat's updates in order, different chats side by side.

With PTB's default (one update at a time) a single group waiting out its flood limit (20
messages a minute) or a slow grading would hold up every other chat. Here each chat gets its own
queue (a FIFO lock), so an answer and its later edit are still handled in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(
        self, key: Callable[[object], Hashable], max_concurrent: int = MAX_CONCURRENT_UPDATES
    ) -> None:
        super().__init__(max_concurrent)
        self._key = key
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
