"""What `studybot doctor` needs to know about a database file, without changing it."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.backup import open_read_only
from storage.database import BUSY_TIMEOUT_MS, latest_version


@dataclass(frozen=True, slots=True)
class ChatSettingsRow:
    platform: str
    chat_id: str
    settings: dict[str, Any] | None  # None: the stored settings are not a JSON object


@dataclass(slots=True)
class DatabaseHealth:
    """`exists` False means the bot will create the file; `problems` are what needs fixing."""

    path: Path
    exists: bool
    version: int = 0
    latest: int = field(default_factory=latest_version)
    integrity: str | None = None
    chats: list[ChatSettingsRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pending_migrations(self) -> int:
        return max(0, self.latest - self.version)

    def problem(self, what: str, fix: str) -> None:
        self.problems.append((what, fix))


async def check_database(path: Path, *, thorough: bool = True) -> DatabaseHealth:
    """Check that `path` can be written and its schema used; `thorough` adds an integrity check
    and reads every chat's settings."""
    return await asyncio.to_thread(_check, path, thorough)


def _check(path: Path, thorough: bool) -> DatabaseHealth:
    health = DatabaseHealth(path=path, exists=path.is_file())
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        health.problem(
            f"the folder {folder} is not writable (SQLite keeps its -wal file next to the "
            "database)",
            f"make {folder} writable by the user that runs the bot",
        )
    if not health.exists:
        return health
    try:
        _inspect(health, thorough)
    except sqlite3.Error as error:
        health.problem(
            f"the database {path} cannot be read: {error}",
            "check that it is a studybot database, or restore it from a backup",
        )
    return health


def _inspect(health: DatabaseHealth, thorough: bool) -> None:
    with closing(open_read_only(health.path)) as connection:
        health.version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if thorough:
            rows = connection.execute("PRAGMA quick_check").fetchall()
            health.integrity = "; ".join(str(row[0]) for row in rows)
            if health.version >= 1:
                health.chats = _chat_settings(connection)
    if health.version > health.latest:
        health.problem(
            f"the database has schema version {health.version}, newer than this studybot "
            f"({health.latest})",
            "upgrade studybot, or point STUDYBOT_DATABASE at another file",
        )
    if health.integrity not in (None, "ok"):
        health.problem(
            f"the integrity check found: {health.integrity[:300]}",
            "stop the bot and restore the latest `studybot db backup`",
        )
    if not os.access(health.path, os.W_OK):
        health.problem(
            f"the database file {health.path} is read-only",
            "make it writable by the user that runs the bot",
        )
    else:
        _try_write_lock(health)


def _try_write_lock(health: DatabaseHealth) -> None:
    """Take and release the write lock: proves the file can be written (nothing is changed)."""
    connection = sqlite3.connect(health.path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.Error as error:
        health.problem(
            f"the database cannot be written: {error}",
            "check the file's permissions and free disk space; a long-held lock means another "
            "program has the file open",
        )
    finally:
        connection.close()


def _chat_settings(connection: sqlite3.Connection) -> list[ChatSettingsRow]:
    rows = connection.execute("SELECT platform, chat_id, settings FROM chats ORDER BY id")
    return [
        ChatSettingsRow(platform, chat_id, _json_object(raw)) for platform, chat_id, raw in rows
    ]


def _json_object(raw: str) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
