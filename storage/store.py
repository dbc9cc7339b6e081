"""The repositories of one transaction, reached as `store.chats`, `store.posts`, ..."""

from __future__ import annotations

import aiosqlite

from storage.chats import ChatRepository, MemberRepository
from storage.posts import AnswerRepository, PostRepository
from storage.quizzes import QuizRepository
from storage.scores import LedgerRepository, StreakRepository


class Store:
    """Repositories bound to the connection of the transaction that made this store."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.chats = ChatRepository(connection)
        self.members = MemberRepository(connection)
        self.posts = PostRepository(connection)
        self.answers = AnswerRepository(connection)
        self.ledger = LedgerRepository(connection)
        self.streaks = StreakRepository(connection)
        self.quizzes = QuizRepository(connection)
