"""Leaderboards and member statistics.

A chat's windows follow the chat's timezone: "week" starts Monday 00:00 local time, "month" on
the 1st at 00:00 local time, "all" has no start. The every-chat (global) board counts UTC
calendar weeks and months. Ties share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from bot.core.commands import ShowLeaderboard, ShowStats, Window
from bot.core.context import Core, settings_of
from bot.core.daily import local_today
from bot.core.errors import NotFound
from bot.core.replies import Leaderboard, LeaderRow, Stats
from bot.core.scoring import streak_of
from storage.records import ChatRecord, LedgerTotal
from storage.scores import Period
from storage.store import Store

TOP_ROWS = 10
TOPICS_SHOWN = 2
UTC_ZONE = ZoneInfo("UTC")


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
    board = _board(chat, command, core.now())
    # Only the top places and the asking member's own row are read: a board over a busy
    # chat or every chat stays as cheap as a small one.
    async with core.db.read() as store:
        leaders = await store.ledger.list_leaders(board.chat, board.since, TOP_ROWS, board.period)
        top = tuple(row for row in ranked(leaders) if row.rank <= TOP_ROWS)
        if any(row.user_id == command.user.user_id for row in top):
            me = None
        else:
            me = await _my_row(store, board, command)
    return Leaderboard(scope=command.scope, window=command.window, rows=top, me=me)


@dataclass(frozen=True, slots=True)
class _Board:
    chat: int | None
    since: datetime | None
    period: Period | None


def _board(chat: ChatRecord, command: ShowLeaderboard, now: datetime) -> _Board:
    """A chat's board follows the chat's timezone; the every-chat board, whose members live in
    every timezone, counts UTC calendar weeks and months."""
    if command.scope == "chat":
        return _Board(chat.id, window_start(command.window, now, settings_of(chat).zone), None)
    period: Period | None = None if command.window == "all" else command.window
    return _Board(None, window_start(command.window, now, UTC_ZONE), period)


async def _my_row(store: Store, board: _Board, command: ShowLeaderboard) -> LeaderRow:
    """The asking member's place: one more than the members with more points."""
    member = await store.members.find_member(command.user.platform, command.user.user_id)
    mine = None
    if member is not None:
        mine = await store.ledger.find_total(board.chat, board.since, member.id, board.period)
    points, answers = (mine.points, mine.answers) if mine else (0, 0)
    ahead = await store.ledger.count_ahead(board.chat, board.since, points, board.period)
    return LeaderRow(ahead + 1, command.user.user_id, command.user.name, points, answers)


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
