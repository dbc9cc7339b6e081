"""Memory: the whole bot, both adapters connected to local fakes and every chat scheduled.

The study service (question bank, grader model, SQLite), the Telegram adapter (PTB, long
polling a fake Bot API) and the Discord adapter (discord.py, logged in to a fake gateway and
its commands synced) run in this process with the scheduler holding a daily job per chat, and
answers are graded in one worker process, as `studybot run` does. The fakes run as processes of
their own. The figure is the proportional set size (PSS) of this process plus the processes
the grader started (its worker and multiprocessing's helper): resident memory with each page
shared between them (the Python runtime, numpy) counted once, split among its sharers. Plain
RSS of each process is reported too.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import discord
import discord.gateway
import discord.http
import discord.webhook.async_
import yarl

from bench.chats import seed_chats
from bench.common import arguments, emit, note, rss_mb, sized
from bench.servers import fake_server
from bot.adapters import discord as discord_adapter
from bot.adapters import telegram as telegram_adapter
from bot.adapters.base import PlatformAdapter
from bot.adapters.telegram import AdapterOptions
from bot.config import Settings
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading.pool import PooledGrader
from content.bank import load_bank
from storage import Database

TELEGRAM_TOKEN = "123456789:" + "C" * 35
DISCORD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.bench0.bm90LWEtcmVhbC10b2tlbi1hdC1hbGw"
SETTLE_S = 0.5
GRADING_WORKERS = 1  # as `studybot run` starts


def point_discord_at(base: str) -> None:
    """discord.py's REST, webhook and gateway addresses, as the offline-testing notes describe."""
    discord.http.Route.BASE = f"{base}/api/v10"
    vars(discord.webhook.async_)["Route"].BASE = f"{base}/api/v10"  # its own copy of Route
    ws = base.replace("http://", "ws://") + "/"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(ws)


async def run(chats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        path = Path(folder) / "study.db"
        db = await Database.open(path)
        await db.close()
        seed_chats(path, chats, datetime.now(UTC), ("telegram", "discord"))
        async with (
            fake_server("bench.fakebotapi", "--per-second", "1000") as telegram_base,
            fake_server("bench.fakediscord") as discord_base,
        ):
            point_discord_at(discord_base)
            db = await Database.open(path)
            try:
                return await measure(db, chats, telegram_base)
            finally:
                await db.close()


def pss_mb(pid: int) -> float:
    """Proportional set size of a process, in MB (its share of every page it maps)."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_pids() -> set[int]:
    """The processes this one started (read from /proc: no extra dependency)."""
    me = str(os.getpid())
    children: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if fields[1] == me:
            children.add(int(stat.parent.name))
    return children


async def measure(db: Database, chats: int, telegram_base: str) -> dict[str, object]:
    before = child_pids()  # the fake servers
    grader = PooledGrader(GRADING_WORKERS)
    grader.start()
    await grader.ready()
    helpers = child_pids() - before
    service = StudyService(db, load_bank(), grader)
    settings = Settings(
        telegram_token=TELEGRAM_TOKEN,
        telegram_api_url=f"{telegram_base}/bot",
        discord_token=DISCORD_TOKEN,
    )
    telegram = telegram_adapter.create_adapter(settings, service, AdapterOptions(poll_timeout=0.5))
    discord_side = discord_adapter.create_adapter(settings, service, guild_ready_timeout=0.05)
    adapters: list[PlatformAdapter] = [telegram, discord_side]
    scheduler = StudyScheduler(service)
    started: list[PlatformAdapter] = []
    try:
        for adapter in adapters:
            service.register_outbox(adapter.platform, adapter.outbox)
            await adapter.start()
            started.append(adapter)
        await scheduler.start()
        scheduled = len(scheduler.job_ids())
        await asyncio.sleep(SETTLE_S)  # a few long polls and heartbeats go by
        gc.collect()
        main = rss_mb()
        workers = sum(rss_mb(pid) for pid in helpers)
        proportional = pss_mb(os.getpid()) + sum(pss_mb(pid) for pid in helpers)
    finally:
        scheduler.shutdown()
        for adapter in reversed(started):
            await adapter.stop()
        await grader.close()
    note(
        f"memory: {proportional:.1f} MB PSS (RSS {main:.1f} + grading {workers:.1f}), "
        f"{scheduled} jobs"
    )
    return {
        "bench": "memory",
        "rss_mb": round(proportional, 1),
        "measure": "pss",
        "rss_sum_mb": round(main + workers, 1),
        "main_rss_mb": round(main, 1),
        "grading_rss_mb": round(workers, 1),
        "grading_workers": GRADING_WORKERS,
        "chats": chats,
        "jobs": scheduled,
        "adapters": [adapter.platform for adapter in started],
    }


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.ERROR)
    args = arguments(__doc__.splitlines()[0], argv)
    emit(asyncio.run(run(sized(10_000, 10_000, args, minimum=10))))


if __name__ == "__main__":
    main()
