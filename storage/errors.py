"""Storage errors. `NotFound` is the core's, so a missing record reads the same everywhere."""

from __future__ import annotations

import sqlite3

from bot.core.errors import NotFound, StorageBusy, StorageFull

__all__ = [
    "DatabaseTooNew",
    "MigrationFailed",
    "NotFound",
    "StorageBusy",
    "StorageError",
    "StorageFull",
    "error_code",
]


class StorageError(Exception):
    """The database cannot be used as it is. The message says what to do."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of studybot than this one."""


class MigrationFailed(StorageError):
    """A schema migration failed; the database was left at the previous version."""


def error_code(error: sqlite3.Error) -> int:
    """The primary SQLite result code of an error (extended codes keep it in the low byte)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
