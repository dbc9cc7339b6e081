"""Chats and members."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.base import Repository, Row, SyncRepository
from storage.errors import NotFound
from storage.records import ChatRecord, MemberRecord
from storage.timefmt import to_db

_CHAT_COLUMNS = "id, platform, chat_id, thread_id, title, settings, active"


def _chat(row: Row) -> ChatRecord:
    return ChatRecord(
        id=row[0],
        platform=row[1],
        chat_id=row[2],
        thread_id=row[3],
        title=row[4],
        settings=json.loads(row[5]),
        active=bool(row[6]),
    )


class SyncChatRepository(SyncRepository):
    """Chat look-ups run on the connection's thread."""

    def find_chat(self, platform: str, chat_id: str) -> ChatRecord | None:
        row = self._one(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE platform = ? AND chat_id = ?",
            (platform, chat_id),
        )
        return None if row is None else _chat(row)


class ChatRepository(Repository):
    async def find_chat(self, platform: str, chat_id: str) -> ChatRecord | None:
        return await self._call(lambda c: SyncChatRepository(c).find_chat(platform, chat_id))

    async def get_chat(self, platform: str, chat_id: str) -> ChatRecord:
        found = await self.find_chat(platform, chat_id)
        if found is None:
            raise NotFound("error.chat_unknown")
        return found

    async def get_chat_by_id(self, chat_row_id: int) -> ChatRecord:
        row = await self._one(f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = ?", (chat_row_id,))
        if row is None:
            raise NotFound("error.chat_unknown")
        return _chat(row)

    async def add_chat(
        self,
        platform: str,
        chat_id: str,
        thread_id: str | None,
        title: str,
        settings: dict[str, Any],
        now: datetime,
    ) -> ChatRecord:
        await self._run(
            "INSERT INTO chats (platform, chat_id, thread_id, title, settings, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO NOTHING",
            (platform, chat_id, thread_id, title, json.dumps(settings), to_db(now)),
        )
        return await self.get_chat(platform, chat_id)

    async def set_chat_title(self, chat_row_id: int, title: str) -> None:
        await self._run("UPDATE chats SET title = ? WHERE id = ?", (title, chat_row_id))

    async def set_chat_active(self, chat_row_id: int, active: bool) -> None:
        await self._run("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_row_id))

    async def set_chat_settings(self, chat_row_id: int, settings: dict[str, Any]) -> None:
        await self._run(
            "UPDATE chats SET settings = ? WHERE id = ?", (json.dumps(settings), chat_row_id)
        )

    async def move_chat(
        self, platform: str, old_chat_id: str, new_chat_id: str
    ) -> ChatRecord | None:
        """Give the chat under `old_chat_id` the platform id `new_chat_id` (a Telegram group
        upgraded to a supergroup gets a new id). Settings, posts, answers, points, streaks and
        quizzes stay with it: they refer to the row, not to the platform id. A record already
        made for the new id is replaced when it has no history yet. Returns the moved chat, or
        None when nothing moved: no chat under the old id (already moved), or the new id's
        record has history of its own (both are then kept as they are)."""
        moving = await self.find_chat(platform, old_chat_id)
        if moving is None:
            return None
        taken = await self.find_chat(platform, new_chat_id)
        if taken is not None:
            if await self._has_history(taken.id):
                return None
            await self._run("DELETE FROM chats WHERE id = ?", (taken.id,))
        await self._run("UPDATE chats SET chat_id = ? WHERE id = ?", (new_chat_id, moving.id))
        return await self.get_chat_by_id(moving.id)

    async def _has_history(self, chat_row_id: int) -> bool:
        row = await self._one(
            "SELECT EXISTS (SELECT 1 FROM posts WHERE chat_id = ?)"
            " OR EXISTS (SELECT 1 FROM quiz_sessions WHERE chat_id = ?)"
            " OR EXISTS (SELECT 1 FROM points_ledger WHERE chat_id = ?)",
            (chat_row_id, chat_row_id, chat_row_id),
        )
        return bool(row and row[0])

    async def list_chats(self, *, active_only: bool = False) -> list[ChatRecord]:
        where = " WHERE active = 1" if active_only else ""
        rows = await self._all(f"SELECT {_CHAT_COLUMNS} FROM chats{where} ORDER BY id")
        return [_chat(row) for row in rows]


class SyncMemberRepository(SyncRepository):
    """Member look-ups and sign-ups run on the connection's thread."""

    def add_member(self, platform: str, user_id: str, name: str, now: datetime) -> MemberRecord:
        """Create the member, or refresh the display name of one already known."""
        row = self._one(
            "INSERT INTO members (platform, user_id, name, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, user_id) DO UPDATE SET name = excluded.name"
            " RETURNING id, platform, user_id, name",
            (platform, user_id, name, to_db(now)),
        )
        if row is None:
            raise NotFound("error.member_unknown")
        return MemberRecord(*row)

    def find_member(self, platform: str, user_id: str) -> MemberRecord | None:
        row = self._one(
            "SELECT id, platform, user_id, name FROM members WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return None if row is None else MemberRecord(*row)


class MemberRepository(Repository):
    async def add_member(
        self, platform: str, user_id: str, name: str, now: datetime
    ) -> MemberRecord:
        """Create the member, or refresh the display name of one already known."""
        return await self._call(
            lambda c: SyncMemberRepository(c).add_member(platform, user_id, name, now)
        )

    async def find_member(self, platform: str, user_id: str) -> MemberRecord | None:
        return await self._call(lambda c: SyncMemberRepository(c).find_member(platform, user_id))

    async def get_member(self, platform: str, user_id: str) -> MemberRecord:
        found = await self.find_member(platform, user_id)
        if found is None:
            raise NotFound("error.member_unknown")
        return found

    async def get_member_by_id(self, member_id: int) -> MemberRecord:
        row = await self._one(
            "SELECT id, platform, user_id, name FROM members WHERE id = ?", (member_id,)
        )
        if row is None:
            raise NotFound("error.member_unknown")
        return MemberRecord(*row)

    async def delete_member(self, member_id: int) -> None:
        """Delete the member and, through the foreign keys, everything they wrote."""
        await self._run("DELETE FROM members WHERE id = ?", (member_id,))
