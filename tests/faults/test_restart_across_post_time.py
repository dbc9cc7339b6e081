"""Restarts around the daily post time: exactly one post per chat and local day.

The real APScheduler and SQLite file, the wall clock moved with time-machine; the database and
the scheduler are closed and reopened like a process restart. Chats sit in different timezones,
and one chat's platform is down during the first run.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine

from bot.core.commands import ChangeSettings
from bot.core.grading import Grader
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import PostQuestion, Reply
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database

ADMIN = UserRef("console", "admin", "Admin")
# (chat, post time, timezone): 08:00, 09:00 and 09:30 UTC on a winter day.
CHATS = (
    (ChatRef("console", "berlin"), "09:00", "Europe/Berlin"),
    (ChatRef("console", "london"), "09:00", "Europe/London"),
    (ChatRef("console", "tokyo"), "18:30", "Asia/Tokyo"),
)
DAY = date(2026, 1, 14)
WAIT_S = 5.0


@dataclass
class Platform:
    """An in-memory outbox that lives across restarts; chats listed in `down` fail to deliver."""

    sent: list[tuple[ChatRef, Reply]] = field(default_factory=list)
    down: set[str] = field(default_factory=set)

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        if chat.chat_id in self.down:
            raise ConnectionError("platform unreachable")
        self.sent.append((chat, reply))
        return f"m{len(self.sent)}"

    def posts(self, day: date) -> Counter[str]:
        return Counter(
            chat.chat_id
            for chat, reply in self.sent
            if isinstance(reply, PostQuestion) and reply.local_date == day
        )


@dataclass
class Process:
    db: Database
    service: StudyService
    scheduler: StudyScheduler

    async def stop(self) -> None:
        self.scheduler.shutdown()
        await self.db.close()


async def boot(path: Path, bank: Bank, grader: Grader, platform: Platform) -> Process:
    db = await Database.open(path)
    service = StudyService(db, bank, grader)
    service.register_outbox("console", platform)
    scheduler = StudyScheduler(service)
    await scheduler.start()
    return Process(db, service, scheduler)


async def wait_until(condition: Callable[[], bool]) -> None:
    """Let the scheduler's jobs run until `condition` holds (at most `WAIT_S`)."""
    for _ in range(int(WAIT_S / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the scheduled job did not run")


def daily_rows(path: Path) -> Counter[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT c.chat_id, p.local_date FROM posts p JOIN chats c ON c.id = p.chat_id"
            " WHERE p.kind = 'daily'"
        ).fetchall()
    return Counter((str(chat), str(day)) for chat, day in rows)


async def test_restarts_across_the_post_time_post_exactly_once_per_chat_and_day(
    tmp_path: Path, bank: Bank, grader: Grader
) -> None:
    path = tmp_path / "restart.db"
    platform = Platform()
    ids = [chat.chat_id for chat, _, _ in CHATS]
    start = datetime(2026, 1, 14, 7, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        bot = await boot(path, bank, grader, platform)
        for chat, post_time, zone in CHATS:
            await bot.service.chat_seen(chat)
            changes = (("time", post_time), ("timezone", zone), ("window", "12"))
            await bot.service.handle(ChangeSettings(chat, ADMIN, True, changes=changes))
        await bot.stop()

        # Down across Berlin's 08:00 UTC post; back up at 08:20 and catches up once.
        clock.move_to(datetime(2026, 1, 14, 8, 20, tzinfo=UTC))
        bot = await boot(path, bank, grader, platform)
        assert platform.posts(DAY) == {"berlin": 1}

        # Running at London's 09:00 post time: the scheduler's own job fires it.
        platform.down.add("tokyo")
        clock.move_to(datetime(2026, 1, 14, 9, 0, 1, tzinfo=UTC))
        bot.scheduler.scheduler.wakeup()
        await wait_until(lambda: platform.posts(DAY)["london"] == 1)
        # Tokyo's 09:30 job fires while its platform is down: stored, not delivered.
        clock.move_to(datetime(2026, 1, 14, 9, 30, 1, tzinfo=UTC))
        bot.scheduler.scheduler.wakeup()
        await wait_until(lambda: daily_rows(path)[("tokyo", str(DAY))] == 1)
        await bot.stop()

        # Restart right after: the stored Tokyo post goes out once, nothing else repeats.
        platform.down.clear()
        clock.move_to(datetime(2026, 1, 14, 9, 31, tzinfo=UTC))
        bot = await boot(path, bank, grader, platform)
        assert platform.posts(DAY) == {chat: 1 for chat in ids}
        await bot.stop()

        # More restarts in the same day change nothing.
        for hour in (10, 15, 20):
            clock.move_to(datetime(2026, 1, 14, hour, 0, tzinfo=UTC))
            bot = await boot(path, bank, grader, platform)
            await bot.stop()
        assert platform.posts(DAY) == {chat: 1 for chat in ids}

        # The next day, one restart straddling every post time: one new post each.
        clock.move_to(datetime(2026, 1, 15, 7, 59, tzinfo=UTC))
        bot = await boot(path, bank, grader, platform)
        await bot.stop()
        clock.move_to(datetime(2026, 1, 15, 9, 45, tzinfo=UTC))
        bot = await boot(path, bank, grader, platform)
        nxt = DAY + timedelta(days=1)
        assert platform.posts(nxt) == {chat: 1 for chat in ids}
        # The cron jobs rebuilt at start-up point at tomorrow, not at the posts just made.
        for chat, _, _ in CHATS:
            planned = bot.scheduler.next_run(f"daily:console:{chat.chat_id}")
            assert planned is not None and planned.astimezone(UTC).date() == nxt + timedelta(1)
        await bot.stop()

    assert platform.posts(DAY) == {chat: 1 for chat in ids}
    assert set(daily_rows(path).values()) == {1}
    assert len(daily_rows(path)) == 2 * len(CHATS)
