"""The console renders every reply type as plain text and refuses unknown ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from bot.adapters.console import render
from bot.adapters.console.commands import parse_line, to_command
from bot.core.commands import ChangeSettings, PostDaily, ShowLeaderboard, StartQuiz, SubmitAnswer
from bot.core.errors import BadInput
from bot.core.grading import Verdict
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import (
    AnswerFeedback,
    HelpText,
    Leaderboard,
    LeaderRow,
    Notice,
    PostQuestion,
    QuizAnswerResult,
    QuizFinished,
    QuizStep,
    Reply,
    Reveal,
    RevealEntry,
    SettingsView,
    Stats,
)

CHAT = ChatRef("console", "console")
ADA = UserRef("console", "ada", "Ada")
WHEN = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)

SAMPLES: list[tuple[Reply, str]] = [
    (
        PostQuestion(
            CHAT, 1, "q-1", "What is dropout?", "regularization", 2, date(2026, 3, 2), WHEN
        ),
        "What is dropout?",
    ),
    (
        AnswerFeedback(
            1,
            "q-1",
            ADA,
            72,
            Verdict.CORRECT,
            ("units",),
            ("scaling",),
            "Mention scaling.",
            (),
            True,
            True,
            108,
        ),
        "72/100",
    ),
    (
        Reveal(
            CHAT,
            1,
            "q-1",
            "What is dropout?",
            "Dropout zeroes units.",
            ("units",),
            2,
            (RevealEntry("Ada", 72),),
        ),
        "Dropout zeroes units.",
    ),
    (
        Leaderboard(
            "chat", "week", (LeaderRow(1, "ada", "Ada", 108, 1),), LeaderRow(12, "bob", "Bob", 3, 1)
        ),
        "12. Bob",
    ),
    (Stats(ADA, 3, 61.5, 240, 2, 4, ("cnn",), ("rnn-and-sequences",), 1), "61.5"),
    (QuizStep(4, ADA, 0, 2, "q-1", "Pick one", "choice", ("A", "B")), "2. B"),
    (QuizAnswerResult(4, ADA, 0, 0, Verdict.INCORRECT, 1, (), True), "time was up"),
    (QuizFinished(4, ADA, 2, 1, 50.0), "1/2 correct"),
    (
        SettingsView(CHAT, "09:00", "Europe/Berlin", 12, ("cnn",), 1, 3, False, None),
        "Europe/Berlin",
    ),
    (HelpText(is_admin=True), "/daily"),
    (Notice("answer.too_long", {"limit": 4000, "length": 5000}), "4000"),
]


@pytest.mark.parametrize(("reply", "expected"), SAMPLES, ids=lambda v: type(v).__name__)
def test_every_reply_type_renders(reply: Reply, expected: str) -> None:
    assert expected in render(reply)


def test_every_reply_class_has_a_sample() -> None:
    from bot.core import replies

    classes = {
        obj
        for obj in vars(replies).values()
        if isinstance(obj, type) and issubclass(obj, Reply) and obj is not Reply
    }
    assert classes == {type(reply) for reply, _ in SAMPLES}


def test_an_unknown_reply_type_is_a_type_error() -> None:
    @dataclass(frozen=True)
    class Mystery(Reply):
        pass

    with pytest.raises(TypeError):
        render(Mystery())


def test_lines_and_commands_parse() -> None:
    line = parse_line("Ada: /daily batch norm")
    assert line is not None and (line.name, line.text) == ("Ada", "/daily batch norm")
    assert parse_line("no colon here") is None
    assert parse_line("Ada:   ") is None
    command = to_command(ADA, True, line.text)
    assert isinstance(command, PostDaily) and command.query == "batch norm" and command.is_admin
    assert isinstance(to_command(ADA, False, "/answer it is x"), SubmitAnswer)
    board = to_command(ADA, False, "/leaderboard month global")
    assert isinstance(board, ShowLeaderboard) and (board.window, board.scope) == ("month", "global")
    quiz = to_command(ADA, False, "/quiz cnn 3 choice group")
    assert isinstance(quiz, StartQuiz) and (quiz.topic, quiz.count, quiz.mode, quiz.group) == (
        "cnn",
        3,
        "choice",
        True,
    )
    assert isinstance(to_command(ADA, True, "/settings time=10:00"), ChangeSettings)
    assert to_command(ADA, True, "/dance") is None
    with pytest.raises(BadInput):
        to_command(ADA, False, "/leaderboard fortnight")
