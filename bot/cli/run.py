"""`studybot run`: the bot on the configured platforms, or the console chat without tokens."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import configure_logging, load_settings
from bot.grading import ModelMissing
from content.bank import DeckError
from storage import StorageError


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "run",
        help="run the bot (Telegram/Discord when their tokens are set, else the console chat)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bot import app

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, settings)
    return run_guarded(lambda: app.run(settings))


def run_guarded(start: Any) -> int:
    """Run the coroutine `start()` makes; start-up problems become a message and exit code 2."""
    try:
        result: int = asyncio.run(start())
    except (StorageError, DeckError, ModelMissing) as error:
        print(f"studybot: {error}", file=sys.stderr)
        return 2
    return result
