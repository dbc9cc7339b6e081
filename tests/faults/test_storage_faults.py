"""The database locked by another process, and the database full.

A lock held by another process is waited out and the write goes through; a lock held too long
and a full database both reach the member as a clear message with nothing changed, the file
stays intact, and the bot works again once the lock is released or space is back.
"""

from __future__ import annotations

import asyncio
import io
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

import storage.database
from bot.adapters.console import ConsoleChat
from bot.core.commands import PostDaily, SubmitAnswer
from bot.core.grading import Grader
from bot.core.messages import text
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import AnswerFeedback
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database

CHAT = ChatRef("console", "console", title="console")
ADMIN = UserRef("console", "admin", "admin")
ANSWER = "Dropout randomly zeroes activations during training so units cannot co-adapt."
HOLD_SCRIPT = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
connection.execute("UPDATE chats SET title = title")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
connection.close()
"""
WAIT_S = 10.0


@contextmanager
def locked_by_another_process(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the database's write lock until the test writes to its stdin."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        try:
            yield holder
        finally:
            release(holder)


def release(holder: subprocess.Popen[str]) -> None:
    if holder.poll() is None:
        holder.communicate("\n", timeout=WAIT_S)
        assert holder.returncode == 0


def integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def answer_texts(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT m.user_id, a.text FROM answers a JOIN members m ON m.id = a.member_id"
        ).fetchall()
    return {str(user): str(body) for user, body in rows}


@pytest.fixture
async def study(tmp_path: Path, bank: Bank, grader: Grader) -> AsyncIterator[StudyService]:
    db = await Database.open(tmp_path / "study.db")
    service = StudyService(db, bank, grader)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    yield service
    await service.core.db.close()


async def reopen(service: StudyService) -> None:
    """Reopen the service's database, so its connection takes the settings under test."""
    path = service.core.db.path
    await service.core.db.close()
    service.core.db = await Database.open(path)


def console(service: StudyService) -> tuple[ConsoleChat, io.StringIO]:
    out = io.StringIO()
    return ConsoleChat(service, out), out


@pytest.mark.parametrize("busy_timeout_ms", [5000, 20], ids=["sqlite-busy-wait", "retried"])
async def test_a_write_waits_out_another_process_holding_the_lock(
    study: StudyService, monkeypatch: pytest.MonkeyPatch, busy_timeout_ms: int
) -> None:
    path = study.core.db.path
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", busy_timeout_ms)
    await reopen(study)
    bob = UserRef("console", "bob", "Bob")
    with locked_by_another_process(study.core.db.path) as holder:
        started = time.monotonic()
        submit = asyncio.create_task(study.handle(SubmitAnswer(CHAT, bob, text=ANSWER)))
        await asyncio.sleep(0.25)
        assert not submit.done(), "the write must wait while the other process holds the lock"
        release(holder)
        [feedback] = await asyncio.wait_for(submit, WAIT_S)
    assert isinstance(feedback, AnswerFeedback) and feedback.counted
    assert time.monotonic() - started >= 0.25
    assert answer_texts(path) == {"bob": ANSWER}


async def test_a_lock_held_too_long_is_a_clear_message_and_changes_nothing(
    study: StudyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(storage.database, "BUSY_RETRY_S", 0.3)
    path = study.core.db.path
    await reopen(study)
    chat, out = console(study)
    await chat.handle_line("admin: /settings")  # the chat is known before the lock
    before = await study.core.db.dump()
    with locked_by_another_process(path):
        await asyncio.wait_for(chat.handle_line(f"bob: /answer {ANSWER}"), WAIT_S)
        assert out.getvalue().splitlines()[-1] == "bot: " + text("error.storage_busy")
    assert await study.core.db.dump() == before
    await chat.handle_line(f"bob: /answer {ANSWER}")  # the lock is gone: it goes through
    assert re.search(r"^bot: bob: \d+/100, ", out.getvalue(), re.MULTILINE)
    assert answer_texts(path) == {"bob": ANSWER}
    assert integrity(path) == "ok"


async def set_max_pages(db: Database, pages: int | None) -> None:
    """Cap the database's size (a full disk); None lifts the cap. The cap is per connection,
    so it goes on the bot's own connection."""
    connection = db._connection
    if pages is None:
        pages = 1_073_741_823
    await connection.execute(f"PRAGMA max_page_count={pages}")


async def page_count(db: Database) -> int:
    async with db._connection.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_a_full_database_is_a_clear_message_no_corruption_and_recovers(
    study: StudyService,
) -> None:
    db = study.core.db
    chat, out = console(study)
    await chat.handle_line("admin: /settings")
    await set_max_pages(db, await page_count(db))
    refused = None
    for number in range(200):
        before = await db.dump()
        await chat.handle_line(f"m{number}: /answer {ANSWER} {'detail ' * 300}")
        if out.getvalue().splitlines()[-1] == "bot: " + text("error.storage_full"):
            refused = number
            break
    assert refused is not None, "the capped database never filled up"
    assert await db.dump() == before, "a refused write changes nothing"
    assert integrity(db.path) == "ok"
    stored = answer_texts(db.path)
    assert f"m{refused}" not in stored
    assert all(f"m{n}" in stored for n in range(refused))

    await set_max_pages(db, None)  # space is back
    await chat.handle_line(f"m{refused}: /answer {ANSWER}")
    assert f"bot: m{refused}: " in out.getvalue()
    assert answer_texts(db.path)[f"m{refused}"] == ANSWER
    assert integrity(db.path) == "ok"
