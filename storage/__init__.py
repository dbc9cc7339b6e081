"""SQLite storage through aiosqlite: the only place with SQL."""

from storage.database import Database, latest_version
from storage.errors import DatabaseTooNew, MigrationFailed, StorageError
from storage.store import Store

__all__ = [
    "Database",
    "DatabaseTooNew",
    "MigrationFailed",
    "StorageError",
    "Store",
    "latest_version",
]
