"""Anything a member can type, through the real core on a real SQLite file: a reply or a
friendly `UserError`, never a crash; a refused command changes nothing; every reply renders
cleanly for Telegram and Discord.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.adapters.console.commands import CONSOLE_CHAT, to_command
from bot.adapters.discord import render as discord_render
from bot.adapters.telegram import render as telegram_render
from bot.core.commands import Command, PostDaily, SubmitAnswer
from bot.core.errors import UserError
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback, Reply
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.properties.markup import discord_problem, hostile, telegram_item_problem

ADMIN = UserRef("console", "admin", "Admin")
COMMANDS = (
    "answer",
    "settings",
    "quiz",
    "leaderboard",
    "daily",
    "stats",
    "forgetme",
    "help",
    "reveal",
    "skip",
)
SETTING_WORDS = (
    "time=",
    "timezone=",
    "tz=",
    "window=",
    "topics=",
    "difficulty=",
    "paused=",
    "channel=",
    "pause",
    "resume",
    "=",
    ":",
    "25:61",
    "09:00",
    "Europe/Berlin",
    "../../etc/passwd",
    "/",
    "-1",
    "²",  # str.isdigit() says yes, int() says no
    "٣",
    "99999999999999999999",
    "²",
    "٣",
    "1-3",
    "3-1",
    "cnn,",
    "all",
    "yes",
)
QUIZ_WORDS = ("group", "choice", "text", "cnn", "0", "21", "5", "²", "٣", "-1", "1e3")


def long_text() -> st.SearchStrategy[str]:
    """Answers around the length limit (built by repetition: drawing long strings is slow)."""
    piece = st.sampled_from(["dropout ", "é", "🙂", "<b>&", "@everyone ", "\n"])
    return st.builds(lambda text, times: text * times, piece, st.integers(300, 4500))


def arguments() -> st.SearchStrategy[str]:
    word = st.one_of(st.sampled_from(SETTING_WORDS + QUIZ_WORDS), hostile(6))
    return st.lists(word, max_size=8).map(" ".join)


def run_with_service(
    tmp_path: Path, bank: Bank, grader: Grader, body: Callable[[asyncio.Runner, StudyService], None]
) -> None:
    """One event loop and one database for all of a property's examples (fast), closed after."""
    with asyncio.Runner() as runner:
        db = runner.run(Database.open(tmp_path / "fuzz.db"))
        try:
            service = StudyService(db, bank, grader)
            runner.run(service.handle(PostDaily(CONSOLE_CHAT, ADMIN, is_admin=True)))
            body(runner, service)
        finally:
            runner.run(db.close())


async def outcome(
    service: StudyService, make: Callable[[], Command | None]
) -> tuple[list[Reply] | UserError, bool]:
    """Parse and run a command: the replies (or the friendly error), and whether the database
    changed. Parsing is inside, as in every adapter's error boundary."""
    before = await service.core.db.dump()
    try:
        command = make()
        assert command is not None
        result: list[Reply] | UserError = await service.handle(command)
    except UserError as error:
        result = error
    return result, await service.core.db.dump() != before


def assert_renders_cleanly(replies: list[Reply]) -> None:
    for reply in replies:
        assert telegram_item_problem(telegram_render.render(reply, private_chat=False)) is None
        assert discord_problem(discord_render.render(reply)) is None


def test_any_command_and_arguments(tmp_path: Path, bank: Bank, grader: Grader) -> None:
    def body(runner: asyncio.Runner, service: StudyService) -> None:
        @settings(max_examples=50, deadline=None)
        @given(name=st.sampled_from(COMMANDS), args=arguments(), admin=st.booleans())
        @example(name="quiz", args="²", admin=False)
        @example(name="settings", args="window=²", admin=True)
        @example(name="settings", args="time=25:61 timezone=Mars/Base", admin=True)
        @example(name="settings", args="timezone=../../etc/passwd", admin=True)
        @example(name="leaderboard", args="@everyone", admin=False)
        def check(name: str, args: str, admin: bool) -> None:
            user = ADMIN if admin else UserRef("console", "member", "<b>@everyone</b>")
            make = partial(to_command, user, admin, f"/{name} {args}")
            result, changed = runner.run(outcome(service, make))
            if isinstance(result, UserError):
                assert not changed, f"/{name} {args!r} was refused but changed the database"
            else:
                assert_renders_cleanly(result)

        check()

    run_with_service(tmp_path, bank, grader, body)


def test_any_answer_text(tmp_path: Path, bank: Bank, grader: Grader) -> None:
    def body(runner: asyncio.Runner, service: StudyService) -> None:
        @settings(max_examples=40, deadline=None)
        @given(
            text=st.one_of(hostile(40), st.text(max_size=300), long_text()),
            name=hostile(),
        )
        @example(text="", name="x")
        @example(text="   \n\t ", name="x")
        @example(text="x" * 50_000, name="x")
        @example(text="\x00<b>@everyone</b>&", name="@here")
        def check(text: str, name: str) -> None:
            user = UserRef("console", "answerer", name)
            submit = partial(SubmitAnswer, CONSOLE_CHAT, user, text=text)
            result, changed = runner.run(outcome(service, submit))
            if isinstance(result, UserError):
                assert result.key in ("answer.empty", "answer.too_long")
                assert not changed
                return
            [feedback] = result
            assert isinstance(feedback, AnswerFeedback) and feedback.counted
            assert_renders_cleanly(result)

        check()

    run_with_service(tmp_path, bank, grader, body)
