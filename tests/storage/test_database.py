"""The database file: pragmas, migrations, and refusing a schema newer than the code."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.errors import NotFound
from storage import Database, DatabaseTooNew, StorageError, latest_version

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_fresh_database_gets_the_latest_schema(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fresh.db")
    try:
        assert await db.user_version() == latest_version() >= 1
    finally:
        await db.close()
    raw = sqlite3.connect(tmp_path / "fresh.db")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"chats", "members", "posts", "answers", "points_ledger", "streaks"} <= {
        row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    raw.close()


async def test_reopening_keeps_the_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "again.db")
    async with db.write() as store:
        await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)
    await db.close()
    db = await Database.open(tmp_path / "again.db")
    try:
        async with db.read() as store:
            assert (await store.chats.get_chat("console", "c1")).title == "Room"
    finally:
        await db.close()


def _make_newer(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {latest_version() + 1}")
    raw.commit()
    raw.close()


async def test_a_newer_database_refuses_to_open(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _make_newer(path)
    with pytest.raises(DatabaseTooNew) as caught:
        await Database.open(path)
    assert isinstance(caught.value, StorageError)
    assert "newer" in str(caught.value) or "only knows" in str(caught.value)
    assert str(path) in str(caught.value)


def test_studybot_run_reports_a_newer_database_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _make_newer(path)
    env = {"STUDYBOT_DATABASE": str(path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "only knows up to version" in done.stderr


async def test_writes_roll_back_when_the_block_raises(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "rollback.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.write() as store:
                await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)
                raise RuntimeError("boom")
        async with db.read() as store:
            assert await store.chats.find_chat("console", "c1") is None
    finally:
        await db.close()


async def test_get_raises_not_found_and_find_returns_none(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "lookups.db")
    try:
        async with db.read() as store:
            assert await store.chats.find_chat("console", "nope") is None
            assert await store.members.find_member("console", "nobody") is None
            with pytest.raises(NotFound):
                await store.chats.get_chat("console", "nope")
            with pytest.raises(NotFound):
                await store.posts.get_post(42)
    finally:
        await db.close()


async def test_one_daily_post_per_chat_and_local_date_is_a_constraint(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "unique.db")
    try:
        async with db.write() as store:
            chat = await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)
            day = date(2026, 3, 2)
            later = NOW + timedelta(hours=12)
            first = await store.posts.add_post(chat.id, "q1", "daily", day, NOW, later)
            second = await store.posts.add_post(chat.id, "q2", "daily", day, NOW, later)
            extra = await store.posts.add_post(chat.id, "q3", "extra", day, NOW, later)
        assert first is not None and second is None and extra is not None
        async with db.read() as store:
            assert [p.question_id for p in await store.posts.list_posts(chat.id)] == ["q1", "q3"]
    finally:
        await db.close()


async def test_deleting_a_member_deletes_their_answers_and_points(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "forget.db")
    try:
        async with db.write() as store:
            chat = await store.chats.add_chat("console", "c1", None, "Room", {}, NOW)
            member = await store.members.add_member("console", "u1", "Ada", NOW)
            post = await store.posts.add_post(
                chat.id, "q1", "daily", date(2026, 3, 2), NOW, NOW + timedelta(hours=1)
            )
            assert post is not None
            await store.answers.save_answer(post.id, member.id, "x", 50, "partial", (), (), (), NOW)
            await store.ledger.set_points(chat.id, member.id, post.id, 50, 0, NOW)
            await store.members.delete_member(member.id)
        async with db.read() as store:
            assert await store.answers.find_answer(post.id, member.id) is None
            assert await store.ledger.list_totals(chat.id, None) == []
    finally:
        await db.close()
