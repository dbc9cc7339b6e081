"""Work in flight at shutdown: an answer already handed to the core is recorded even when the
adapter that asked is cancelled, and `drain` waits for it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from bot.core.commands import SubmitAnswer
from bot.inflight import TrackedService
from storage import Database
from storage.export import export_answers
from tests.core.conftest import BOB, CHAT

ANSWER = "Pooling down-samples the feature maps; max pooling adds translation invariance."


async def exported(database: Database) -> list[str]:
    out = io.StringIO()
    await export_answers(database.path, out)
    return out.getvalue().splitlines()[1:]


async def until(condition: Callable[[], bool], steps: int = 5000) -> None:
    """Let the loop run until `condition` holds (bounded)."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition never held")


async def test_a_cancelled_caller_does_not_lose_the_answer(
    service: TrackedService, db: Database
) -> None:
    async with db.write():  # the database is busy: the answer waits for its turn
        caller = asyncio.create_task(service.handle(SubmitAnswer(CHAT, BOB, text=ANSWER)))
        await until(lambda: service.busy == 1)
        caller.cancel()  # what an adapter's stop does to its handlers
        await asyncio.gather(caller, return_exceptions=True)
        assert caller.cancelled()
        assert service.busy == 1
    assert await service.drain(grace_s=5.0)
    assert service.busy == 0
    [row] = await exported(db)
    assert ",Bob,pooling-purpose," in row


async def test_drain_gives_up_after_its_grace_period(service: TrackedService, db: Database) -> None:
    async with db.write():
        caller = asyncio.create_task(service.handle(SubmitAnswer(CHAT, BOB, text=ANSWER)))
        await until(lambda: service.busy == 1)
        assert not await service.drain(grace_s=0.05)
    await caller
    assert await service.drain(grace_s=1.0)


async def test_drain_returns_at_once_when_idle(service: TrackedService) -> None:
    async with asyncio.timeout(0.5):
        assert await service.drain(grace_s=30.0)
