"""DST with the real scheduler: the daily job of a European and an American chat fires at the
local post time on both sides of each change, and posts once on the day the clock falls back
(when the post time happens twice) and on the day it springs forward (when it does not exist)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.core.commands import ChangeSettings
from bot.core.grading import Grader
from bot.core.refs import ChatRef
from bot.core.replies import PostQuestion
from bot.core.scheduling import StudyScheduler, job_id
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, CHAT, RecordingOutbox

WAIT_S = 5.0


def counted(entry: Callable[[ChatRef], Awaitable[None]], runs: list[datetime]) -> Any:
    @functools.wraps(entry)
    async def run(chat: ChatRef) -> None:
        runs.append(datetime.now(UTC))
        await entry(chat)

    return run


class Day:
    """A chat's scheduler driven through wall-clock moments with time-machine."""

    def __init__(
        self,
        traveller: Any,
        scheduler: StudyScheduler,
        outbox: RecordingOutbox,
        runs: list[datetime],
    ) -> None:
        self.traveller = traveller
        self.scheduler = scheduler
        self.outbox = outbox
        self.runs = runs

    def posts(self) -> list[PostQuestion]:
        return [r for r in self.outbox.of_type(PostQuestion) if isinstance(r, PostQuestion)]

    async def at(self, moment: datetime) -> None:
        """Move the clock to `moment`, let the scheduler run (or skip) what is due, and wait
        until the job bodies have finished."""
        # Compared in UTC: equal wall times on a fall-back night differ only in `fold`.
        moment = moment.astimezone(UTC)
        self.traveller.move_to(moment)
        job = job_id("daily", CHAT)
        self.scheduler.scheduler.wakeup()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while True:
            await asyncio.sleep(0.01)
            due = self.scheduler.next_run(job)
            if (due is None or due > moment) and not self._busy():
                return
            assert loop.time() < deadline, f"the daily job due at {due} was not processed"

    def _busy(self) -> bool:
        return any(
            not task.done()
            for task in asyncio.all_tasks()
            if task is not asyncio.current_task() and "run_coroutine_job" in repr(task.get_coro())
        )


async def start(
    path: Path, bank: Bank, grader: Grader, outbox: RecordingOutbox, zone: str, post_time: str
) -> tuple[Database, StudyScheduler, list[datetime]]:
    db = await Database.open(path)
    service = StudyService(db, bank, grader)
    service.register_outbox("console", outbox)
    runs: list[datetime] = []
    service.run_daily = counted(service.run_daily, runs)  # type: ignore[method-assign]
    scheduler = StudyScheduler(service)
    await scheduler.start()
    await service.chat_seen(CHAT)
    await service.handle(
        ChangeSettings(
            CHAT, ADMIN, True, changes=(("time", post_time), ("timezone", zone), ("window", "3"))
        )
    )
    return db, scheduler, runs


CASES = [
    # zone, spring-forward day, fall-back day, a post time that the changes skip and repeat
    ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25), "02:30"),
    ("America/New_York", date(2026, 3, 8), date(2026, 11, 1), "01:30"),
]


@pytest.mark.parametrize(("zone", "spring", "autumn", "odd_time"), CASES)
async def test_the_post_comes_at_local_time_on_both_sides_of_each_change(
    tmp_path: Path,
    bank: Bank,
    grader: Grader,
    zone: str,
    spring: date,
    autumn: date,
    odd_time: str,
) -> None:
    tz = ZoneInfo(zone)
    outbox = RecordingOutbox()
    first = datetime.combine(spring - timedelta(days=1), time(6, 0), tz)
    with time_machine.travel(first, tick=False) as traveller:
        db, scheduler, runs = await start(tmp_path / "dst.db", bank, grader, outbox, zone, "09:00")
        day = Day(traveller, scheduler, outbox, runs)
        try:
            for change in (spring, autumn):
                for offset in (-1, 0, 1):
                    local_day = change + timedelta(days=offset)
                    await day.at(datetime.combine(local_day, time(8, 59), tz))
                    assert all(p.local_date != local_day for p in day.posts()), "not before 09:00"
                    await day.at(datetime.combine(local_day, time(9, 0, 5), tz))
                    assert [p.local_date for p in day.posts()].count(local_day) == 1
                    fired = runs[-1].astimezone(tz)
                    assert (fired.date(), fired.hour, fired.minute) == (local_day, 9, 0)
                    await day.at(datetime.combine(local_day, time(20, 0), tz))
            assert len(day.posts()) == 6
        finally:
            scheduler.shutdown()
            await db.close()


@pytest.mark.parametrize(("zone", "spring", "autumn", "odd_time"), CASES)
async def test_a_repeated_or_skipped_post_time_posts_once(
    tmp_path: Path,
    bank: Bank,
    grader: Grader,
    zone: str,
    spring: date,
    autumn: date,
    odd_time: str,
) -> None:
    tz = ZoneInfo(zone)
    hour, minute = (int(part) for part in odd_time.split(":"))
    outbox = RecordingOutbox()
    with time_machine.travel(datetime.combine(autumn, time(0, 5), tz), tick=False) as traveller:
        db, scheduler, runs = await start(tmp_path / "dst.db", bank, grader, outbox, zone, odd_time)
        day = Day(traveller, scheduler, outbox, runs)
        try:
            # The fall-back night: the post time happens twice, an hour apart.
            once = datetime.combine(autumn, time(hour, minute, 5), tz)
            twice = once.replace(fold=1)
            assert twice.astimezone(UTC) - once.astimezone(UTC) == timedelta(hours=1)
            await day.at(once)
            await day.at(twice)
            assert len(runs) == 2, "the job fired at both"
            assert [p.local_date for p in day.posts()] == [autumn]

            # The spring-forward night: the post time does not exist; it still posts, once.
            traveller.move_to(datetime.combine(spring, time(0, 5), tz))
            await day.at(datetime.combine(spring, time(0, 5), tz))
            scheduler.chat_changed(CHAT, *(await settings_and_active(scheduler)))
            due = scheduler.next_run(job_id("daily", CHAT))
            assert due is not None and due.astimezone(tz).date() == spring
            await day.at(due.astimezone(UTC) + timedelta(seconds=5))
            await day.at(datetime.combine(spring, time(23, 0), tz))
            assert [p.local_date for p in day.posts()] == [autumn, spring]
        finally:
            scheduler.shutdown()
            await db.close()


async def settings_and_active(scheduler: StudyScheduler) -> tuple[Any, bool]:
    [(_, settings, active)] = await scheduler.service.list_chats()
    return settings, active
