"""The leaderboard totals (migration 0002) stay equal to the ledger they summarise: after new
answers, replaced answers, skipped posts, deleted members, and when an older database with
points already in it is migrated."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storage import Database
from storage.database import migration_files
from storage.scores import Period

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday
# Each total recomputed from the raw ledger, in the shape of its table.
RECOMPUTED = {
    "ledger_totals": "SELECT chat_id, member_id, SUM(points + bonus), COUNT(*) FROM points_ledger"
    " GROUP BY 1, 2",
    "member_totals": "SELECT member_id, SUM(points + bonus), COUNT(*) FROM points_ledger"
    " GROUP BY 1",
    "member_weeks": "SELECT date(substr(created_at, 1, 10), '-6 days', 'weekday 1'), member_id,"
    " SUM(points + bonus), COUNT(*) FROM points_ledger GROUP BY 1, 2",
    "member_months": "SELECT substr(created_at, 1, 7) || '-01', member_id, SUM(points + bonus),"
    " COUNT(*) FROM points_ledger GROUP BY 1, 2",
    # Members per points value, from the totals (themselves checked against the ledger above).
    "points_histogram": "SELECT 'chat', CAST(chat_id AS TEXT), points, COUNT(*) FROM ledger_totals"
    " GROUP BY 2, 3 UNION ALL SELECT 'all', '', points, COUNT(*) FROM member_totals GROUP BY 3"
    " UNION ALL SELECT 'week', week, points, COUNT(*) FROM member_weeks GROUP BY 2, 3"
    " UNION ALL SELECT 'month', month, points, COUNT(*) FROM member_months GROUP BY 2, 3",
}
STORED = {
    "ledger_totals": "SELECT chat_id, member_id, points, answers FROM ledger_totals",
    "member_totals": "SELECT member_id, points, answers FROM member_totals",
    "member_weeks": "SELECT week, member_id, points, answers FROM member_weeks",
    "member_months": "SELECT month, member_id, points, answers FROM member_months",
    "points_histogram": "SELECT board, key, points, members FROM points_histogram",
}


def assert_totals_match(path: Path) -> None:
    raw = sqlite3.connect(path)
    try:
        for table, query in RECOMPUTED.items():
            assert sorted(raw.execute(STORED[table])) == sorted(raw.execute(query)), table
    finally:
        raw.close()


async def seed(db: Database, chats: int, members: int, posts: int) -> list[tuple[int, int, int]]:
    """Chats, members and posts; returns (chat row id, post id, day offset) per post."""
    made = []
    async with db.write() as store:
        for number in range(members):
            await store.members.add_member("console", f"m{number}", f"M{number}", NOW)
        for number in range(chats):
            chat = await store.chats.add_chat("console", f"c{number}", None, "", {}, NOW)
            for day in range(posts):
                opens = NOW - timedelta(days=day * 5)
                post = await store.posts.add_post(
                    chat.id, f"q{day}", "extra", date(2026, 1, 1), opens, opens
                )
                assert post is not None
                made.append((chat.id, post.id, day))
    return made


async def test_totals_follow_answers_replacements_skips_and_deletions(tmp_path: Path) -> None:
    path = tmp_path / "totals.db"
    db = await Database.open(path)
    rng = random.Random(11)
    try:
        posts = await seed(db, chats=3, members=8, posts=6)
        async with db.write() as store:
            for _ in range(120):  # many land on the same (post, member): replacements
                chat_id, post_id, day = rng.choice(posts)
                at = NOW - timedelta(days=day * 5, hours=rng.randint(0, 30))
                member = rng.randint(1, 8)
                points, bonus = rng.randint(0, 40), rng.choice((0, 5))
                await store.ledger.set_points(chat_id, member, post_id, points, bonus, at)
        assert_totals_match(path)
        async with db.write() as store:
            await store.ledger.delete_points_for_post(posts[0][1])  # a skipped post
            await store.members.delete_member(3)  # forgetme: cascades through the ledger
        assert_totals_match(path)
        async with db.read() as store:
            assert all(t.member_id != 3 for t in await store.ledger.list_totals(None, None))
    finally:
        await db.close()


async def test_leaders_and_ranks_agree_with_the_full_ranking(tmp_path: Path) -> None:
    path = tmp_path / "ranks.db"
    db = await Database.open(path)
    try:
        posts = await seed(db, chats=2, members=30, posts=1)
        async with db.write() as store:
            for member in range(1, 31):  # ties every third member
                chat_id, post_id, _ = posts[member % 2]
                await store.ledger.set_points(chat_id, member, post_id, (member // 3) * 10, 0, NOW)
        week = NOW - timedelta(days=2)
        monday = datetime(2026, 3, 2, tzinfo=UTC)
        boards: list[tuple[int | None, datetime | None, Period | None]] = [
            (None, None, None),
            (posts[0][0], None, None),
            (posts[0][0], week, None),
            (None, monday, "week"),
        ]
        for scope, since, period in boards:
            async with db.read() as store:
                everyone = await store.ledger.list_totals(scope, since, period)
                leaders = await store.ledger.list_leaders(scope, since, 10, period)
                cut = everyone[9].points
                assert leaders == [t for t in everyone if t.points >= cut]
                for total in everyone:
                    ahead = await store.ledger.count_ahead(scope, since, total.points, period)
                    assert ahead == sum(1 for other in everyone if other.points > total.points)
                    found = await store.ledger.find_total(scope, since, total.member_id, period)
                    assert found == total
    finally:
        await db.close()


async def test_every_chat_weeks_and_months_are_utc_calendar_periods(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "periods.db")
    try:
        posts = await seed(db, chats=1, members=2, posts=1)
        chat_id, post_id, _ = posts[0]
        async with db.write() as store:
            # Sunday 22:00 UTC belongs to the week before; Monday 10:00 to this one.
            await store.ledger.set_points(chat_id, 1, post_id, 7, 0, NOW - timedelta(days=2.5))
            await store.ledger.set_points(chat_id, 2, post_id, 9, 0, NOW - timedelta(days=2))
        monday = datetime(2026, 3, 2, tzinfo=UTC)
        first = datetime(2026, 3, 1, tzinfo=UTC)
        async with db.read() as store:
            week = await store.ledger.list_totals(None, monday, "week")
            month = await store.ledger.list_totals(None, first, "month")
        assert [(t.member_id, t.points) for t in week] == [(2, 9)]
        assert [(t.member_id, t.points) for t in month] == [(2, 9), (1, 7)]
    finally:
        await db.close()


async def test_migrating_a_database_with_points_fills_the_totals(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _, first = migration_files()[0]
    raw = sqlite3.connect(path, isolation_level=None)
    raw.executescript(f"BEGIN;\n{first.read_text()}\nPRAGMA user_version = 1;\nCOMMIT;")
    stamp = NOW.isoformat(timespec="microseconds")
    raw.execute(
        "INSERT INTO chats (id, platform, chat_id, created_at) VALUES (1, 'c', '1', ?)", (stamp,)
    )
    raw.executemany(
        "INSERT INTO members (id, platform, user_id, name, created_at) VALUES (?, 'c', ?, ?, ?)",
        [(n, str(n), f"M{n}", stamp) for n in (1, 2)],
    )
    raw.executemany(
        "INSERT INTO posts (id, chat_id, question_id, kind, local_date, opens_at, closes_at,"
        " created_at) VALUES (?, 1, 'q', 'extra', '2026-03-01', ?, ?, ?)",
        [(n, stamp, stamp, stamp) for n in (1, 2, 3)],
    )
    raw.executemany(
        "INSERT INTO points_ledger (chat_id, member_id, post_id, points, bonus, created_at)"
        " VALUES (1, ?, ?, ?, 1, ?)",
        [(1, 1, 10, stamp), (1, 2, 20, stamp), (2, 3, 5, stamp)],
    )
    raw.close()
    db = await Database.open(path)
    try:
        async with db.read() as store:
            totals = await store.ledger.list_totals(1, None)
        assert [(t.member_id, t.points, t.answers) for t in totals] == [(1, 32, 2), (2, 6, 1)]
    finally:
        await db.close()
    assert_totals_match(path)
