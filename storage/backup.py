"""Online backups: SQLite's backup API copies a consistent snapshot while the bot keeps writing.

The copy is written next to the target under a temporary name, checked with
`PRAGMA integrity_check`, and only then renamed into place, so a failed or interrupted backup
never leaves a half-written file where a good one was expected.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from storage.errors import StorageError

# Pages copied per step; between steps the bot's writer can take the lock.
PAGES_PER_STEP = 1024


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    bytes: int
    schema_version: int
    integrity: str


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing database; never creates the file."""
    if not path.is_file():
        raise StorageError(f"There is no database at {path}. Check STUDYBOT_DATABASE or --db.")
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StorageError(f"Cannot open the database {path}: {error}") from error


async def backup_database(source: Path, target: Path) -> BackupResult:
    """Copy `source` to `target` (replacing it) and verify the copy."""
    return await asyncio.to_thread(_backup, source, target)


def _backup(source: Path, target: Path) -> BackupResult:
    if target.is_dir():
        raise StorageError(f"{target} is a folder; give the backup a file name.")
    if not target.parent.is_dir():
        raise StorageError(f"The folder {target.parent} does not exist; create it first.")
    if target.exists() and target.resolve() == source.resolve():
        raise StorageError("The backup must go to another file than the database itself.")
    partial = target.with_name(f".{target.name}.partial")
    with closing(open_read_only(source)) as reader:
        try:
            _copy(reader, partial)
            integrity, version = _verify(partial)
        except (sqlite3.Error, OSError) as error:
            partial.unlink(missing_ok=True)
            raise StorageError(f"The backup to {target} failed: {error}") from error
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise StorageError(f"The backup copy failed its integrity check: {integrity}")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, version, integrity)


def _copy(reader: sqlite3.Connection, partial: Path) -> None:
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as writer:
        reader.backup(writer, pages=PAGES_PER_STEP)
        # A self-contained single file: no -wal file needed next to the copy.
        writer.execute("PRAGMA journal_mode=DELETE")


def _verify(path: Path) -> tuple[str, int]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy:
        rows = copy.execute("PRAGMA integrity_check").fetchall()
        version = copy.execute("PRAGMA user_version").fetchone()[0]
    integrity = "; ".join(str(row[0]) for row in rows)
    return integrity, int(version)
