"""The study service as the running bot uses it: every call logged as one event and tracked, so
shutdown can wait for answers in flight instead of cutting them off.

Each call runs as its own task, shielded from the caller's cancellation: when an adapter stops
and cancels its handlers, an answer already being graded is still written (and `drain` waits for
it) before the database closes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.core.commands import Command
from bot.core.errors import UserError
from bot.core.grading import Grader
from bot.core.ports import Clock
from bot.core.questions import QuestionBank
from bot.core.refs import ChatRef
from bot.core.replies import Reply
from bot.core.service import StudyService
from bot.logs import log_fields
from storage import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


class TrackedService(StudyService):
    """A `StudyService` whose work can be drained at shutdown."""

    def __init__(
        self, db: Database, bank: QuestionBank, grader: Grader, clock: Clock | None = None
    ) -> None:
        super().__init__(db, bank, grader, clock)
        self._inflight: set[asyncio.Future[Any]] = set()

    def _track(self, work: Awaitable[T]) -> Awaitable[T]:
        task = asyncio.ensure_future(work)
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)
        return asyncio.shield(task)

    @property
    def busy(self) -> int:
        """How many calls are running now."""
        return len(self._inflight)

    async def drain(self, grace_s: float) -> bool:
        """Wait up to `grace_s` seconds for the calls in flight; False if some still run."""
        pending = set(self._inflight)
        if not pending:
            return True
        log.info("waiting for work in flight", extra={"count": len(pending)})
        _, still = await asyncio.wait(pending, timeout=grace_s)
        if still:
            log.warning("work still running at shutdown", extra={"count": len(still)})
        return not still

    async def handle(self, command: Command) -> list[Reply]:
        fields = {
            "chat": f"{command.chat.platform}:{command.chat.chat_id}",
            "member": command.user.user_id,
            "command": type(command).__name__,
        }
        with log_fields(**fields):
            return await self._track(self._handle_logged(command))

    async def _handle_logged(self, command: Command) -> list[Reply]:
        log.debug("command started")
        started = time.perf_counter()
        try:
            replies = await super().handle(command)
        except UserError as error:
            log.info("command refused", extra={"key": error.key, "ms": _ms(started)})
            raise
        log.info("command done", extra={"ms": _ms(started)})
        return replies

    async def run_daily(self, chat: ChatRef) -> None:
        with log_fields(chat=f"{chat.platform}:{chat.chat_id}", job="daily"):
            await self._track(super().run_daily(chat))

    async def run_reveal(self, chat: ChatRef) -> None:
        with log_fields(chat=f"{chat.platform}:{chat.chat_id}", job="reveal"):
            await self._track(super().run_reveal(chat))

    async def run_pending(self, chat: ChatRef) -> None:
        with log_fields(chat=f"{chat.platform}:{chat.chat_id}", job="retry"):
            await self._track(super().run_pending(chat))

    async def advance_quiz(self, session_id: int, index: int) -> None:
        with log_fields(quiz=session_id, job="quiz"):
            await self._track(super().advance_quiz(session_id, index))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
