"""Bad input on every console command: one friendly `bot:` line that says what is allowed, and
the database exactly as it was."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleChat
from bot.core.grading import Grader
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database


@pytest.fixture
async def console(
    tmp_path: Path, bank: Bank, grader: Grader
) -> AsyncIterator[tuple[ConsoleChat, io.StringIO, Database]]:
    db = await Database.open(tmp_path / "console.db")
    out = io.StringIO()
    chat = ConsoleChat(StudyService(db, bank, grader), out)
    chat.service.register_outbox("console", chat.outbox)
    await chat.handle_line("ada: /settings")  # ada speaks first: the admin
    try:
        yield chat, out, db
    finally:
        await db.close()


BAD_LINES = [
    ("ada: /settings time=25:61", "Use HH:MM from 00:00 to 23:59"),
    ("ada: /settings timezone=Mars/Olympus", "Use an IANA name such as Europe/Berlin"),
    ("ada: /settings window=0", "whole number of hours from 1 to 23"),
    ("ada: /settings window=24h", "whole number of hours from 1 to 23"),
    ("ada: /settings topics=astrology", 'Use "all" or a comma list of'),
    ("ada: /settings difficulty=3-1", "Use 1, 2 or 3, or a range"),
    ("ada: /settings paused=perhaps", "Use paused=yes or paused=no"),
    ("ada: /settings colour=blue", 'There is no setting "colour"'),
    ("ada: /settings time=10:00 timezone=Mars/Olympus", "Use an IANA name"),
    ("ada: /settings lonely", "is not key=value"),
    ("bob: /settings time=10:00", "Only the chat's admins can do that."),
    ("bob: /daily", "Only the chat's admins can do that."),
    ("bob: /reveal", "Only the chat's admins can do that."),
    ("bob: /skip", "Only the chat's admins can do that."),
    ("ada: /daily qqqq zzzz xxxx", "No question matches"),
    ("ada: /reveal", "There is no open question right now."),
    ("ada: /skip", "There is no open question right now."),
    ("bob: /answer", "Your answer is empty."),
    ("bob: /answer " + "x" * 50_000, "the limit is 4000"),
    ("bob: /answer dropout drops units", "There is no open question right now."),
    ("bob: /quiz astrology", "Topics: fundamentals"),
    ("bob: /quiz 50", "A quiz has 1 to 20 questions."),
    ("bob: /quiz cnn 0", "A quiz has 1 to 20 questions."),
    ("bob: /leaderboard yesterday", "Use week, month or all."),
    ("bob: /stats nobody", "nobody has not answered anything here yet."),
    ("bob: /dance", "I do not know that command."),
    ("bob: 2", "Use /answer YOUR ANSWER"),
    ("just some words", 'Write lines as "NAME: TEXT"'),
    (": /help", 'Write lines as "NAME: TEXT"'),
    ("bob:", 'Write lines as "NAME: TEXT"'),
]


@pytest.mark.parametrize(("line", "says"), BAD_LINES, ids=[line[:40] for line, _ in BAD_LINES])
async def test_bad_input_is_answered_and_changes_nothing(
    console: tuple[ConsoleChat, io.StringIO, Database], line: str, says: str
) -> None:
    chat, out, db = console
    before = await db.dump()
    start = out.tell()
    await chat.handle_line(line)
    said = out.getvalue()[start:]
    assert said.startswith("bot: ") and says in said
    assert "Traceback" not in said and "Sorry, something went wrong" not in said
    assert await db.dump() == before
