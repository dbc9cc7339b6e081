"""A storm of 429s and 5xx answers from Telegram: every post gets through, once, in order.

The real Telegram adapter (PTB's HTTP stack, the flood limiter, the retry policy) delivers three
days of daily posts and reveals to a dozen groups through a fake Bot API that refuses a seeded
random share of the sends with 429 (with `retry_after`), 500 or 502. Sends the adapter gives up
on are retried by the real scheduler's retry job.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
import time_machine

import bot.core.scheduling
from bot.adapters.telegram import AdapterOptions, TelegramAdapter, create_adapter
from bot.adapters.telegram.delivery import RetryPolicy
from bot.adapters.telegram.flood import FloodLimits
from bot.adapters.telegram.render import POST_HEADING
from bot.config import Settings
from bot.core.commands import ChangeSettings
from bot.core.grading import Grader
from bot.core.refs import ChatRef, UserRef
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from storage.timefmt import to_db
from tests.adapters.telegram.fake_api import TOKEN, Failure, FakeTelegram, Params

GROUPS = [-1000 - number for number in range(12)]
DAYS = 3
# (day, UTC hour, minute) the wall clock jumps to: just after the 09:00 posts and the reveals
# twelve hours later, except that the bot sleeps through day 1's reveal time, so day 2's post
# and the late reveal fall due together.
WAKE_UPS = ((0, 9, 1), (0, 21, 30), (1, 9, 1), (2, 9, 1), (2, 21, 30))
SEED = 20260114
FAILURE_SHARE = 0.35
WAIT_S = 20.0
# Quick retries and flood waits keep the storm short; the same code paths run.
OPTIONS = AdapterOptions(
    poll_timeout=1.0,
    flood=FloodLimits().scaled(0.001),
    retry=RetryPolicy(base_delay=0.005, max_delay=0.02, max_flood_wait=0.01),
)
ADMIN = UserRef("telegram", "1", "Admin")


class StormTelegram(FakeTelegram):
    """Refuses a seeded random share of `sendMessage` calls (nothing is posted then)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.rng = random.Random(SEED)
        self.refused: list[tuple[int, int]] = []  # (chat id, status) of each refusal

    def _take_failure(self, method: str, params: Params) -> Failure | None:
        planned = super()._take_failure(method, params)
        if planned is not None or method != "sendMessage":
            return planned
        if self.rng.random() >= FAILURE_SHARE:
            return None
        failure = self.rng.choice(
            [
                Failure(429, "Too Many Requests: retry after 1", retry_after=1),
                Failure(500, "Internal Server Error"),
                Failure(502, "Bad Gateway"),
            ]
        )
        self.refused.append((params["chat_id"], failure.status))
        return failure


@pytest.fixture
async def storm() -> AsyncIterator[StormTelegram]:
    server = StormTelegram()
    await server.start()
    yield server
    await server.close()


async def settle(condition: Callable[[], bool]) -> None:
    """Let deliveries and retry jobs run until `condition` holds (at most `WAIT_S`)."""
    for _ in range(int(WAIT_S / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("deliveries did not finish")


def all_out(path: Path, posts: int, now: datetime) -> bool:
    """`posts` posts exist, every one was delivered, and so was every reveal due by `now`."""
    with closing(sqlite3.connect(path)) as connection:
        made, waiting = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE delivered_at IS NULL"
            " OR (closes_at <= ? AND reveal_delivered_at IS NULL)) FROM posts",
            (to_db(now),),
        ).fetchone()
    return int(made) == posts and int(waiting) == 0


def questions_by_day(path: Path, chat_id: int) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT p.question_id FROM posts p JOIN chats c ON c.id = p.chat_id"
            " WHERE c.platform = 'telegram' AND c.chat_id = ? ORDER BY p.local_date",
            (str(chat_id),),
        ).fetchall()
    return [str(row[0]) for row in rows]


def prompt_of(bank: Bank, question_id: str) -> str:
    question = bank.find(question_id)
    assert question is not None
    return question.prompt


def what_arrived(fake: FakeTelegram, chat_id: int, bank: Bank, asked: list[str]) -> list[str]:
    """The chat's posts and reveals as Telegram shows them, oldest first."""
    prompts = {question: prompt_of(bank, question) for question in asked}
    seen: list[str] = []
    for message in fake.bot_messages(chat_id):
        shown = message.get("text", "")
        for question, prompt in prompts.items():
            if prompt in shown:
                kind = "post" if shown.startswith(POST_HEADING) else "reveal"
                seen.append(f"{kind} {question}")
    return seen


async def test_a_storm_of_429_and_5xx_delivers_every_post_once_and_in_order(
    storm: StormTelegram,
    tmp_path: Path,
    bank: Bank,
    grader: Grader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(bot.core.scheduling, "RETRY_AFTER_S", 0.05)
    path = tmp_path / "storm.db"
    chats = [ChatRef("telegram", str(group), title=f"Group {group}") for group in GROUPS]
    with time_machine.travel(datetime(2026, 1, 12, 8, 0, tzinfo=UTC), tick=True) as clock:
        db = await Database.open(path)
        service = StudyService(db, bank, grader)
        settings = Settings(database=path, telegram_token=TOKEN, telegram_api_url=storm.base_url)
        adapter: TelegramAdapter = create_adapter(settings, service, OPTIONS)
        service.register_outbox("telegram", adapter.outbox)
        scheduler = StudyScheduler(service)
        await adapter.start()
        await scheduler.start()
        try:
            for chat in chats:
                await service.chat_seen(chat)
                changes = (("time", "09:00"), ("window", "12"))
                await service.handle(ChangeSettings(chat, ADMIN, True, changes=changes))
            for day, hour, minute in WAKE_UPS:
                # Every chat's job is due at once: the scheduler runs them side by side.
                now = datetime(2026, 1, 12 + day, hour, minute, tzinfo=UTC)
                clock.move_to(now)
                scheduler.scheduler.wakeup()
                await settle(partial(all_out, path, len(GROUPS) * (day + 1), now))
        finally:
            scheduler.shutdown()
            await adapter.stop()
            await db.close()

    assert len(storm.refused) >= 20, "the storm really happened"
    assert {status for _, status in storm.refused} == {429, 500, 502}
    for group in GROUPS:
        asked = questions_by_day(path, group)
        assert len(asked) == DAYS
        expected = [f"{kind} {question}" for question in asked for kind in ("post", "reveal")]
        arrived = what_arrived(storm, group, bank, asked)
        assert arrived == expected, f"chat {group} got {arrived}"
