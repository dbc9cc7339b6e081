"""Fixtures for the operations tests: the real bank and grader, a core service on a real SQLite
file with one chat whose daily question is posted."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.commands import ChangeSettings, PostDaily
from bot.core.grading import Grader
from bot.inflight import TrackedService
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, CHAT, POOLING, ManualClock, RecordingOutbox

QUIETED = ("httpx", "httpcore", "aiosqlite")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "studybot.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


async def posted_service(db: Database, grader: Grader) -> TrackedService:
    """The service the running bot uses, with CHAT's pooling question posted on a Monday."""
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    study = TrackedService(db, Bank([POOLING]), grader, clock)
    study.register_outbox("console", RecordingOutbox())
    await study.chat_seen(CHAT)
    changes = (("time", "09:00"), ("window", "12"))
    await study.handle(ChangeSettings(CHAT, ADMIN, is_admin=True, changes=changes))
    await study.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    return study


@pytest.fixture
async def service(db: Database, grader: Grader) -> TrackedService:
    return await posted_service(db, grader)


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """The root logger, restored after a test that reconfigures it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in QUIETED}
    yield root
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
