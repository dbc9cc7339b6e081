"""The composition root: settings → database (migrate) → content → core → adapters → scheduler.

Shutdown runs the other way round for what takes input: the adapters' intake stops first, then
the scheduler, then the database closes.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from bot.adapters.base import PlatformAdapter
from bot.adapters.console import ConsoleChat
from bot.config import Settings
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading import create_grader
from content.bank import load_bank
from storage import Database

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_service(database: Path) -> AsyncIterator[StudyService]:
    """The database (migrated), the bank and the grader, wired into a `StudyService`."""
    db = await Database.open(database)
    try:
        yield StudyService(db, load_bank(), create_grader())
    finally:
        await db.close()


async def run_console(database: Path, source: TextIO | None = None) -> int:
    """The console group chat on `database`, with the scheduler, until end of input."""
    async with open_service(database) as service:
        chat = ConsoleChat(service)
        service.register_outbox("console", chat.outbox)
        scheduler = StudyScheduler(service)
        await scheduler.start()
        try:
            await chat.run(source)
        finally:
            scheduler.shutdown()
    return 0


def create_adapters(settings: Settings, service: StudyService) -> list[PlatformAdapter]:
    """One adapter per configured token; each platform library is imported only when needed."""
    wanted = [
        ("telegram", settings.telegram_token),
        ("discord", settings.discord_token),
    ]
    adapters: list[PlatformAdapter] = []
    for name, token in wanted:
        if token:
            module = importlib.import_module(f"bot.adapters.{name}")
            adapters.append(module.create_adapter(settings, service))
    return adapters


async def run_platforms(settings: Settings) -> int:
    """The platform adapters and the scheduler, until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with open_service(settings.database) as service:
        adapters = create_adapters(settings, service)
        started: list[PlatformAdapter] = []
        scheduler = StudyScheduler(service)
        try:
            for adapter in adapters:
                service.register_outbox(adapter.platform, adapter.outbox)
                await adapter.start()
                started.append(adapter)
                log.info("%s adapter running", adapter.platform)
            await scheduler.start()
            await stop.wait()
            log.info("stopping")
        finally:
            for adapter in reversed(started):
                try:
                    await adapter.stop()
                except Exception:
                    log.exception("%s adapter did not stop cleanly", adapter.platform)
            scheduler.shutdown()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
    return 0


async def run(settings: Settings) -> int:
    """`studybot run`: the platforms when a token is set, otherwise the console chat."""
    if settings.has_platform:
        return await run_platforms(settings)
    print("No platform token set: starting the console chat.", file=sys.stderr)
    return await run_console(settings.database)
