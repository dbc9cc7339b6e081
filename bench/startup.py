"""Start-up: a real `python -m bot run` process, from launch to its "ready" log line.

The database holds the chats (Telegram and Discord) at schema version 1, as left by the
previous release, so the process loads the question bank and the grader, applies the newer
migrations, connects the Telegram adapter (to a local fake Bot API, through
`STUDYBOT_TELEGRAM_API_URL`), rebuilds every chat's daily job and catches up before it says it
is ready. SIGTERM then stops it.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.chats import seed_chats
from bench.common import arguments, emit, note, sized
from bench.servers import fake_server
from storage.database import migration_files

READY_WITHIN_S = 120.0
TOKEN = "123456789:" + "D" * 35
READY_WORD = re.compile(rb"\bready\b")


def is_ready_line(line: bytes) -> bool:
    """The composition root's "ready" log line (text or JSON format)."""
    return b"bot.app" in line and READY_WORD.search(line) is not None


def previous_release_database(path: Path, chats: int) -> None:
    """Schema version 1 (the first migration only) holding `chats` chats."""
    _, first = migration_files()[0]
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(f"BEGIN;\n{first.read_text()}\nPRAGMA user_version = 1;\nCOMMIT;")
    connection.close()
    seed_chats(path, chats, datetime.now(UTC), ("telegram", "discord"))


async def time_to_ready(database: Path, api_url: str) -> float:
    """Seconds from launching the bot process until it logs that it is ready."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STUDYBOT_")}
    env.update(
        STUDYBOT_DATABASE=str(database),
        STUDYBOT_LOG_LEVEL="INFO",
        STUDYBOT_TELEGRAM_TOKEN=TOKEN,
        STUDYBOT_TELEGRAM_API_URL=api_url,
        NO_PROXY="127.0.0.1,localhost",
    )
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(READY_WITHIN_S):
            while line := await process.stderr.readline():
                if is_ready_line(line):
                    return time.perf_counter() - started
        raise RuntimeError("the bot exited before it was ready")
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            async with asyncio.timeout(30):
                await process.stderr.read()
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def run(chats: int, rounds: int) -> dict[str, object]:
    timings = []
    async with fake_server("bench.fakebotapi", "--per-second", "1000") as base:
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
                database = Path(folder) / "study.db"
                previous_release_database(database, chats)
                timings.append(await time_to_ready(database, f"{base}/bot"))
    note(f"startup: {', '.join(f'{t:.2f}' for t in timings)} s")
    return {
        "bench": "startup",
        "seconds": round(max(timings), 3),
        "median_seconds": round(sorted(timings)[len(timings) // 2], 3),
        "rounds": rounds,
        "chats": chats,
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    chats = sized(10_000, 10_000, args, minimum=10)
    emit(asyncio.run(run(chats, rounds=2 if args.quick else 5)))


if __name__ == "__main__":
    main()
