"""Helpers the repositories share: fetching rows from the transaction's connection.

Two ways to reach the connection. `Repository` methods are awaited one statement at a time
(each statement is one hand-over to the connection's thread). `SyncRepository` methods run
the statement directly and so are for work that already runs on that thread: a whole
transaction handed over at once with `Database.run_read` / `Database.run_write`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import aiosqlite

Row = tuple[Any, ...]
T = TypeVar("T")


async def on_thread(connection: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work(sqlite3 connection)` on the aiosqlite connection's own thread: one hand-over
    however many statements `work` runs.

    aiosqlite (0.22) has no public call for this; its connection queues every call, statements
    included, through `_execute` to one thread that owns `_conn`. Kept to this one function
    (tests/storage/test_sync_transactions.py checks it runs on that thread, in queue order)."""
    execute: Callable[[Callable[[], T]], Awaitable[T]] = connection._execute
    return await execute(lambda: work(connection._conn))


class SyncRepository:
    """Repository methods that run on the connection's thread (see `Database.run_write`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def _one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        row = self._connection.execute(sql, tuple(params)).fetchone()
        return None if row is None else tuple(row)

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self._connection.execute(sql, tuple(params)).fetchall()]

    def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute one statement; returns the number of rows it changed."""
        return self._connection.execute(sql, tuple(params)).rowcount


class Repository:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    # One round trip to the connection's thread per statement: every hop costs a thread
    # handover. The answer path hands over whole transactions instead (`SyncRepository`).
    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self._connection.execute_fetchall(sql, tuple(params))
        for row in rows:
            return tuple(row)
        return None

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        rows = await self._connection.execute_fetchall(sql, tuple(params))
        return [tuple(row) for row in rows]

    async def _run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute one statement; returns the number of rows it changed."""
        cursor = await self._connection.execute(sql, tuple(params))
        return cursor.rowcount

    async def _insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self._connection.execute(sql, tuple(params))
        row_id = cursor.lastrowid
        if row_id is None:
            raise RuntimeError("insert returned no row id")
        return row_id

    async def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run a `SyncRepository` method on the connection's thread (one statement's hop)."""
        return await on_thread(self._connection, work)


def dump_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def load_list(text: str) -> tuple[str, ...]:
    return tuple(str(value) for value in json.loads(text))
