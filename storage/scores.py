"""The points ledger (one row per counted answer) and daily streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from storage.base import Repository, SyncRepository
from storage.records import LedgerTotal, StreakRecord
from storage.timefmt import date_from_db, to_db

Period = Literal["week", "month"]


class SyncLedgerRepository(SyncRepository):
    """Ledger writes run on the connection's thread."""

    def set_points(
        self,
        chat_row_id: int,
        member_id: int,
        post_id: int,
        points: int,
        bonus: int,
        now: datetime,
    ) -> None:
        """Record the points for the member's answer to the post; a new answer replaces them.
        The ledger triggers (migration 0002) move the leaderboard totals with it."""
        self._run(
            "INSERT INTO points_ledger (chat_id, member_id, post_id, points, bonus, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, member_id) DO UPDATE SET"
            " points = excluded.points, bonus = excluded.bonus, created_at = excluded.created_at",
            (chat_row_id, member_id, post_id, points, bonus, to_db(now)),
        )


class LedgerRepository(Repository):
    async def set_points(
        self,
        chat_row_id: int,
        member_id: int,
        post_id: int,
        points: int,
        bonus: int,
        now: datetime,
    ) -> None:
        """Record the points for the member's answer to the post; a new answer replaces them."""
        await self._call(
            lambda c: SyncLedgerRepository(c).set_points(
                chat_row_id, member_id, post_id, points, bonus, now
            )
        )

    async def delete_points_for_post(self, post_id: int) -> None:
        await self._run("DELETE FROM points_ledger WHERE post_id = ?", (post_id,))

    async def list_totals(
        self, chat_row_id: int | None, since: datetime | None, period: Period | None = None
    ) -> list[LedgerTotal]:
        """Points and counted answers per member, most points first.

        `chat_row_id` None means every chat (the global board); `since` None means all time.
        Every-chat boards may name a `period` instead: the UTC calendar week or month that
        starts at `since` (kept as running totals, so they cost the same at any size)."""
        source, params = _totals(chat_row_id, since, period)
        rows = await self._all(
            f"SELECT t.member_id, m.user_id, m.name, t.points, t.answers FROM {source} t"
            " JOIN members m ON m.id = t.member_id"
            " ORDER BY t.points DESC, m.name, t.member_id",
            params,
        )
        return [LedgerTotal(*row) for row in rows]

    async def list_leaders(
        self,
        chat_row_id: int | None,
        since: datetime | None,
        places: int,
        period: Period | None = None,
    ) -> list[LedgerTotal]:
        """The members in the first `places` places, most points first, in `list_totals` order;
        more rows than `places` when members tie for the last place."""
        source, params = _totals(chat_row_id, since, period)
        # A summed window is worked out once; stored totals are read through their index.
        summed = since is not None and (chat_row_id is not None or period is None)
        rows = await self._all(
            f"WITH t AS {'MATERIALIZED' if summed else 'NOT MATERIALIZED'} {source}"
            " SELECT t.member_id, m.user_id, m.name, t.points, t.answers FROM t"
            " JOIN members m ON m.id = t.member_id"
            " WHERE t.points >= (SELECT COALESCE(MIN(points), 0) FROM"
            " (SELECT points FROM t ORDER BY points DESC LIMIT ?))"
            " ORDER BY t.points DESC, m.name, t.member_id",
            [*params, places],
        )
        return [LedgerTotal(*row) for row in rows]

    async def find_total(
        self,
        chat_row_id: int | None,
        since: datetime | None,
        member_id: int,
        period: Period | None = None,
    ) -> LedgerTotal | None:
        """One member's points and counted answers in the window; None without any."""
        source, params = _totals(chat_row_id, since, period, member_id)
        row = await self._one(
            "SELECT t.member_id, m.user_id, m.name, t.points, t.answers"
            f" FROM {source} t JOIN members m ON m.id = t.member_id WHERE t.member_id = ?",
            [*params, member_id],
        )
        return None if row is None else LedgerTotal(*row)

    async def count_ahead(
        self,
        chat_row_id: int | None,
        since: datetime | None,
        points: int,
        period: Period | None = None,
    ) -> int:
        """How many members have more than `points` in the window (their rank is this plus 1)."""
        board = _histogram_board(chat_row_id, since, period)
        if board is not None:
            # Stored boards count members per points value: a few hundred rows to add up,
            # however many members are ahead.
            row = await self._one(
                "SELECT COALESCE(SUM(members), 0) FROM points_histogram"
                " WHERE board = ? AND key = ? AND points > ?",
                [*board, points],
            )
        else:
            source, params = _totals(chat_row_id, since, period)
            row = await self._one(
                f"SELECT COUNT(*) FROM {source} t WHERE t.points > ?", [*params, points]
            )
        return int(row[0]) if row else 0


