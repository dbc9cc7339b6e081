"""Leaderboards at scale: `/leaderboard` through the core over a big, bulk-loaded ledger.

Setup writes members, chats, posts and points rows straight into a migrated SQLite file (the
ledger triggers keep the totals, as in production); every timed query then goes through
`StudyService.handle(ShowLeaderboard(...))`: chat and global boards, week, month and all time.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import arguments, emit, note, percentile, sized
from bot.core.chatsettings import ChatSettings
from bot.core.commands import Scope, ShowLeaderboard, Window
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Leaderboard
from bot.core.service import StudyService
from bot.grading import create_grader
from content.bank import load_bank
from storage import Database
from storage.timefmt import to_db

DAYS = 90
MEMBERS_PER_CHAT = 100
KINDS: tuple[tuple[Scope, Window], ...] = (
    ("chat", "week"),
    ("chat", "month"),
    ("chat", "all"),
    ("global", "week"),
    ("global", "month"),
    ("global", "all"),
)


def chat_id(number: int) -> str:
    return str(-1_000_000 - number)


def bulk_load(path: Path, answers: int, users: int, now: datetime, seed: int = 3) -> int:
    """Chats of `MEMBERS_PER_CHAT` members, a daily post in each for `DAYS` days, and `answers`
    points rows spread over the members and days. Returns the number of chats."""
    rng = random.Random(seed)
    chats = max(1, users // MEMBERS_PER_CHAT)
    per_member = max(1, answers // users)
    stamp = to_db(now)
    settings = json.dumps(ChatSettings().to_dict())
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO chats (id, platform, chat_id, title, settings, created_at)"
        " VALUES (?, 'telegram', ?, ?, ?, ?)",
        ((n + 1, chat_id(n), f"group {n}", settings, stamp) for n in range(chats)),
    )
    connection.executemany(
        "INSERT INTO members (id, platform, user_id, name, created_at)"
        " VALUES (?, 'telegram', ?, ?, ?)",
        ((n + 1, str(n), f"member {n}", stamp) for n in range(users)),
    )
    connection.executemany(
        "INSERT INTO posts (id, chat_id, question_id, kind, local_date, opens_at, closes_at,"
        " created_at) VALUES (?, ?, 'q', 'daily', ?, ?, ?, ?)",
        _posts(chats, now),
    )
    connection.executemany(
        "INSERT INTO points_ledger (chat_id, member_id, post_id, points, bonus, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        _ledger(rng, chats, users, per_member, now),
    )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    return chats


def _posts(chats: int, now: datetime) -> Iterator[tuple[object, ...]]:
    for chat in range(chats):
        for day in range(DAYS):
            opens = now - timedelta(days=DAYS - day)
            post_id = chat * DAYS + day + 1
            yield (
                post_id,
                chat + 1,
                opens.date().isoformat(),
                to_db(opens),
                to_db(opens),
                to_db(opens),
            )


def _ledger(
    rng: random.Random, chats: int, users: int, per_member: int, now: datetime
) -> Iterator[tuple[object, ...]]:
    for member in range(users):
        chat = member % chats
        for day in rng.sample(range(DAYS), min(DAYS, per_member)):
            answered = now - timedelta(days=DAYS - day) + timedelta(minutes=rng.randint(1, 600))
            answered = min(answered, now - timedelta(seconds=1))
            yield (
                chat + 1,
                member + 1,
                chat * DAYS + day + 1,
                rng.randint(0, 30),
                rng.choice((0, 0, 0, 1, 2, 5)),
                to_db(answered),
            )


async def measure(
    service: StudyService, chats: int, users: int, queries: int, seed: int = 5
) -> dict[str, list[float]]:
    """`queries` boards of each kind, asked by random members of their own chats (ms)."""
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {f"{scope}-{window}": [] for scope, window in KINDS}
    for _ in range(queries):
        for scope, window in KINDS:
            member = rng.randrange(users)
            chat = ChatRef("telegram", chat_id(member % chats))
            command = ShowLeaderboard(
                chat,
                UserRef("telegram", str(member), f"member {member}"),
                window=window,
                scope=scope,
            )
            started = time.perf_counter()
            [reply] = await service.handle(command)
            timings[f"{scope}-{window}"].append((time.perf_counter() - started) * 1000)
            if not isinstance(reply, Leaderboard) or not reply.rows:
                raise RuntimeError(f"empty leaderboard for {scope}/{window}")
    return timings


# A Thursday in mid-month: this week's and this month's boards hold several days of answers
# whatever day the benchmark runs (on the 1st, a board of "now" would be nearly empty).
BENCH_NOW = datetime(2026, 6, 18, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return BENCH_NOW


async def run(answers: int, users: int, queries: int) -> dict[str, object]:
    now = BENCH_NOW
    with tempfile.TemporaryDirectory(prefix="bench-leaderboard-") as folder:
        path = Path(folder) / "study.db"
        db = await Database.open(path)
        await db.close()
        started = time.perf_counter()
        chats = bulk_load(path, answers, users, now)
        note(f"leaderboard: loaded {answers} answers in {time.perf_counter() - started:.1f} s")
        db = await Database.open(path)
        try:
            service = StudyService(db, load_bank(), create_grader(), FixedClock())
            await measure(service, chats, users, max(1, queries // 10))  # warm the page cache
            timings = await measure(service, chats, users, queries)
        finally:
            await db.close()
    every = [value for values in timings.values() for value in values]
    return {
        "bench": "leaderboard",
        "answers": answers,
        "users": users,
        "chats": chats,
        "queries": len(every),
        "p50_ms": round(percentile(every, 0.5), 2),
        "p99_ms": round(percentile(every, 0.99), 2),
        "p99_ms_by_kind": {kind: round(percentile(v, 0.99), 2) for kind, v in timings.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    users = sized(100_000, 20_000, args, minimum=MEMBERS_PER_CHAT)
    answers = users * 10
    emit(asyncio.run(run(answers, users, sized(300, 100, args, minimum=5))))


if __name__ == "__main__":
    main()
