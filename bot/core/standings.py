"""Leaderboards and member statistics.

Windows follow the asking chat's timezone: "week" starts Monday 00:00 local time, "month" on the
1st at 00:00 local time, "all" has no start. Ties share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from bot.core.commands import Scope, ShowLeaderboard, ShowStats, Window
from bot.core.context import Core, settings_of
from bot.core.daily import local_today
from bot.core.errors import NotFound
from bot.core.replies import Leaderboard, LeaderRow, Stats
from bot.core.scoring import streak_of
from storage.records import ChatRecord, LedgerTotal

TOP_ROWS = 10
TOPICS_SHOWN = 2


def window_start(window: Window, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment of the window, in UTC terms; None for all time."""
    if window == "all":
        return None
    today = now.astimezone(zone).date()
    first = today - timedelta(days=today.weekday()) if window == "week" else today.replace(day=1)
    return datetime.combine(first, time(0, 0), tzinfo=zone)


def ranked(totals: Sequence[LedgerTotal]) -> list[LeaderRow]:
    """Competition ranking: members with equal points share a rank, the next rank skips."""
    rows: list[LeaderRow] = []
    for position, total in enumerate(totals, start=1):
        shared = bool(rows) and rows[-1].points == total.points
        rank = rows[-1].rank if shared else position
        rows.append(LeaderRow(rank, total.user_id, total.name, total.points, total.answers))
    return rows


async def leaderboard(core: Core, chat: ChatRecord, command: ShowLeaderboard) -> Leaderboard:
    since = window_start(command.window, core.now(), settings_of(chat).zone)
    rows = await _rows(core, chat, command.scope, since)
    top = tuple(row for row in rows if row.rank <= TOP_ROWS)
    me = next((row for row in rows if row.user_id == command.user.user_id), None)
    if me is None:
        better = sum(1 for row in rows if row.points > 0)
        me = LeaderRow(better + 1, command.user.user_id, command.user.name, 0, 0)
    return Leaderboard(
        scope=command.scope,
        window=command.window,
        rows=top,
        me=None if me in top else me,
    )


async def _rows(
    core: Core, chat: ChatRecord, scope: Scope, since: datetime | None
) -> list[LeaderRow]:
    async with core.db.read() as store:
        totals = await store.ledger.list_totals(chat.id if scope == "chat" else None, since)
    return ranked(totals)


async def stats(core: Core, chat: ChatRecord, command: ShowStats) -> Stats:
    target = command.target or command.user
    async with core.db.read() as store:
        member = await store.members.find_member(target.platform, target.user_id)
        if member is None:
            if command.target is not None:
                raise NotFound("stats.unknown_member", name=target.name)
            return Stats(target, 0, 0.0, 0, 0, 0, (), (), None)
        scores = await store.answers.list_member_scores(chat.id, member.id)
        dates = await store.answers.list_answered_dates(chat.id, member.id)
        totals = await store.ledger.list_totals(chat.id, None)
    streak = streak_of(dates, local_today(chat, core.now()))
    rows = ranked(totals)
    mine = next(
        (row for row, total in zip(rows, totals, strict=True) if total.member_id == member.id),
        None,
    )
    best, weakest = _topic_extremes(core, scores)
    return Stats(
        user=target,
        answered=len(scores),
        average_score=round(fmean(s for _, s in scores), 1) if scores else 0.0,
        points=mine.points if mine else 0,
        current_streak=streak.current,
        longest_streak=streak.longest,
        best_topics=best,
        weakest_topics=weakest,
        rank=mine.rank if mine else None,
    )


def _topic_extremes(
    core: Core, scores: Sequence[tuple[str, int]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Topics by the member's average score: the best ones, and the weakest of the rest."""
    by_topic: dict[str, list[int]] = defaultdict(list)
    for question_id, score in scores:
        by_topic[core.question(question_id).topic].append(score)
    ordered = sorted(by_topic, key=lambda topic: (-fmean(by_topic[topic]), topic))
    best = tuple(ordered[:TOPICS_SHOWN])
    rest = [topic for topic in reversed(ordered) if topic not in best]
    return best, tuple(rest[:TOPICS_SHOWN])
