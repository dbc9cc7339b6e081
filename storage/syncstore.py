"""The repositories a whole transaction uses when it runs on the connection's thread at once."""

from __future__ import annotations

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
        self.chats = SyncChatRepository(connection)
        self.members = SyncMemberRepository(connection)
        self.posts = SyncPostRepository(connection)
        self.answers = SyncAnswerRepository(connection)
        self.ledger = SyncLedgerRepository(connection)
        self.streaks = SyncStreakRepository(connection)
