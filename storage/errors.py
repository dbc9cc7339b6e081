"""Storage errors. `NotFound` is the core's, so a missing record reads the same everywhere."""

from __future__ import annotations

from bot.core.errors import NotFound, StorageBusy, StorageFull

__all__ = [
    "DatabaseTooNew",
    "MigrationFailed",
    "NotFound",
    "StorageBusy",
    "StorageError",
    "StorageFull",
]


class StorageError(Exception):
    """The database cannot be used as it is. The message says what to do."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of studybot than this one."""


class MigrationFailed(StorageError):
    """A schema migration failed; the database was left at the previous version."""
