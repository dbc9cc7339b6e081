"""Daily fan-out: the scheduler's daily post to many Telegram chats through the real adapter.

A fake Bot API (its own process, `bench.fakebotapi`) enforces Telegram's overall flood limit
scaled up to `PER_SECOND` messages a second and answers 429 with `retry_after` beyond it. The
bot runs the real stack: StudyService, StudyScheduler (APScheduler) and the Telegram adapter
(python-telegram-bot over HTTP) with its flood limiter (`AdapterOptions.flood`) set just under
the same budget. Every chat's daily job is fired at once; the bench waits until every post is
delivered and reads what the server accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.chats import seed_chats
from bench.common import arguments, emit, note, sized
from bench.servers import fake_server
from bot.adapters.telegram import AdapterOptions, create_adapter
from bot.adapters.telegram.flood import FloodLimits, Limit
from bot.config import Settings
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading import create_grader
from content.bank import load_bank
from storage import Database

TOKEN = "123456789:" + "B" * 35
# The bot aims a little under the server's budget, as it must under Telegram's fuzzy limit:
# requests that leave on schedule can still arrive bunched up.
HEADROOM = 0.97
WAIT_LIMIT_S = 600.0
# Telegram's 30 a second scaled up about 7 times: 10,000 chats in under a minute.
PER_SECOND = 200.0


def server_stats(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/stats", timeout=30) as response:
        stats: dict[str, Any] = json.load(response)
    return stats


async def delivered_posts(db: Database) -> int:
    async with db.read() as store:
        row = await store.posts._one("SELECT COUNT(*) FROM posts WHERE delivered_at IS NOT NULL")
    return int(row[0]) if row else 0


async def wait_for(db: Database, chats: int) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while await delivered_posts(db) < chats:
        if time.monotonic() > deadline:
            raise TimeoutError("the daily posts were not all delivered in time")
        await asyncio.sleep(0.2)


async def run(chats: int, per_second: float) -> dict[str, object]:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as folder:
        path = Path(folder) / "study.db"
        db = await Database.open(path)
        await db.close()
        seed_chats(path, chats, now, ("telegram",))
        async with fake_server("bench.fakebotapi", "--per-second", str(per_second)) as base:
            db = await Database.open(path)
            try:
                service = StudyService(db, load_bank(), create_grader())
                settings = Settings(telegram_token=TOKEN, telegram_api_url=f"{base}/bot")
                flood = FloodLimits(overall=Limit(int(per_second * HEADROOM), 1.0))
                options = AdapterOptions(poll_timeout=0.5, flood=flood)
                adapter = create_adapter(settings, service, options)
                service.register_outbox("telegram", adapter.outbox)
                await adapter.start()
                scheduler = StudyScheduler(service)
                try:
                    await scheduler.start()
                    if await delivered_posts(db):
                        raise RuntimeError("posts went out before the daily jobs fired")
                    started = time.perf_counter()
                    fire_now = datetime.now(UTC)
                    for job in scheduler.scheduler.get_jobs():
                        job.modify(next_run_time=fire_now)
                    await wait_for(db, chats)
                    seconds = time.perf_counter() - started
                finally:
                    scheduler.shutdown()
                    await adapter.stop()
            finally:
                await db.close()
            stats = server_stats(base)
    note(f"fanout: {chats} posts in {seconds:.1f} s, {stats['refused']} answered 429")
    delivered = stats["chats"]
    return {
        "bench": "fanout",
        "chats": chats,
        "limit_per_s": per_second,
        "achieved_per_s": round(stats["messages"] / stats["seconds"], 1) if stats["seconds"] else 0,
        "lost": chats - delivered,
        "duplicates": stats["duplicates"],
        "refused_429": stats["refused"],
        "seconds": round(seconds, 2),
        "per_second": stats["per_second"],
    }


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.ERROR)
    args = arguments(__doc__.splitlines()[0], argv)
    chats = sized(10_000, 3_000, args, minimum=10)
    emit(asyncio.run(run(chats, per_second=PER_SECOND)))


if __name__ == "__main__":
    main()
