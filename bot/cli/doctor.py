"""`studybot doctor [--quick]`: check a deployment and say what is wrong and how to fix it.

Checks the configuration (tokens present and well-formed, never printed), the database
(writable, schema migrated or migratable), every chat's timezone and post time, the question
decks and the grading model. `--quick` (for container health checks) skips the slow parts;
`--heartbeat-max-age` also checks that a running bot touched its heartbeat file recently.
Exit status 0 when everything is fine, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import PREFIX, ConfigError, config_problems, load_settings, read_setting
from content.decks import DECKS_DIR, deck_paths
from content.validate import read_decks
from storage.health import ChatSettingsRow, check_database

MAX_LISTED = 20
TOKEN_FIXES = {
    "TELEGRAM_TOKEN": "copy the token @BotFather gave you (/token): the bot's id, a colon, "
    "then 35 letters, digits, '-' or '_'",
    "DISCORD_TOKEN": "copy the token from the Developer Portal (your application > Bot > "
    "Reset Token): three parts separated by dots",
}


@dataclass
class Check:
    """One area's outcome: a summary when fine, else problems with their fixes."""

    name: str
    summary: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, what: str, fix: str) -> None:
        self.problems.append((what, fix))


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "doctor", help="check the configuration, database, chats and content"
    )
    parser.add_argument("--quick", action="store_true", help="skip the slow checks")
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: STUDYBOT_DATABASE)"
    )
    parser.add_argument(
        "--heartbeat-max-age",
        type=float,
        default=None,
        metavar="SECONDS",
        help="fail unless the running bot touched STUDYBOT_HEARTBEAT_FILE this recently",
    )
    parser.set_defaults(func=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    checks = [check_config()]
    database = args.db or _setting("database")
    if database is not None:
        checks += asyncio.run(check_storage(database, thorough=not args.quick))
    if not args.quick:
        extra = _setting("extra_decks")
        checks += [check_content(extra_dirs=(extra,) if extra else ()), check_model()]
    if args.heartbeat_max_age is not None:
        checks.append(check_heartbeat(_setting("heartbeat_file"), args.heartbeat_max_age))
    return report(checks, print)


def _setting(name: str) -> Any:
    try:
        return read_setting(name)
    except ConfigError:
        return None  # already reported by the configuration check


def report(checks: list[Check], write: Callable[[str], None]) -> int:
    """Print every check; 1 when any has a problem."""
    failed = 0
    for check in checks:
        for what, fix in check.problems:
            write(f"FAIL  {check.name}: {what}")
            write(f"      fix: {fix}")
        if not check.problems:
            write(f"ok    {check.name}: {check.summary}")
        for note in check.notes:
            write(f"note  {check.name}: {note}")
        failed += len(check.problems)
    write(f"{failed} problem(s) found." if failed else "All checks passed.")
    return 1 if failed else 0


def check_config() -> Check:
    check = Check("configuration")
    for error in config_problems():
        variable = next((name for name in TOKEN_FIXES if f"{PREFIX}{name}" in str(error)), None)
        fix = TOKEN_FIXES.get(
            variable or "", "set the variable as deploy/studybot.env.example shows"
        )
        # ConfigError messages name the variable but never contain its value.
        check.problem(str(error), fix)
    if check.problems:
        return check
    settings = load_settings()
    platforms = [
        name
        for name, token in (
            ("Telegram", settings.telegram_token),
            ("Discord", settings.discord_token),
        )
        if token
    ]
    check.summary = (
        f"valid; {' and '.join(platforms)} token set and well-formed" if platforms else "valid"
    )
    if not platforms:
        check.notes.append(
            f"no {PREFIX}TELEGRAM_TOKEN or {PREFIX}DISCORD_TOKEN: `studybot run` opens the "
            "console chat instead of connecting to a platform"
        )
    return check


async def check_storage(path: Path, *, thorough: bool) -> list[Check]:
    health = await check_database(path, thorough=thorough)
    database = Check(f"database {path}", problems=list(health.problems))
    if not health.exists:
        database.summary = "not created yet; `studybot run` creates and migrates it"
        return [database]
    database.summary = f"schema version {health.version} of {health.latest}, writable"
    if health.integrity is not None:
        database.summary += f", integrity {health.integrity}"
    if health.pending_migrations and not health.problems:
        database.notes.append(
            f"{health.pending_migrations} migration(s) will be applied at the next start"
        )
    if not thorough:
        return [database]
    return [database, check_chats(health.chats)]


def check_chats(chats: list[ChatSettingsRow]) -> Check:
    check = Check("chats", summary=f"{len(chats)} chat(s), every timezone and post time valid")
    for chat in chats:
        problem = chat_settings_problem(chat.settings)
        if problem is not None:
            check.problem(
                f"{chat.platform} chat {chat.chat_id}: {problem}",
                "an admin sends e.g. `/settings timezone=Europe/Berlin time=09:00` in that chat",
            )
    return check


def chat_settings_problem(settings: dict[str, Any] | None) -> str | None:
    """What is wrong with one chat's stored settings, or None."""
    if settings is None:
        return "its settings are not readable"
    zone = settings.get("timezone", "UTC")
    try:
        ZoneInfo(str(zone))
    except (ValueError, KeyError, OSError):
        return f"the timezone {str(zone)[:64]!r} does not exist"
    post_time = str(settings.get("post_time", "09:00"))
    hour, _, minute = post_time.partition(":")
    if not (hour.isdecimal() and minute.isdecimal() and int(hour) < 24 and int(minute) < 60):
        return f"the post time {post_time[:16]!r} is not a time of day (HH:MM)"
    return None


def check_content(deck_dir: Path = DECKS_DIR, extra_dirs: tuple[Path, ...] = ()) -> Check:
    """The built decks and a community's own (STUDYBOT_EXTRA_DECKS), read together so an id
    used in both is caught."""
    check = Check(" + ".join(f"content {directory}" for directory in (deck_dir, *extra_dirs)))
    if not deck_dir.is_dir():
        check.problem(
            "the deck folder is missing", "reinstall studybot or run `studybot content build`"
        )
        return check
    report = read_decks(
        path for directory in (deck_dir, *extra_dirs) for path in deck_paths(directory)
    )
    for error in report.errors[:MAX_LISTED]:
        check.problem(error, "fix the deck file; `studybot content check` lists every error")
    if len(report.errors) > MAX_LISTED:
        check.notes.append(f"{len(report.errors) - MAX_LISTED} more errors not shown")
    if not report.errors and not report.questions:
        check.problem("no questions in any deck", "run `studybot content build`")
    check.summary = f"{len(report.questions)} questions in {report.files} deck files"
    return check


def check_model() -> Check:
    from bot.grading import ModelMissing, create_grader

    check = Check("grading model", summary="loaded")
    try:
        create_grader()
    except ModelMissing as error:
        check.problem(str(error), "reinstall studybot (the model ships in bot/grading/model/)")
    return check


def check_heartbeat(path: Path | None, max_age_s: float) -> Check:
    check = Check("heartbeat")
    if path is None:
        check.problem(
            f"{PREFIX}HEARTBEAT_FILE is not set, so there is no heartbeat to check",
            f"set {PREFIX}HEARTBEAT_FILE for the bot and for this check",
        )
        return check
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        check.problem(f"{path} does not exist: the bot is not running", "start the bot")
        return check
    if age > max_age_s:
        check.problem(
            f"the bot last touched {path} {age:.0f} s ago (allowed: {max_age_s:.0f} s)",
            "the bot is stopped or stuck: read its logs, then restart it",
        )
    check.summary = f"touched {age:.0f} s ago"
    return check
