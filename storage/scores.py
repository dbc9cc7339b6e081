"""The points ledger (one row per counted answer) and daily streaks."""

from __future__ import annotations

from datetime import date, datetime

from storage.base import Repository
from storage.records import LedgerTotal, StreakRecord
from storage.timefmt import date_from_db, to_db


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
        await self._run(
            "INSERT INTO points_ledger (chat_id, member_id, post_id, points, bonus, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, member_id) DO UPDATE SET"
            " points = excluded.points, bonus = excluded.bonus, created_at = excluded.created_at",
            (chat_row_id, member_id, post_id, points, bonus, to_db(now)),
        )

    async def delete_points_for_post(self, post_id: int) -> None:
        await self._run("DELETE FROM points_ledger WHERE post_id = ?", (post_id,))

    async def list_totals(
        self, chat_row_id: int | None, since: datetime | None
    ) -> list[LedgerTotal]:
        """Points and counted answers per member, most points first.

        `chat_row_id` None means every chat (the global board); `since` None means all time."""
        conditions: list[str] = []
        params: list[object] = []
        if chat_row_id is not None:
            conditions.append("l.chat_id = ?")
            params.append(chat_row_id)
        if since is not None:
            conditions.append("l.created_at >= ?")
            params.append(to_db(since))
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._all(
            "SELECT l.member_id, m.user_id, m.name, SUM(l.points + l.bonus), COUNT(*)"
            f" FROM points_ledger l JOIN members m ON m.id = l.member_id {where}"
            " GROUP BY l.member_id ORDER BY SUM(l.points + l.bonus) DESC, m.name, l.member_id",
            params,
        )
        return [LedgerTotal(*row) for row in rows]


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
        await self._run(
            "INSERT INTO streaks (chat_id, member_id, current, longest, last_date)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, member_id) DO UPDATE SET"
            " current = excluded.current, longest = excluded.longest,"
            " last_date = excluded.last_date",
            (chat_row_id, member_id, current, longest, last_date.isoformat()),
        )
