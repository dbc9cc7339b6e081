"""Posts (the daily question in a chat) and the answers to them."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from storage.base import Repository, Row, SyncRepository, dump_list, load_list
from storage.errors import NotFound
from storage.records import AnswerRecord, PostRecord, ScoredAnswer
from storage.timefmt import date_from_db, from_db, maybe_from_db, to_db

_POST_COLUMNS = (
    "id, chat_id, question_id, kind, local_date, message_id, opens_at, closes_at,"
    " delivered_at, revealed_at, reveal_delivered_at, skipped_at"
)
_ANSWER_COLUMNS = (
    "id, post_id, member_id, text, score, verdict, covered, missed, flags, created_at, edited_at"
)


def _post(row: Row) -> PostRecord:
    return PostRecord(
        id=row[0],
        chat_id=row[1],
        question_id=row[2],
        kind=row[3],
        local_date=date_from_db(row[4]),
        message_id=row[5],
        opens_at=from_db(row[6]),
        closes_at=from_db(row[7]),
        delivered_at=maybe_from_db(row[8]),
        revealed_at=maybe_from_db(row[9]),
        reveal_delivered_at=maybe_from_db(row[10]),
        skipped_at=maybe_from_db(row[11]),
    )


def _answer(row: Row) -> AnswerRecord:
    return AnswerRecord(
        id=row[0],
        post_id=row[1],
        member_id=row[2],
        text=row[3],
        score=row[4],
        verdict=row[5],
        covered=load_list(row[6]),
        missed=load_list(row[7]),
        flags=load_list(row[8]),
        created_at=from_db(row[9]),
        edited_at=maybe_from_db(row[10]),
    )


class SyncPostRepository(SyncRepository):
    """The post look-ups an answer needs, run on the connection's thread."""

    def find_post(self, post_id: int) -> PostRecord | None:
        row = self._one(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return None if row is None else _post(row)

    def get_post(self, post_id: int) -> PostRecord:
        found = self.find_post(post_id)
        if found is None:
            raise NotFound("error.post_unknown")
        return found

    def find_post_by_message(self, chat_row_id: int, message_id: str) -> PostRecord | None:
        row = self._one(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND message_id = ?",
            (chat_row_id, message_id),
        )
        return None if row is None else _post(row)

    def find_latest_post(self, chat_row_id: int) -> PostRecord | None:
        """The chat's newest post that was not skipped."""
        row = self._one(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND skipped_at IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (chat_row_id,),
        )
        return None if row is None else _post(row)


class PostRepository(Repository):
    async def add_post(
        self,
        chat_row_id: int,
        question_id: str,
        kind: str,
        local_date: date,
        opens_at: datetime,
        closes_at: datetime,
    ) -> PostRecord | None:
        """Insert a post, undelivered. None when the chat already has its daily post that date."""
        try:
            post_id = await self._insert(
                "INSERT INTO posts (chat_id, question_id, kind, local_date, opens_at, closes_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_row_id,
                    question_id,
                    kind,
                    local_date.isoformat(),
                    to_db(opens_at),
                    to_db(closes_at),
                    to_db(opens_at),
                ),
            )
        except sqlite3.IntegrityError:
            return None
        return await self.get_post(post_id)

    async def get_post(self, post_id: int) -> PostRecord:
        return await self._call(lambda c: SyncPostRepository(c).get_post(post_id))

    async def find_daily_post(self, chat_row_id: int, local_date: date) -> PostRecord | None:
        row = await self._one(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND local_date = ?"
            " AND kind = 'daily'",
            (chat_row_id, local_date.isoformat()),
        )
        return None if row is None else _post(row)

    async def find_post_by_message(self, chat_row_id: int, message_id: str) -> PostRecord | None:
        return await self._call(
            lambda c: SyncPostRepository(c).find_post_by_message(chat_row_id, message_id)
        )

    async def find_latest_post(self, chat_row_id: int) -> PostRecord | None:
        """The chat's newest post that was not skipped."""
        return await self._call(lambda c: SyncPostRepository(c).find_latest_post(chat_row_id))

    async def find_unrevealed_post(self, chat_row_id: int) -> PostRecord | None:
        """The chat's newest post still waiting for its reveal."""
        row = await self._one(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND revealed_at IS NULL"
            " AND skipped_at IS NULL ORDER BY id DESC LIMIT 1",
            (chat_row_id,),
        )
        return None if row is None else _post(row)

    async def list_posts(self, chat_row_id: int) -> list[PostRecord]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? ORDER BY id", (chat_row_id,)
        )
        return [_post(row) for row in rows]

    async def list_undelivered_posts(self, chat_row_id: int) -> list[PostRecord]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND delivered_at IS NULL"
            " AND skipped_at IS NULL AND revealed_at IS NULL ORDER BY id",
            (chat_row_id,),
        )
        return [_post(row) for row in rows]

    async def list_unrevealed_posts(self, chat_row_id: int) -> list[PostRecord]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND revealed_at IS NULL"
            " AND skipped_at IS NULL ORDER BY closes_at",
            (chat_row_id,),
        )
        return [_post(row) for row in rows]

    async def list_undelivered_reveals(self, chat_row_id: int) -> list[PostRecord]:
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND revealed_at IS NOT NULL"
            " AND reveal_delivered_at IS NULL ORDER BY id",
            (chat_row_id,),
        )
        return [_post(row) for row in rows]

    async def list_chats_with_pending_posts(self) -> set[int]:
        """Chats with a post still open, undelivered, or waiting for its reveal to go out
        (what a restart must catch up on); one look-up through a partial index."""
        rows = await self._all(
            "SELECT DISTINCT chat_id FROM posts"
            " WHERE reveal_delivered_at IS NULL AND skipped_at IS NULL"
        )
        return {row[0] for row in rows}

    async def set_delivered(self, post_id: int, message_id: str | None, now: datetime) -> None:
        await self._run(
            "UPDATE posts SET message_id = ?, delivered_at = ? WHERE id = ?",
            (message_id, to_db(now), post_id),
        )

    async def withdraw_post(self, post_id: int) -> bool:
        """Delete a post that was never delivered, as if it had not been made (its daily slot
        is free again). False when it was delivered meanwhile or is gone: nothing changed."""
        changed = await self._run(
            "DELETE FROM posts WHERE id = ? AND delivered_at IS NULL", (post_id,)
        )
        return changed == 1

    async def find_post(self, post_id: int) -> PostRecord | None:
        return await self._call(lambda c: SyncPostRepository(c).find_post(post_id))

    async def mark_revealed(self, post_id: int, now: datetime) -> bool:
        """Close the post. False when it was already revealed or skipped (nothing changed)."""
        changed = await self._run(
            "UPDATE posts SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL"
            " AND skipped_at IS NULL",
            (to_db(now), post_id),
        )
        return changed == 1

    async def set_reveal_delivered(self, post_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE posts SET reveal_delivered_at = ? WHERE id = ?", (to_db(now), post_id)
        )

    async def mark_skipped(self, post_id: int, now: datetime) -> bool:
        changed = await self._run(
            "UPDATE posts SET skipped_at = ? WHERE id = ? AND skipped_at IS NULL"
            " AND revealed_at IS NULL",
            (to_db(now), post_id),
        )
        return changed == 1

    async def last_asked(self, chat_row_id: int) -> dict[str, datetime]:
        """When each question was last posted in the chat."""
        rows = await self._all(
            "SELECT question_id, MAX(opens_at) FROM posts WHERE chat_id = ? GROUP BY question_id",
            (chat_row_id,),
        )
        return {row[0]: from_db(row[1]) for row in rows}


