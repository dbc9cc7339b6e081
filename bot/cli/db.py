"""`studybot db backup PATH` and `studybot db export [--output FILE]`.

Both read the database while the bot may be running: the backup through SQLite's online backup
API (verified with `PRAGMA integrity_check`), the export from one read snapshot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.config import read_setting
from storage import StorageError
from storage.backup import backup_database
from storage.export import export_answers


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "db", help="back up the database, or export answers and scores as CSV"
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    backup = actions.add_parser("backup", help="copy the database safely, even while running")
    backup.add_argument("path", type=Path, metavar="PATH", help="the backup file to write")
    _database_option(backup)
    backup.set_defaults(func=_backup)

    export = actions.add_parser("export", help="answers and scores as CSV")
    export.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="default: standard output"
    )
    _database_option(export)
    export.set_defaults(func=_export)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: STUDYBOT_DATABASE)"
    )


def _database(args: argparse.Namespace) -> Path:
    database: Path = args.db or read_setting("database")
    return database


def _fail(message: str) -> int:
    print(f"studybot db: {message}", file=sys.stderr)
    return 1


def _backup(args: argparse.Namespace) -> int:
    source = _database(args)
    try:
        result = asyncio.run(backup_database(source, args.path))
    except StorageError as error:
        return _fail(str(error))
    print(
        f"backed up {source} to {result.path} ({result.bytes} bytes, schema version "
        f"{result.schema_version}, integrity {result.integrity})"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    source = _database(args)
    output: Path | None = args.output
    if output is None:
        try:
            asyncio.run(export_answers(source, sys.stdout))
        except StorageError as error:
            return _fail(str(error))
        return 0
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = asyncio.run(export_answers(source, out))
    except StorageError as error:
        partial.unlink(missing_ok=True)
        return _fail(str(error))
    except OSError as error:
        partial.unlink(missing_ok=True)
        return _fail(f"cannot write {output}: {error.strerror or error}")
    partial.replace(output)
    print(f"exported {count} answers to {output}", file=sys.stderr)
    return 0
