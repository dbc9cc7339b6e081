"""`studybot chat [--db PATH]`: a local group chat in the terminal.

Each line is `NAME: TEXT`; the first member to speak is the admin. Input can be a script:
`studybot chat < script.txt` plays it and exits 0 at the end.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from bot.cli.run import run_guarded
from bot.config import configure_logging, load_settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "chat", help="a local group chat in the terminal (lines are NAME: TEXT)"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: STUDYBOT_DATABASE)"
    )
    parser.set_defaults(func=_chat)


def _chat(args: argparse.Namespace) -> int:
    from bot import app

    settings = load_settings()
    database: Path = args.db or settings.database
    # Keep the chat readable: only warnings and errors go to stderr.
    configure_logging(logging.getLevelName(logging.WARNING))
    return run_guarded(lambda: app.run_console(database, extra_decks=settings.extra_decks))
