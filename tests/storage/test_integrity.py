"""The database keeps its promises: pragmas on the live connection, foreign keys enforced, a
second connection waiting for the write lock instead of failing, migrations all-or-nothing,
and files that cannot be used refused with a clear message."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from storage import Database, MigrationFailed, StorageError, database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def pragma(db: Database, name: str) -> object:
    # The live connection is the one that matters: these pragmas are per connection.
    async with db._connection.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def test_the_live_connection_has_wal_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "pragmas.db")
    try:
        assert await pragma(db, "journal_mode") == "wal"
        assert await pragma(db, "foreign_keys") == 1
        assert await pragma(db, "busy_timeout") == database.BUSY_TIMEOUT_MS >= 1000
        assert await pragma(db, "synchronous") == 1  # NORMAL
        # Fewer, larger checkpoints, and a log cut back to a bounded size after each.
        assert await pragma(db, "wal_autocheckpoint") == database.CHECKPOINT_PAGES > 1000
        assert await pragma(db, "journal_size_limit") == database.LOG_LIMIT_BYTES > 0
    finally:
        await db.close()


async def test_foreign_keys_refuse_an_answer_to_a_missing_post(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fk.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as store:
                member = await store.members.add_member("console", "u1", "Ada", NOW)
                await store.answers.save_answer(
                    999, member.id, "x", 1, "incorrect", (), (), (), NOW
                )
        async with db.read() as store:
            assert await store.members.find_member("console", "u1") is None, "rolled back"
    finally:
        await db.close()


async def test_a_second_connection_waits_for_the_write_lock(tmp_path: Path) -> None:
    """Two processes on one file: the second writer waits while the first holds its
    `BEGIN IMMEDIATE` transaction, then writes; nothing is lost."""
    path = tmp_path / "two.db"
    first, second = await Database.open(path), await Database.open(path)
    try:
        holding = asyncio.Event()

        async def slow_writer() -> None:
            async with first.write() as store:
                await store.chats.add_chat("console", "c1", None, "One", {}, NOW)
                holding.set()
                await asyncio.sleep(0.3)

        async def second_writer() -> None:
            await holding.wait()
            async with second.write() as store:
                await store.chats.add_chat("console", "c2", None, "Two", {}, NOW)

        await asyncio.wait_for(asyncio.gather(slow_writer(), second_writer()), timeout=10)
        async with first.read() as store:
            assert [c.chat_id for c in await store.chats.list_chats()] == ["c1", "c2"]
    finally:
        await first.close()
        await second.close()


async def test_two_processes_posting_the_same_day_post_once(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    first, second = await Database.open(path), await Database.open(path)
    try:
        async with first.write() as store:
            chat = await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)

        async def post(db: Database, question: str) -> bool:
            async with db.write() as store:
                made = await store.posts.add_post(
                    chat.id, question, "daily", date(2026, 3, 2), NOW, NOW + timedelta(hours=1)
                )
            return made is not None

        made = await asyncio.wait_for(
            asyncio.gather(post(first, "q1"), post(second, "q2")), timeout=10
        )
        assert sorted(made) == [False, True]
        async with second.read() as store:
            assert len(await store.posts.list_posts(chat.id)) == 1
    finally:
        await first.close()
        await second.close()


def copy_migrations(target: Path, broken: str | None) -> Path:
    target.mkdir()
    for number, file in database.migration_files():
        (target / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
        last = number
    if broken is not None:
        (target / f"{last + 1:04d}_broken.sql").write_text(broken, encoding="utf-8")
    return target


async def test_a_failing_migration_leaves_the_previous_version_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "migrate.db"
    db = await Database.open(path)
    async with db.write() as store:
        await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)
    version = await db.user_version()
    await db.close()
    broken = "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
    monkeypatch.setattr(database, "MIGRATIONS", copy_migrations(tmp_path / "m", broken))
    with pytest.raises(MigrationFailed) as caught:
        await Database.open(path)
    assert "_broken.sql" in str(caught.value)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == version
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables, "the failed script's first statement was rolled back"
        assert raw.execute("SELECT chat_id FROM chats").fetchall() == [("c1",)]
    finally:
        raw.close()


def test_migration_files_must_be_numbered_without_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_migrations(tmp_path / "m", None)
    (folder / "0009_later.sql").write_text("SELECT 1;", encoding="utf-8")
    monkeypatch.setattr(database, "MIGRATIONS", folder)
    with pytest.raises(MigrationFailed):
        database.migration_files()


@pytest.mark.parametrize("kind", ["missing folder", "not a database"])
async def test_a_file_that_cannot_be_used_is_a_clear_storage_error(
    tmp_path: Path, kind: str
) -> None:
    if kind == "missing folder":
        path = tmp_path / "no" / "such" / "folder.db"
    else:
        path = tmp_path / "notes.db"
        path.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        await Database.open(path)
    assert str(path) in str(caught.value)
    assert "studybot database" in str(caught.value)
    if kind == "not a database":
        assert path.read_text(encoding="utf-8").startswith("these are my notes"), "untouched"
