"""Answer storm: members answering the open daily posts through the core, graded and stored.

Every answer goes through `StudyService.handle(SubmitAnswer(...))` with the real grader (in a
worker process, as `studybot run` grades) and a real SQLite file, many at once as an adapter
would deliver them. The raw insert loop (one committed row per transaction, the same pragmas)
is measured in the same run for comparison.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import answer_text, arguments, emit, note, percentile, sized
from bot.app import PLATFORM_GRADING_WORKERS
from bot.core.commands import SubmitAnswer
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import AnswerFeedback, Reply
from bot.core.service import StudyService
from bot.grading.pool import PooledGrader
from content.bank import load_bank
from storage import Database

IN_FLIGHT = 64


class RecordingOutbox:
    """Accepts the daily posts and hands out message ids, as a platform would."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        self.sent += 1
        return str(self.sent)


async def open_posts(service: StudyService, chats: int) -> list[tuple[ChatRef, str]]:
    """`chats` chats, each with today's daily post delivered; (chat, question reference)."""
    outbox = RecordingOutbox()
    service.register_outbox("telegram", outbox)
    opened: list[tuple[ChatRef, str]] = []
    for number in range(chats):
        chat = ChatRef("telegram", str(-1000000 - number), None, f"group {number}")
        await service.chat_seen(chat)
        await service.run_daily(chat)
        async with service.core.db.read() as store:
            record = await store.chats.get_chat("telegram", chat.chat_id)
            post = await store.posts.find_latest_post(record.id)
        if post is None:
            raise RuntimeError("the daily post was not created")
        opened.append((chat, service.core.question(post.question_id).reference))
    return opened


def storm(opened: Sequence[tuple[ChatRef, str]], members: int, seed: int) -> list[SubmitAnswer]:
    """Every member of every chat answers once, interleaved across chats."""
    rng = random.Random(seed)
    commands = [
        SubmitAnswer(
            chat,
            UserRef("telegram", f"{index}{member:06d}", f"member {member}"),
            text=answer_text(reference, rng),
        )
        for member in range(members)
        for index, (chat, reference) in enumerate(opened)
    ]
    return commands


async def answer_all(
    service: StudyService, commands: Sequence[SubmitAnswer]
) -> tuple[float, list[float], int]:
    """Submit with `IN_FLIGHT` answers in progress at a time; (seconds, latencies in ms, how
    many answers were flagged as copies of another member's)."""
    queue: asyncio.Queue[SubmitAnswer] = asyncio.Queue()
    for command in commands:
        queue.put_nowait(command)
    latencies: list[float] = []
    copies = 0

    async def worker() -> None:
        nonlocal copies
        while not queue.empty():
            command = queue.get_nowait()
            started = time.perf_counter()
            replies = await service.handle(command)
            latencies.append((time.perf_counter() - started) * 1000)
            feedback = replies[0]
            if not isinstance(feedback, AnswerFeedback) or not feedback.counted:
                raise RuntimeError(f"answer not counted: {feedback!r}")
            copies += "copy" in feedback.flags

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - started, latencies, copies


def raw_inserts(path: Path, rows: int) -> float:
    """Rows a second for a bare sqlite3 loop: one committed INSERT per transaction."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE answers (id INTEGER PRIMARY KEY, post_id INTEGER, member_id INTEGER,"
        " text TEXT, score INTEGER, created_at TEXT, UNIQUE (post_id, member_id))"
    )
    text = "a typical answer of a few sentences " * 5
    started = time.perf_counter()
    for row in range(rows):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO answers (post_id, member_id, text, score, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (row % 100, row, text, 50, "2026-03-02T12:00:00.000000+00:00"),
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return rows / elapsed


async def run(chats: int, members: int, seed: int = 7) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as folder:
        # Graded as `studybot run` grades: in a worker process, the model loaded before the storm.
        grader = PooledGrader(PLATFORM_GRADING_WORKERS)
        grader.start()
        db = await Database.open(Path(folder) / "study.db")
        try:
            service = StudyService(db, load_bank(), grader)
            opened = await open_posts(service, chats)
            commands = storm(opened, members, seed)
            await grader.ready()
            note(f"pipeline: {len(commands)} answers from {members} members in {chats} chats")
            seconds, latencies, copies = await answer_all(service, commands)
        finally:
            await grader.close()
            await db.close()
        raw = raw_inserts(Path(folder) / "raw.db", max(1000, len(commands)))
    return {
        "bench": "pipeline",
        "answers": len(commands),
        "chats": chats,
        "grading_workers": PLATFORM_GRADING_WORKERS,
        "answers_per_s": round(len(commands) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "raw_sqlite_rows_per_s": round(raw, 1),
        # Copies cost the grader less than answers of one's own; the mix is shown with the rate.
        "copies_share": round(copies / len(commands), 3),
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(__doc__.splitlines()[0], argv)
    chats = sized(100, 40, args)
    members = sized(200, 100, args)
    emit(asyncio.run(run(chats, members)))


if __name__ == "__main__":
    main()
