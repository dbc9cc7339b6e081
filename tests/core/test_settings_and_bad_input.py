"""Settings (admins only, all-or-nothing) and bad input on every command: a clear message,
the database unchanged."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.chatsettings import ChatSettings
from bot.core.commands import (
    AnswerQuiz,
    ChangeSettings,
    Command,
    PostDaily,
    RevealPost,
    ShowSettings,
    ShowStats,
    SkipPost,
    SubmitAnswer,
)
from bot.core.errors import BadInput, UserError
from bot.core.messages import MESSAGES, text
from bot.core.parsing import parse_quiz_args, parse_settings_args, parse_window
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Notice, SettingsView
from bot.core.service import StudyService
from storage import Database
from tests.core.conftest import ADMIN, BOB, CHAT


class RecordingPlanner:
    def __init__(self) -> None:
        self.changed: list[tuple[ChatRef, ChatSettings, bool]] = []

    def chat_changed(self, chat: ChatRef, settings: ChatSettings, active: bool) -> None:
        self.changed.append((chat, settings, active))

    def reveal_at(self, chat: ChatRef, when: datetime) -> None:
        return None

    def retry_later(self, chat: ChatRef) -> None:
        return None

    def quiz_step_due(self, session_id: int, index: int, when: datetime) -> None:
        return None


def change(*pairs: tuple[str, str], admin: bool = True) -> ChangeSettings:
    return ChangeSettings(CHAT, ADMIN if admin else BOB, is_admin=admin, changes=pairs)


async def test_valid_settings_are_saved_shown_and_reschedule(service: StudyService) -> None:
    planner = RecordingPlanner()
    service.attach_planner(planner)
    replies = await service.handle(
        change(
            ("time", "07:30"),
            ("timezone", "America/New_York"),
            ("window", "6"),
            ("topics", "cnn, optimization"),
            ("difficulty", "2-3"),
            ("channel", "123456789"),
        )
    )
    assert isinstance(replies[0], Notice)
    [view] = await service.handle(ShowSettings(CHAT, BOB))
    assert isinstance(view, SettingsView)
    assert (view.post_time, view.timezone, view.window_hours) == ("07:30", "America/New_York", 6)
    assert view.topics == ("optimization", "cnn")
    assert (view.difficulty_min, view.difficulty_max, view.channel) == (2, 3, "123456789")
    [(chat, settings, active)] = planner.changed
    assert chat.chat_id == CHAT.chat_id and settings.post_time == "07:30" and active
    await service.handle(change(("paused", "yes")))
    assert planner.changed[-1][1].paused


BAD_SETTINGS = [
    (("time", "25:61"),),
    (("time", "9am"),),
    (("timezone", "Mars/Olympus"),),
    (("timezone", "../../etc/passwd"),),
    (("window", "0"),),
    (("window", "24"),),
    (("window", "lots"),),
    (("window", "²"),),  # a digit to str.isdigit(), not to int()
    (("time", "²²:00"),),
    (("difficulty", "²"),),
    (("topics", "astrology"),),
    (("difficulty", "0-5"),),
    (("difficulty", "3-1"),),
    (("paused", "maybe"),),
    (("channel", "<script>"),),
    (("colour", "blue"),),
    (("time", "10:00"), ("timezone", "Mars/Olympus")),
    (),
]


@pytest.mark.parametrize("pairs", BAD_SETTINGS, ids=lambda p: " ".join(f"{k}={v}" for k, v in p))
async def test_every_bad_setting_says_what_is_allowed_and_changes_nothing(
    service: StudyService, db: Database, pairs: tuple[tuple[str, str], ...]
) -> None:
    before = await db.dump()
    with pytest.raises(BadInput) as caught:
        await service.handle(change(*pairs))
    assert caught.value.key in MESSAGES
    worded = text(caught.value.key, **caught.value.params)
    assert "{" not in worded and len(worded) > 20
    assert await db.dump() == before


def test_messages_name_what_is_allowed() -> None:
    with pytest.raises(BadInput) as caught:
        parse_window("fortnight")
    assert "week, month or all" in text(caught.value.key, **caught.value.params)


@pytest.mark.parametrize(
    "command",
    [
        ChangeSettings(CHAT, BOB, changes=(("time", "10:00"),)),
        PostDaily(CHAT, BOB),
        RevealPost(CHAT, BOB),
        SkipPost(CHAT, BOB),
        SubmitAnswer(CHAT, BOB, text=""),
        SubmitAnswer(CHAT, BOB, text="a real answer with no post open"),
        SubmitAnswer(CHAT, BOB, text="x" * 50_000),
        SubmitAnswer(CHAT, BOB, text="for a post that does not exist", post_id=999),
        RevealPost(CHAT, ADMIN, is_admin=True),
        SkipPost(CHAT, ADMIN, is_admin=True),
        PostDaily(CHAT, ADMIN, is_admin=True, query="qqqq zzzz xxxx"),
        AnswerQuiz(CHAT, BOB, session_id=12345, text="hello"),
        ShowStats(CHAT, BOB, target=UserRef("console", "ghost", "Ghost")),
    ],
    ids=lambda c: type(c).__name__,
)
async def test_bad_input_on_every_command_is_worded_and_changes_nothing(
    service: StudyService, db: Database, command: Command
) -> None:
    before = await db.dump()
    with pytest.raises(UserError) as caught:
        await service.handle(command)
    assert caught.value.key in MESSAGES
    assert "{" not in text(caught.value.key, **caught.value.params)
    assert await db.dump() == before


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("time=09:00 tz=Europe/Berlin", (("time", "09:00"), ("tz", "Europe/Berlin"))),
        ("channel:1234 window=3", (("channel", "1234"), ("window", "3"))),
        ("topics=cnn, optimization", (("topics", "cnn, optimization"),)),
        ("", ()),
        ("pause", (("paused", "yes"),)),
        ("Resume time=10:00", (("paused", "no"), ("time", "10:00"))),
    ],
)
def test_settings_arguments_parse(raw: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert parse_settings_args(raw) == expected


def test_quiz_arguments_parse_and_reject() -> None:
    assert parse_quiz_args("") == (None, 5, "text")
    assert parse_quiz_args("cnn 3 choice") == ("cnn", 3, "choice")
    for bad in ("astrology", "50", "cnn 0"):
        with pytest.raises(BadInput) as caught:
            parse_quiz_args(bad)
        assert caught.value.key in MESSAGES
    with pytest.raises(BadInput):
        parse_settings_args("lonely")
