"""The repositories a whole transaction uses when it runs on the connection's thread at once."""

from __future__ import annotations

import json
import sqlite3

from storage.chats import SyncChatRepository, SyncMemberRepository
from storage.posts import SyncAnswerRepository, SyncPostRepository
from storage.scores import SyncLedgerRepository, SyncStreakRepository


class SyncStore:
    """What `Database.run_read` and `Database.run_write` hand to their work function: plain
    (not awaited) repositories bound to the transaction's connection. The work runs on the
    database thread, so it must not touch the event loop, and it should be quick: the
    connection serves nothing else meanwhile."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.chats = SyncChatRepository(connection)
        self.members = SyncMemberRepository(connection)
        self.posts = SyncPostRepository(connection)
        self.answers = SyncAnswerRepository(connection)
        self.ledger = SyncLedgerRepository(connection)
        self.streaks = SyncStreakRepository(connection)

    def peer_answers(self, post_id: int) -> dict[int, str]:
        """Every member's answer text to the post, by member id (for the copy check)."""
        # One row holding them all: every row fetched is a hand-back of the GIL.
        row = self._connection.execute(
            "SELECT json_group_object(member_id, text) FROM answers WHERE post_id = ?",
            (post_id,),
        ).fetchone()
        texts: dict[str, object] = json.loads(row[0]) if row and row[0] else {}
        return {int(member): str(text) for member, text in texts.items()}
