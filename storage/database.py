"""The one `Database` object: a single aiosqlite connection, migrations, and transactions.

Every use of the connection holds one asyncio lock, so two coroutines never interleave
statements of different transactions on it. Writes run inside `BEGIN IMMEDIATE`, which takes
SQLite's write lock up front and so cannot fail half-way with a lock upgrade error.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.errors import (
    DatabaseTooNew,
    MigrationFailed,
    StorageBusy,
    StorageError,
    StorageFull,
)
from storage.store import Store

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
# When another process holds the write lock longer than the busy timeout, starting a write is
# retried (nothing has been written yet) for this long before the member is told to try again.
BUSY_RETRY_S = 30.0
FIRST_RETRY_S = 0.05
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, Path]]:
    """The numbered migrations, in order. Numbers start at 1 and have no gaps."""
    found = sorted(
        (int(match.group(1)), path)
        for path in MIGRATIONS.iterdir()
        if (match := _MIGRATION_NAME.match(path.name))
    )
    expected = list(range(1, len(found) + 1))
    if [number for number, _ in found] != expected:
        raise MigrationFailed(f"migration files in {MIGRATIONS} are not numbered 0001, 0002, ...")
    return found


def latest_version() -> int:
    return len(migration_files())


class Database:
    """The study database. Open it with `await Database.open(path)`; it migrates on opening."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Connect, set the pragmas and bring the schema up to date.

        Raises `DatabaseTooNew` when the file was written by a newer studybot, and
        `StorageError` when the file cannot be opened or is not an SQLite database."""
        try:
            # Checked first with plain sqlite3: a failed aiosqlite connect leaves its worker
            # thread behind.
            await asyncio.to_thread(_probe, path)
        except sqlite3.Error as error:
            raise _cannot_open(path, error) from error
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            await _configure(connection)
            await _migrate(connection, Path(path))
        except sqlite3.Error as error:
            await connection.close()
            raise _cannot_open(path, error) from error
        except BaseException:
            await connection.close()
            raise
        return cls(connection, Path(path))

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Store]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        async with self._lock:
            await self._begin_write()
            try:
                yield Store(self._connection)
                await self._connection.execute("COMMIT")
            except BaseException as error:
                # SQLite may already have rolled back (a full disk does that); a second
                # ROLLBACK would fail and hide the real error.
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                friendly = _storage_error(error)
                if friendly is None:
                    raise
                raise friendly from error

    async def _begin_write(self) -> None:
        deadline = time.monotonic() + BUSY_RETRY_S
        delay = FIRST_RETRY_S
        while True:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if _error_code(error) != sqlite3.SQLITE_BUSY:
                    raise
                if time.monotonic() >= deadline:
                    raise StorageBusy() from error
            if delay == FIRST_RETRY_S:
                log.warning("database is locked by another connection; retrying the write")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Store]:
        """A read transaction: one consistent snapshot for the whole block."""
        async with self._lock:
            await self._connection.execute("BEGIN")
            try:
                yield Store(self._connection)
            finally:
                await self._connection.execute("COMMIT")

    async def user_version(self) -> int:
        async with self._lock:
            return await _user_version(self._connection)

    async def dump(self) -> list[str]:
        """Every row of every table as SQL text, for comparing the database before and after."""
        async with self._lock:
            return [line async for line in self._connection.iterdump()]


def _error_code(error: sqlite3.Error) -> int:
    """The primary result code (extended codes keep it in the low byte)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _storage_error(error: BaseException) -> Exception | None:
    """The member-facing error for a full or locked database; None for anything else."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    code = _error_code(error)
    if code == sqlite3.SQLITE_FULL:
        return StorageFull()
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StorageBusy()
    return None


def _probe(path: Path | str) -> None:
    """Raise `sqlite3.Error` when the file cannot be opened or is not an SQLite database."""
    probe = sqlite3.connect(str(path))
    try:
        probe.execute("PRAGMA schema_version").fetchone()
    finally:
        probe.close()


def _cannot_open(path: Path | str, error: sqlite3.Error) -> StorageError:
    return StorageError(
        f"Cannot use the database {path}: {error}. Check that its folder exists and is "
        "writable and that the file is a studybot database, or choose another file."
    )


async def _configure(connection: aiosqlite.Connection) -> None:
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=NORMAL")
    await connection.execute("PRAGMA foreign_keys=ON")
    await connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


async def _user_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _migrate(connection: aiosqlite.Connection, path: Path) -> None:
    current = await _user_version(connection)
    migrations = migration_files()
    if current > len(migrations):
        raise DatabaseTooNew(
            f"The database {path} has schema version {current}, but this studybot only knows "
            f"up to version {len(migrations)}. Upgrade studybot, or point STUDYBOT_DATABASE "
            "at another file."
        )
    for number, file in migrations[current:]:
        log.info("applying migration %s", file.name)
        # The script and its version bump commit together, or not at all.
        body = file.read_text(encoding="utf-8")
        script = f"BEGIN IMMEDIATE;\n{body}\nPRAGMA user_version = {number};\nCOMMIT;"
        try:
            await connection.executescript(script)
        except sqlite3.Error as error:
            if connection.in_transaction:
                await connection.execute("ROLLBACK")
            raise MigrationFailed(f"migration {file.name} failed: {error}") from error
