"""Whole transactions on the database threads: `run_write` (group commit) and `run_read`.

Real SQLite files; a second plain sqlite3 connection checks what is committed.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

import storage.groupcommit
from bot.core.errors import NotFound, StorageFull
from storage import Database
from storage.base import on_thread
from storage.records import MemberRecord
from storage.syncstore import SyncStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "sync.db")
    try:
        yield database
    finally:
        await database.close()


def committed_members(path: Path) -> set[str]:
    """Member ids another connection sees: only what was committed."""
    with closing(sqlite3.connect(path)) as raw:
        return {row[0] for row in raw.execute("SELECT user_id FROM members")}


def add(user_id: str) -> storage.groupcommit.Work:
    return lambda store: store.members.add_member("console", user_id, user_id, NOW)


async def test_on_thread_runs_on_the_connections_own_thread_in_queue_order(
    db: Database,
) -> None:
    connection = db._connection
    await connection.execute("CREATE TEMP TABLE seen (n INTEGER)")
    threads: list[int] = []

    def note(raw: sqlite3.Connection, n: int) -> int:
        threads.append(threading.get_ident())
        raw.execute("INSERT INTO seen VALUES (?)", (n,))
        return n

    results = await asyncio.gather(
        *(on_thread(connection, lambda raw, n=n: note(raw, n)) for n in range(20))
    )
    assert results == list(range(20))
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()
    # The same sqlite3 connection aiosqlite's own statements use (the temp table is per
    # connection), and the calls ran in the order they were queued.
    rows = await connection.execute_fetchall("SELECT n FROM seen ORDER BY rowid")
    assert [row[0] for row in rows] == list(range(20))


async def test_run_write_returns_after_commit(db: Database) -> None:
    member = await db.run_write(add("ada"))
    assert isinstance(member, MemberRecord) and member.user_id == "ada"
    assert committed_members(db.path) == {"ada"}


async def test_writes_that_arrive_together_share_one_commit(db: Database) -> None:
    statements: list[str] = []
    await db._connection.set_trace_callback(statements.append)
    try:
        members = await asyncio.gather(*(db.run_write(add(f"m{n}")) for n in range(50)))
    finally:
        await db._connection.set_trace_callback(None)
    assert [m.user_id for m in members] == [f"m{n}" for n in range(50)]
    assert committed_members(db.path) == {f"m{n}" for n in range(50)}
    commits = [s for s in statements if s.strip().upper() == "COMMIT"]
    assert 1 <= len(commits) < 5
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 50


async def test_one_failing_write_is_rolled_back_alone(db: Database) -> None:
    def add_then_fail(store: SyncStore) -> None:
        store.members.add_member("console", "mallory", "mallory", NOW)
        raise NotFound("error.member_unknown")

    results = await asyncio.gather(
        db.run_write(add("ada")),
        db.run_write(add_then_fail),
        db.run_write(add("bob")),
        return_exceptions=True,
    )
    assert isinstance(results[1], NotFound)
    assert [r.user_id for r in results if isinstance(r, MemberRecord)] == ["ada", "bob"]
    assert committed_members(db.path) == {"ada", "bob"}


async def test_a_failed_commit_fails_every_write_of_the_batch(db: Database) -> None:
    def dangling(store: SyncStore) -> None:
        # A foreign key checked only at COMMIT: the whole transaction cannot commit.
        raw = store.members._connection
        raw.execute("PRAGMA defer_foreign_keys = ON")
        raw.execute(
            "INSERT INTO streaks (chat_id, member_id, current, longest, last_date)"
            " VALUES (999, 999, 1, 1, '2026-03-02')"
        )

    results = await asyncio.gather(
        db.run_write(add("ada")), db.run_write(dangling), return_exceptions=True
    )
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
    assert committed_members(db.path) == set()
    # The connection is usable again afterwards.
    await db.run_write(add("bob"))
    assert committed_members(db.path) == {"bob"}


async def test_run_read_sees_only_what_is_committed_and_does_not_wait(db: Database) -> None:
    def find(store: SyncStore) -> MemberRecord | None:
        return store.members.find_member("console", "ada")

    async with db.write() as store:
        await store.members.add_member("console", "ada", "Ada", NOW)
        # The write holds the writing connection; the read goes through all the same.
        assert await asyncio.wait_for(db.run_read(find), timeout=5) is None
    found = await db.run_read(find)
    assert found is not None and found.name == "Ada"


async def test_run_read_refuses_to_write(db: Database) -> None:
    with pytest.raises(sqlite3.OperationalError):
        await db.run_read(add("ada"))
    assert committed_members(db.path) == set()


async def test_a_full_database_reaches_the_writer_as_storage_full(db: Database) -> None:
    def fill(store: SyncStore) -> None:
        raw = store.members._connection
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        raw.execute(f"PRAGMA max_page_count = {pages}")
        raw.execute("CREATE TABLE filler (x TEXT)")
        raw.execute("INSERT INTO filler VALUES (?)", ("x" * 100_000,))

    with pytest.raises(StorageFull):
        await db.run_write(fill)
    await db._connection.execute("PRAGMA max_page_count = 1073741823")
    await db.run_write(add("ada"))
    assert committed_members(db.path) == {"ada"}


async def test_peer_texts_come_back_exactly_in_answer_order_without_the_member(
    db: Database,
) -> None:
    texts = ['a\x00b "quoted" \\ back\nslash', "émoji 🎉 \ufffd", "", "plain"]

    def answer_all(store: SyncStore) -> tuple[int, list[int]]:
        chat = store.members._connection.execute(
            "INSERT INTO chats (platform, chat_id, created_at) VALUES ('console', 'c', 'now')"
        ).lastrowid
        post = store.members._connection.execute(
            "INSERT INTO posts (chat_id, question_id, kind, local_date, opens_at, closes_at,"
            " created_at) VALUES (?, 'q', 'daily', '2026-03-02', 'a', 'b', 'c')",
            (chat,),
        ).lastrowid
        assert post is not None
        members = [store.members.add_member("console", f"m{n}", "M", NOW).id for n in range(4)]
        for member, text in zip(reversed(members), texts, strict=True):
            store.answers.save_answer(post, member, text, 1, "incorrect", (), (), (), NOW)
        return post, members

    post, members = await db.run_write(answer_all)
    everyone = await db.run_read(lambda store: store.answers.list_peer_texts(post, -1))
    assert everyone == texts
    # members[3] answered first: the others' answers, still in answer order.
    others = await db.run_read(lambda store: store.answers.list_peer_texts(post, members[3]))
    assert others == texts[1:]
    async with db.read() as store:
        assert await store.answers.list_peer_texts(post, members[0]) == texts[:3]


async def test_a_write_whose_caller_gave_up_before_its_batch_changes_nothing(
    db: Database,
) -> None:
    kept = asyncio.ensure_future(db.run_write(add("ada")))
    dropped = asyncio.ensure_future(db.run_write(add("mallory")))
    await asyncio.sleep(0)  # both are queued; the batch waits to gather company
    dropped.cancel()
    assert (await kept).user_id == "ada"
    assert dropped.cancelled()
    assert committed_members(db.path) == {"ada"}