class SyncAnswerRepository(SyncRepository):
    """Storing an answer and what its points depend on, run on the connection's thread."""

    def save_answer(
        self,
        post_id: int,
        member_id: int,
        text: str,
        score: int,
        verdict: str,
        covered: tuple[str, ...],
        missed: tuple[str, ...],
        flags: tuple[str, ...],
        now: datetime,
    ) -> bool:
        """Store the member's answer to the post, replacing an earlier one. True if replaced."""
        # `edited_at` is only ever set by the update branch: it tells a replacement apart.
        row = self._one(
            "INSERT INTO answers (post_id, member_id, text, score, verdict, covered, missed,"
            " flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (post_id, member_id) DO UPDATE SET text = excluded.text,"
            " score = excluded.score, verdict = excluded.verdict, covered = excluded.covered,"
            " missed = excluded.missed, flags = excluded.flags, edited_at = excluded.created_at"
            " RETURNING edited_at",
            (
                post_id,
                member_id,
                text,
                score,
                verdict,
                dump_list(covered),
                dump_list(missed),
                dump_list(flags),
                to_db(now),
            ),
        )
        return row is not None and row[0] is not None

    def list_peer_texts(self, post_id: int, member_id: int) -> list[str]:
        """The other members' answers to the post, for copy detection."""
        # One row holding them all: every row fetched is a hand-back of the GIL, and a thread
        # waits for the GIL while the event loop grades.
        row = self._one(
            "SELECT json_group_array(text) FROM"
            " (SELECT text FROM answers WHERE post_id = ? AND member_id != ? ORDER BY id)",
            (post_id, member_id),
        )
        return [str(text) for text in json.loads(row[0])] if row else []

    def list_answered_dates(self, chat_row_id: int, member_id: int) -> list[date]:
        """Local dates of the daily posts the member answered in the chat, oldest first."""
        rows = self._all(
            "SELECT DISTINCT p.local_date FROM answers a JOIN posts p ON p.id = a.post_id"
            " WHERE p.chat_id = ? AND a.member_id = ? AND p.kind = 'daily'"
            " AND p.skipped_at IS NULL ORDER BY p.local_date",
            (chat_row_id, member_id),
        )
        return [date_from_db(row[0]) for row in rows]