def _histogram_board(
    chat_row_id: int | None, since: datetime | None, period: Period | None
) -> tuple[str, str] | None:
    """The (board, key) of `points_histogram` for a board kept as running totals; None for a
    chat's week or month, which is summed from the ledger."""
    if since is None:
        return ("chat", str(chat_row_id)) if chat_row_id is not None else ("all", "")
    if chat_row_id is None and period is not None:
        return period, since.astimezone(UTC).date().isoformat()
    return None


def _ledger_filter(
    chat_row_id: int | None, since: datetime | None
) -> tuple[list[str], list[object]]:
    conditions: list[str] = []
    params: list[object] = []
    if chat_row_id is not None:
        conditions.append("l.chat_id = ?")
        params.append(chat_row_id)
    if since is not None:
        conditions.append("l.created_at >= ?")
        params.append(to_db(since))
    return conditions, params


def _totals(
    chat_row_id: int | None,
    since: datetime | None,
    period: Period | None,
    member_id: int | None = None,
) -> tuple[str, list[object]]:
    """A subquery of (member_id, points, answers) per member for the board's scope and window
    (only `member_id`'s row when given).

    All-time boards and every-chat weeks and months read the totals the ledger triggers keep
    (migration 0002); a chat's window sums its rows through a covering index."""
    if since is None and chat_row_id is not None:
        return (
            "(SELECT member_id, points, answers FROM ledger_totals WHERE chat_id = ?)",
            [chat_row_id],
        )
    if since is None:
        return "(SELECT member_id, points, answers FROM member_totals)", []
    if chat_row_id is None and period is not None:
        table = "member_weeks" if period == "week" else "member_months"
        return (
            f"(SELECT member_id, points, answers FROM {table} WHERE {period} = ?)",
            [since.astimezone(UTC).date().isoformat()],
        )
    conditions, params = _ledger_filter(chat_row_id, since)
    if member_id is not None:
        conditions.append("l.member_id = ?")
        params.append(member_id)
    return (
        "(SELECT l.member_id AS member_id, SUM(l.points + l.bonus) AS points, COUNT(*) AS answers"
        f" FROM points_ledger l WHERE {' AND '.join(conditions)} GROUP BY l.member_id)",
        params,
    )


class StreakRepository(Repository):
    async def find_streak(self, chat_row_id: int, member_id: int) -> StreakRecord | None:
        row = await self._one(
            "SELECT current, longest, last_date FROM streaks WHERE chat_id = ? AND member_id = ?",
            (chat_row_id, member_id),
        )
        if row is None:
            return None
        return StreakRecord(current=row[0], longest=row[1], last_date=date_from_db(row[2]))

    async def set_streak(
        self, chat_row_id: int, member_id: int, current: int, longest: int, last_date: date
    ) -> None:
        await self._call(
            lambda c: SyncStreakRepository(c).set_streak(
                chat_row_id, member_id, current, longest, last_date
            )
        )


class SyncStreakRepository(SyncRepository):
    """Streak writes run on the connection's thread."""

    def set_streak(
        self, chat_row_id: int, member_id: int, current: int, longest: int, last_date: date
    ) -> None:
        self._run(
            "INSERT INTO streaks (chat_id, member_id, current, longest, last_date)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, member_id) DO UPDATE SET"
            " current = excluded.current, longest = excluded.longest,"
            " last_date = excluded.last_date",
            (chat_row_id, member_id, current, longest, last_date.isoformat()),
        )
