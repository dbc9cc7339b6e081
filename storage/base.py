"""Helpers the repositories share: fetching rows from the transaction's connection."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import aiosqlite

Row = tuple[Any, ...]


class Repository:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    # One round trip to the connection's thread per statement: every hop costs a thread
    # handover, and the answer path runs about a dozen statements.
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


def dump_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def load_list(text: str) -> tuple[str, ...]:
    return tuple(str(value) for value in json.loads(text))
