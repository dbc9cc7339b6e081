"""The composition root: settings → database (migrate) → content → core → adapters → scheduler.

Shutdown (SIGTERM, SIGINT, or the end of console input) runs the other way round: answers in
flight finish, the adapters' intake stops, the scheduler stops, then the database closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from bot.adapters.base import PlatformAdapter
from bot.adapters.console import ConsoleChat
from bot.config import Settings, configure_logging
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading import ModelMissing
from bot.grading.pool import PooledGrader
from bot.inflight import TrackedService
from content.bank import DeckError, load_bank
from storage import Database, StorageError

log = logging.getLogger(__name__)

# How long shutdown waits for answers being graded and jobs running, at each step.
DRAIN_GRACE_S = 3.0
HEARTBEAT_INTERVAL_S = 15.0
# `studybot run` grades answers in one worker process, so a burst of answers does not hold the
# event loop (the platforms' heartbeats, other commands) and the database threads; the console
# chat and tests grade in-process.
PLATFORM_GRADING_WORKERS = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@asynccontextmanager
async def open_service(
    database: Path, extra_decks: Path | None = None, grading_workers: int = 0
) -> AsyncIterator[StudyService]:
    """The database (migrated), the bank (with a community's own decks) and the grader, wired
    into a `StudyService`. With `grading_workers`, answers are graded in that many worker
    processes (in this one if they cannot start); they stop after the service is drained."""
    bank = load_bank(extra_dirs=(extra_decks,) if extra_decks else ())
    db = await Database.open(database)
    grader = PooledGrader(grading_workers)
    grader.start()
    try:
        yield TrackedService(db, bank, grader)
    finally:
        await grader.close()
        await db.close()
        log.info("database closed")


@contextlib.contextmanager
def stop_on_signals(loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM while the block runs (then the defaults come back)."""
    stop = asyncio.Event()

    def received(signum: signal.Signals) -> None:
        log.info("stop requested", extra={"signal": signum.name})
        stop.set()

    # Signal handlers belong to the main thread; elsewhere (an embedding app) only the end of
    # the work stops the bot.
    handled = STOP_SIGNALS if threading.current_thread() is threading.main_thread() else ()
    for signum in handled:
        loop.add_signal_handler(signum, received, signum)
    try:
        yield stop
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


async def drain(service: StudyService) -> None:
    if isinstance(service, TrackedService):
        await service.drain(DRAIN_GRACE_S)


async def stop_scheduler(scheduler: StudyScheduler, service: StudyService) -> None:
    """No new jobs start; those running (a daily post, a reveal) finish first."""
    scheduler.shutdown()
    await drain(service)
    log.info("scheduler stopped")


async def heartbeat(path: Path | None) -> None:
    """Touch `path` while the event loop is alive, for a container health check."""
    if path is None:
        return
    while True:
        try:
            await asyncio.to_thread(path.touch)
        except OSError as error:
            log.warning("cannot write the heartbeat file: %s", error.strerror)
        await asyncio.sleep(HEARTBEAT_INTERVAL_S)


@asynccontextmanager
async def beating(path: Path | None) -> AsyncIterator[None]:
    task = asyncio.create_task(heartbeat(path), name="heartbeat")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def run_console(
    database: Path,
    source: TextIO | None = None,
    heartbeat_file: Path | None = None,
    extra_decks: Path | None = None,
) -> int:
    """The console group chat on `database`, with the scheduler, until end of input or a
    stop signal."""
    with stop_on_signals(asyncio.get_running_loop()) as stop:
        async with open_service(database, extra_decks) as service, beating(heartbeat_file):
            chat = ConsoleChat(service)
            service.register_outbox("console", chat.outbox)
            scheduler = StudyScheduler(service)
            await scheduler.start()
            log.info("ready", extra={"platform": "console"})
            try:
                await _until_done_or_stopped(chat.run(source), stop, service)
            finally:
                await stop_scheduler(scheduler, service)
    return 0


async def _until_done_or_stopped(
    work: Awaitable[None], stop: asyncio.Event, service: StudyService
) -> None:
    """Run `work` until it ends or `stop` is set. On a stop, the answer being graded finishes
    (and is shown) before the input loop is cancelled."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not task.done():
        log.info("stopping")
        await drain(service)
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await drain(service)
    error = None if task.cancelled() else task.exception()
    if error is not None:
        raise error


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


async def run_platforms(settings: Settings, grading_workers: int = 0) -> int:
    """The platform adapters and the scheduler, until SIGINT or SIGTERM; answers are graded in
    `grading_workers` worker processes (none: in this process)."""
    with stop_on_signals(asyncio.get_running_loop()) as stop:
        async with (
            open_service(settings.database, settings.extra_decks, grading_workers) as service,
            beating(settings.heartbeat_file),
        ):
            started: list[PlatformAdapter] = []
            scheduler = StudyScheduler(service)
            try:
                for adapter in create_adapters(settings, service):
                    service.register_outbox(adapter.platform, adapter.outbox)
                    await adapter.start()
                    started.append(adapter)
                    log.info("adapter running", extra={"platform": adapter.platform})
                await scheduler.start()
                log.info("ready", extra={"platforms": ",".join(a.platform for a in started)})
                await stop.wait()
                log.info("stopping")
            finally:
                await drain(service)
                await stop_adapters(started)
                await drain(service)
                await stop_scheduler(scheduler, service)
    return 0


async def stop_adapters(started: list[PlatformAdapter]) -> None:
    """Stop intake and disconnect, last started first; one failing does not stop the others."""
    for adapter in reversed(started):
        try:
            await adapter.stop()
        except Exception:
            log.exception("adapter did not stop cleanly", extra={"platform": adapter.platform})
        else:
            log.info("adapter stopped", extra={"platform": adapter.platform})


async def run(settings: Settings) -> int:
    """`studybot run`: the platforms when a token is set, otherwise the console chat."""
    if settings.has_platform:
        configure_logging(settings.log_level, settings.log_format, settings)
        try:
            return await run_platforms(settings, PLATFORM_GRADING_WORKERS)
        except (StorageError, DeckError, ModelMissing):
            raise  # start-up problems with their own message
        except Exception as error:
            # Through the log, not a bare traceback: the line is structured and masked.
            log.critical("stopped by an error: %s", error, exc_info=True)
            return 1
    # INFO lines would interleave with the chat in the terminal; keep them for DEBUG sessions.
    console_level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
    configure_logging(console_level, settings.log_format, settings)
    print("No platform token set: starting the console chat.", file=sys.stderr)
    return await run_console(
        settings.database,
        heartbeat_file=settings.heartbeat_file,
        extra_decks=settings.extra_decks,
    )