class AnswerRepository(Repository):
    async def find_answer(self, post_id: int, member_id: int) -> AnswerRecord | None:
        row = await self._one(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE post_id = ? AND member_id = ?",
            (post_id, member_id),
        )
        return None if row is None else _answer(row)

    async def save_answer(
        self,
        post_id: int,
        member_id: int,
        text: str,
        score: int,
        verdict: str,
        covered: tuple[str, ...],
        missed: tuple[str, ...],
        flags: tuple[str, ...],
        now: datetime,
    ) -> bool:
        """Store the member's answer to the post, replacing an earlier one. True if replaced."""
        return await self._call(
            lambda c: SyncAnswerRepository(c).save_answer(
                post_id, member_id, text, score, verdict, covered, missed, flags, now
            )
        )

    async def list_peer_texts(self, post_id: int, member_id: int) -> list[str]:
        """The other members' answers to the post, for copy detection."""
        return await self._call(
            lambda c: SyncAnswerRepository(c).list_peer_texts(post_id, member_id)
        )

    async def list_scored_answers(self, post_id: int) -> list[ScoredAnswer]:
        """Answers to the post with names, best first."""
        rows = await self._all(
            "SELECT a.member_id, m.name, a.score FROM answers a JOIN members m"
            " ON m.id = a.member_id WHERE a.post_id = ? ORDER BY a.score DESC, a.id",
            (post_id,),
        )
        return [ScoredAnswer(*row) for row in rows]

    async def list_member_scores(self, chat_row_id: int, member_id: int) -> list[tuple[str, int]]:
        """(question id, score) of each of the member's answers in the chat."""
        return [
            (row[0], row[1])
            for row in await self._all(
                "SELECT p.question_id, a.score FROM answers a JOIN posts p ON p.id = a.post_id"
                " WHERE p.chat_id = ? AND a.member_id = ? AND p.skipped_at IS NULL ORDER BY a.id",
                (chat_row_id, member_id),
            )
        ]

    async def list_answered_dates(self, chat_row_id: int, member_id: int) -> list[date]:
        """Local dates of the daily posts the member answered in the chat, oldest first."""
        return await self._call(
            lambda c: SyncAnswerRepository(c).list_answered_dates(chat_row_id, member_id)
        )

    async def delete_answers_for_post(self, post_id: int) -> None:
        """A skipped post is not scored: its answers go."""
        await self._run("DELETE FROM answers WHERE post_id = ?", (post_id,))
