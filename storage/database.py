"""The one `Database` object: its connections, migrations, and transactions.

The writing connection serves `write` and `read` blocks, statement by statement; every use
holds one asyncio lock, so two coroutines never interleave statements of different
transactions on it. Writes run inside `BEGIN IMMEDIATE`, which takes SQLite's write lock up
front and so cannot fail half-way with a lock upgrade error.

The hot path (an answer) hands whole transactions to the database threads instead: `run_write`
(group commit on the writing connection, see `storage.groupcommit`) and `run_read` (a second,
read-only connection: under WAL it reads the last commit while a write is in progress).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage.base import on_thread
from storage.errors import (
    DatabaseTooNew,
    MigrationFailed,
    StorageBusy,
    StorageError,
    StorageFull,
    error_code,
)
from storage.groupcommit import GroupCommit, NotBegun, Outcome, Work, transact
from storage.store import Store
from storage.syncstore import SyncStore

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
# When another process holds the write lock longer than the busy timeout, starting a write is
# retried (nothing has been written yet) for this long before the member is told to try again.
BUSY_RETRY_S = 30.0
FIRST_RETRY_S = 0.05
CHECKPOINT_PAGES = 10_000
LOG_LIMIT_BYTES = 64 * 1024 * 1024
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
T = TypeVar("T")


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

    def __init__(
        self, connection: aiosqlite.Connection, path: Path, reader: aiosqlite.Connection
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        # `run_read` has a connection (and thread) of its own: WAL lets it read the last
        # commit while a write is in progress, so readers never queue behind a group commit.
        self._reader = reader
        self._group = GroupCommit(self._commit_batch, _member_error)
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
        reader = await _open_reader(path, connection)
        return cls(connection, Path(path), reader)

    async def close(self) -> None:
        await self._reader.close()
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

    async def run_write(self, work: Callable[[SyncStore], T]) -> T:
        """Run `work` in a write transaction on the database thread, whole: no hand-over
        per statement. Work that arrives while another batch is being written is committed
        together with it in one `BEGIN IMMEDIATE ... COMMIT` (group commit), each in its own
        savepoint. Returns once that COMMIT is done, so the result may be acknowledged; when
        `work` raises, only its own changes are rolled back and the error is re-raised here (a
        full or locked database as `StorageFull` / `StorageBusy`, like `write`).

        `work` runs off the event loop: it must not await or touch the loop, only compute and
        use `store`, and should be quick (the database serves nothing else meanwhile)."""
        return await self._group.run(work)

    async def _commit_batch(self, works: Sequence[Work]) -> list[Outcome]:
        deadline = time.monotonic() + BUSY_RETRY_S
        delay = FIRST_RETRY_S
        while True:
            try:
                async with self._lock:
                    return await on_thread(self._connection, lambda c: transact(c, works))
            except NotBegun as busy:
                if time.monotonic() >= deadline:
                    raise StorageBusy() from busy.error
            if delay == FIRST_RETRY_S:
                log.warning("database is locked by another connection; retrying the write")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def run_read(self, work: Callable[[SyncStore], T]) -> T:
        """Run `work` in one read transaction (one consistent snapshot of what is committed),
        whole, on the reading connection's thread: one hand-over from the event loop. It does
        not wait for writes in progress, and sees none of their changes until they commit.
        `work` must only read; otherwise the same rules as `run_write` apply."""
        # No lock: each read is one whole transaction in one item of the reading thread's
        # queue, so reads cannot interleave, and they queue up without a loop turn each.
        try:
            return await on_thread(self._reader, lambda c: _snapshot(c, work))
        except sqlite3.OperationalError as error:
            raise _member_error(error) from error

    async def _begin_write(self) -> None:
        deadline = time.monotonic() + BUSY_RETRY_S
        delay = FIRST_RETRY_S
        while True:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error_code(error) != sqlite3.SQLITE_BUSY:
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


def _snapshot(connection: sqlite3.Connection, work: Callable[[SyncStore], T]) -> T:
    """On the database thread: `work` inside one read transaction."""
    connection.execute("BEGIN")
    try:
        return work(SyncStore(connection))
    finally:
        connection.execute("COMMIT")


def _member_error(error: BaseException) -> BaseException:
    """The error a caller of `run_write` sees: a full or locked database as `StorageFull` /
    `StorageBusy` (caused by the SQLite error), anything else as it is."""
    friendly = _storage_error(error)
    if friendly is None:
        return error
    friendly.__cause__ = error
    return friendly


def _storage_error(error: BaseException) -> Exception | None:
    """The member-facing error for a full or locked database; None for anything else."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    code = error_code(error)
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
    # A checkpoint copies the log's pages back into the database on the committing thread.
    # Every 1,000 pages (SQLite's default) that was a third of an answer's commit cost; the
    # hot pages (leaderboard totals) are copied once per checkpoint however often they changed,
    # so fewer, larger checkpoints copy less. The log is cut back to its limit afterwards.
    await connection.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
    await connection.execute(f"PRAGMA journal_size_limit={LOG_LIMIT_BYTES}")


async def _open_reader(path: Path | str, writer: aiosqlite.Connection) -> aiosqlite.Connection:
    """The connection `run_read` uses: the same settings, and refusing writes."""
    try:
        reader = await aiosqlite.connect(str(path), isolation_level=None)
    except BaseException:
        await writer.close()
        raise
    try:
        await _configure(reader)
        await reader.execute("PRAGMA query_only=ON")
    except BaseException:
        await reader.close()
        await writer.close()
        raise
    return reader


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
