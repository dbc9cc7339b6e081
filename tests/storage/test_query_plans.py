"""Every query the leaderboards, stats and reveal make is served by an index: none reads a
whole table. The statements are captured while the real core runs, so a new query is checked
too."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.core.commands import PostDaily, RevealPost, ShowLeaderboard, ShowStats, SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import ChatRef, UserRef
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database

CHAT = ChatRef("console", "plans")
ADA = UserRef("console", "ada", "Ada")
BOB = UserRef("console", "bob", "Bob")
BIG_TABLES = {
    "answers",
    "chats",
    "ledger_totals",
    "member_totals",
    "members",
    "points_ledger",
    "posts",
    "streaks",
}
_SOURCE = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_FULL_SCAN = re.compile(r"^SCAN (\w+)$")
_KEYWORDS = {"on", "where", "join", "group", "order", "left", "inner", "limit", "using"}


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def tables_by_alias(sql: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for table, alias in _SOURCE.findall(sql):
        aliases[table] = table
        if alias and alias.lower() not in _KEYWORDS:
            aliases[alias] = table
    return aliases


def full_scans(raw: sqlite3.Connection, sql: str) -> list[str]:
    """The big tables the statement reads from start to end without an index."""
    aliases = tables_by_alias(sql)
    scans = []
    for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}"):
        match = _FULL_SCAN.match(row[3])
        if match and aliases.get(match.group(1), match.group(1)) in BIG_TABLES:
            scans.append(row[3])
    return scans


async def test_leaderboard_stats_and_reveal_queries_use_indexes(
    tmp_path: Path, bank: Bank, grader: Grader
) -> None:
    path = tmp_path / "plans.db"
    db = await Database.open(path)
    captured: list[str] = []
    try:
        service = StudyService(db, bank, grader, Clock())
        await service.handle(PostDaily(CHAT, ADA, is_admin=True))
        await service.handle(SubmitAnswer(CHAT, BOB, text="an answer with a few words in it"))
        await db._connection.set_trace_callback(captured.append)
        for window in ("week", "month", "all"):
            for scope in ("chat", "global"):
                await service.handle(ShowLeaderboard(CHAT, ADA, window=window, scope=scope))
        await service.handle(ShowStats(CHAT, BOB))
        await service.handle(ShowStats(CHAT, ADA))
        await service.handle(RevealPost(CHAT, ADA, is_admin=True))
        await db._connection.set_trace_callback(None)
    finally:
        await db.close()
    queries = [sql for sql in captured if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(queries) >= 8, "the leaderboards and stats were captured"
    raw = sqlite3.connect(path)
    try:
        scanning = {sql: scans for sql in queries if (scans := full_scans(raw, sql))}
    finally:
        raw.close()
    assert scanning == {}
