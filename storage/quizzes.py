"""Quiz sessions, their steps and the members' answers to each step."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.base import Repository, Row, dump_list, load_list
from storage.errors import NotFound
from storage.records import QuizAnswerRecord, QuizSessionRecord, QuizStepRecord
from storage.timefmt import from_db, to_db

_SESSION_COLUMNS = (
    "id, chat_id, member_id, mode, topic, total, time_limit_s, current_index,"
    " step_started_at, status"
)


def _session(row: Row) -> QuizSessionRecord:
    return QuizSessionRecord(
        id=row[0],
        chat_id=row[1],
        member_id=row[2],
        mode=row[3],
        topic=row[4],
        total=row[5],
        time_limit_s=row[6],
        current_index=row[7],
        step_started_at=from_db(row[8]),
        status=row[9],
    )


class QuizRepository(Repository):
    async def add_session(
        self,
        chat_row_id: int,
        member_id: int | None,
        mode: str,
        topic: str | None,
        steps: list[tuple[str, tuple[str, ...], int | None]],
        time_limit_s: int,
        now: datetime,
    ) -> QuizSessionRecord:
        """A running session with its steps: (question id, options, correct option) each."""
        session_id = await self._insert(
            "INSERT INTO quiz_sessions (chat_id, member_id, mode, topic, total, time_limit_s,"
            " step_started_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (chat_row_id, member_id, mode, topic, len(steps), time_limit_s, to_db(now), to_db(now)),
        )
        for index, (question_id, options, correct) in enumerate(steps):
            await self._run(
                "INSERT INTO quiz_steps (session_id, idx, question_id, options, correct_option)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, index, question_id, dump_list(options), correct),
            )
        return await self.get_session(session_id)

    async def get_session(self, session_id: int) -> QuizSessionRecord:
        row = await self._one(
            f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE id = ?", (session_id,)
        )
        if row is None:
            raise NotFound("error.quiz_unknown")
        return _session(row)

    async def find_running_solo(self, chat_row_id: int, member_id: int) -> QuizSessionRecord | None:
        row = await self._one(
            f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE chat_id = ? AND member_id = ?"
            " AND status = 'running' ORDER BY id DESC LIMIT 1",
            (chat_row_id, member_id),
        )
        return None if row is None else _session(row)

    async def find_running_group(self, chat_row_id: int) -> QuizSessionRecord | None:
        row = await self._one(
            f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE chat_id = ?"
            " AND member_id IS NULL AND status = 'running' ORDER BY id DESC LIMIT 1",
            (chat_row_id,),
        )
        return None if row is None else _session(row)

    async def list_running_group_sessions(self) -> list[QuizSessionRecord]:
        rows = await self._all(
            f"SELECT {_SESSION_COLUMNS} FROM quiz_sessions WHERE member_id IS NULL"
            " AND status = 'running' ORDER BY id"
        )
        return [_session(row) for row in rows]

    async def get_step(self, session_id: int, index: int) -> QuizStepRecord:
        row = await self._one(
            "SELECT session_id, idx, question_id, options, correct_option FROM quiz_steps"
            " WHERE session_id = ? AND idx = ?",
            (session_id, index),
        )
        if row is None:
            raise NotFound("error.quiz_unknown")
        return QuizStepRecord(row[0], row[1], row[2], load_list(row[3]), row[4])

    async def add_answer(
        self,
        session_id: int,
        index: int,
        member_id: int,
        text: str | None,
        choice: int | None,
        score: int,
        verdict: str,
        timed_out: bool,
        now: datetime,
    ) -> bool:
        """Record a step answer. False when the member already answered this step."""
        try:
            await self._run(
                "INSERT INTO quiz_answers (session_id, idx, member_id, text, choice, score,"
                " verdict, timed_out, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    index,
                    member_id,
                    text,
                    choice,
                    score,
                    verdict,
                    int(timed_out),
                    to_db(now),
                ),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    async def list_answers(self, session_id: int) -> list[QuizAnswerRecord]:
        rows = await self._all(
            "SELECT session_id, idx, member_id, score, verdict, timed_out FROM quiz_answers"
            " WHERE session_id = ? ORDER BY member_id, idx",
            (session_id,),
        )
        return [QuizAnswerRecord(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    async def advance(self, session_id: int, from_index: int, now: datetime) -> bool:
        """Move to the next step. False if another caller already moved past `from_index`."""
        changed = await self._run(
            "UPDATE quiz_sessions SET current_index = current_index + 1, step_started_at = ?"
            " WHERE id = ? AND current_index = ? AND status = 'running'",
            (to_db(now), session_id, from_index),
        )
        return changed == 1

    async def finish(self, session_id: int, now: datetime, status: str = "finished") -> bool:
        changed = await self._run(
            "UPDATE quiz_sessions SET status = ?, finished_at = ? WHERE id = ?"
            " AND status = 'running'",
            (status, to_db(now), session_id),
        )
        return changed == 1
