"""Many chats in a study database, written directly (setup for the fan-out, memory and start-up
benches): each with settings whose post time is not due now, so only the scheduler posts."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.chatsettings import ChatSettings


def quiet_post_time(now: datetime, window_hours: int) -> str:
    """A UTC post time whose answer window is not running now: it started a little more than a
    window ago, so a start-up catch-up has nothing to post and the daily job does it."""
    start = now - timedelta(hours=window_hours, minutes=30)
    return f"{start.hour:02d}:{start.minute:02d}"


def chat_id(platform: str, number: int) -> str:
    """Telegram groups have negative ids; Discord channels large positive ones."""
    return str(-1_000_000_000 - number) if platform == "telegram" else str(10**17 + number)


def seed_chats(path: Path, count: int, now: datetime, platforms: tuple[str, ...]) -> None:
    """`count` chats spread over `platforms` in the (already migrated) database at `path`."""
    defaults = ChatSettings()
    settings = json.dumps(
        {**defaults.to_dict(), "post_time": quiet_post_time(now, defaults.window_hours)}
    )
    stamp = now.isoformat(timespec="microseconds")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO chats (platform, chat_id, title, settings, created_at) VALUES (?, ?, ?, ?, ?)",
        (
            (platform, chat_id(platform, n), f"group {n}", settings, stamp)
            for n in range(count)
            for platform in [platforms[n % len(platforms)]]
        ),
    )
    connection.execute("COMMIT")
    connection.close()
