"""Group commit: write transactions that arrive together share one `BEGIN IMMEDIATE ... COMMIT`.

Committing is the dear part of a small write (every page it touched goes to the log, and the
leaderboard totals touch the same pages for every answer). So `Database.run_write` queues its
work here; one flusher hands everything queued so far to the database thread at once. Each
piece of work runs in its own SAVEPOINT: one that raises is rolled back alone and gets its own
error; the others commit together, and every caller is answered only after that COMMIT.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from storage.errors import error_code
from storage.syncstore import SyncStore

T = TypeVar("T")
Work = Callable[[SyncStore], Any]
# Bounds how long one batch keeps the database thread (and other writers) waiting.
MAX_BATCH = 128
# How long a batch waits for company before it is written: a small fraction of a reply's
# round trip, and enough to gather the answers graded meanwhile.
GATHER_S = 0.001


class NotBegun(Exception):
    """`BEGIN IMMEDIATE` found the database locked: nothing was written, so it may be retried."""

    def __init__(self, error: sqlite3.OperationalError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one piece of work of a committed batch returned, or the error it raised."""

    value: Any = None
    error: BaseException | None = None


def transact(connection: sqlite3.Connection, works: Sequence[Work]) -> list[Outcome]:
    """On the database thread: every work in one write transaction, each in its own savepoint.

    Raises (with everything rolled back) when the transaction as a whole fails: `NotBegun`
    when the database is locked, or the error that made SQLite abandon the transaction."""
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error_code(error) == sqlite3.SQLITE_BUSY:
            raise NotBegun(error) from error
        raise
    try:
        store = SyncStore(connection)
        outcomes = [_attempt(connection, store, work) for work in works]
        connection.execute("COMMIT")
    except BaseException:
        # SQLite may already have rolled back (a full disk does that); a second ROLLBACK
        # would fail and hide the real error.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return outcomes


def _attempt(connection: sqlite3.Connection, store: SyncStore, work: Work) -> Outcome:
    connection.execute("SAVEPOINT work")
    try:
        value = work(store)
    except Exception as error:
        if not connection.in_transaction:
            raise  # SQLite abandoned the whole transaction: no work of the batch stands
        connection.execute("ROLLBACK TO work")
        connection.execute("RELEASE work")
        return Outcome(error=error)
    connection.execute("RELEASE work")
    return Outcome(value=value)


@dataclass(frozen=True, slots=True)
class _Job(Generic[T]):
    work: Callable[[SyncStore], T]
    future: asyncio.Future[T]


class GroupCommit:
    """Queues write work and commits what has gathered as one transaction at a time.

    `commit` runs a batch (on the database thread, holding the connection) and returns one
    `Outcome` per work, or raises when the whole batch failed; `failure` turns an error (of
    the batch or of one work) into the one the caller sees."""

    def __init__(
        self,
        commit: Callable[[Sequence[Work]], Awaitable[list[Outcome]]],
        failure: Callable[[BaseException], BaseException],
    ) -> None:
        self._commit = commit
        self._failure = failure
        self._queued: list[_Job[Any]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[SyncStore], T]) -> T:
        """Run `work` in the next batch; its result once the batch has committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append(_Job(work, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._queued:
            # Answers graded meanwhile join this batch: one commit's cost shared by several.
            await asyncio.sleep(GATHER_S)
            taken, self._queued = self._queued[:MAX_BATCH], self._queued[MAX_BATCH:]
            # A caller that stopped waiting before its batch began changes nothing.
            batch = [job for job in taken if not job.future.done()]
            if not batch:
                continue
            try:
                outcomes = await self._commit([job.work for job in batch])
            except BaseException as error:
                failure = self._failure(error)
                for job in batch:
                    _settle(job, Outcome(error=failure))
                if not isinstance(error, Exception):
                    for job in self._queued:
                        _settle(job, Outcome(error=failure))
                    self._queued = []
                    raise
                continue
            for job, outcome in zip(batch, outcomes, strict=True):
                if outcome.error is not None:
                    outcome = Outcome(error=self._failure(outcome.error))
                _settle(job, outcome)


def _settle(job: _Job[Any], outcome: Outcome) -> None:
    if job.future.done():
        return  # the caller stopped waiting (cancelled): nobody to tell
    if outcome.error is not None:
        job.future.set_exception(outcome.error)
    else:
        job.future.set_result(outcome.value)
