"""Exporting answers and scores as CSV rows, read from a snapshot while the bot runs."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TextIO

from storage.backup import open_read_only
from storage.errors import StorageError

EXPORT_COLUMNS = (
    "platform",
    "chat_id",
    "chat_title",
    "member_id",
    "member_name",
    "question_id",
    "local_date",
    "score",
    "verdict",
    "points",
    "answered_at",
)
# One row per answer to a post; points are the ledger's (with bonus), 0 when not counted.
_ANSWERS_SQL = """
SELECT c.platform, c.chat_id, c.title, m.user_id, m.name, p.question_id, p.local_date,
       a.score, a.verdict, COALESCE(l.points + l.bonus, 0), a.created_at
FROM answers a
JOIN posts p ON p.id = a.post_id
JOIN chats c ON c.id = p.chat_id
JOIN members m ON m.id = a.member_id
LEFT JOIN points_ledger l ON l.post_id = a.post_id AND l.member_id = a.member_id
ORDER BY c.platform, c.chat_id, p.local_date, a.created_at, a.id
"""
# A cell a spreadsheet would run as a formula. Chat titles and display names are chosen by
# members, so they are defused; ids like Telegram's -100123 stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT = frozenset({EXPORT_COLUMNS.index("chat_title"), EXPORT_COLUMNS.index("member_name")})


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe_row(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(_safe_cell(v) if i in _FREE_TEXT else v for i, v in enumerate(row))


def _write(path: Path, out: TextIO) -> int:
    count = 0
    with closing(open_read_only(path)) as connection:
        # One read transaction: a consistent snapshot even while answers keep arriving.
        connection.execute("BEGIN")
        cursor = connection.execute(_ANSWERS_SQL)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        while batch := cursor.fetchmany(1000):
            writer.writerows(_safe_row(row) for row in batch)
            count += len(batch)
        connection.execute("COMMIT")
    return count


async def export_answers(path: Path, out: TextIO) -> int:
    """Write every answer as CSV (header first) to `out`; returns the number of rows."""
    try:
        return await asyncio.to_thread(_write, path, out)
    except sqlite3.Error as error:
        raise StorageError(f"Cannot export from {path}: {error}") from error
