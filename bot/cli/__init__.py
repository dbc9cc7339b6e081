"""The `studybot` command line. Each area registers its own subcommands.

`studybot` with no subcommand runs the bot, like `studybot run`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import chat, content, db, doctor, grade, run
from bot.config import ConfigError

REGISTRARS = (
    run.register,
    chat.register,
    content.register,
    grade.register,
    doctor.register,
    db.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="A study bot for deep-learning and machine-learning interview groups.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in REGISTRARS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv) or ["run"])
    try:
        result: int = args.func(args)
    except ConfigError as error:
        print(f"studybot: configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result
