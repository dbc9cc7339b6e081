"""Every reply type renders within Discord's limits; member text is inert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import discord
import pytest

from bot.adapters.discord import ids, wording
from bot.adapters.discord.commands import COMMANDS, timezone_choices, topic_choices
from bot.adapters.discord.limits import EMBED_TOTAL, clip, fit_embed
from bot.adapters.discord.render import LEADERBOARD_PAGE, render, render_leaderboard
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

CHAT = ChatRef("discord", "1")
USER = UserRef("discord", "2", "Bob")
HUGE = "word " * 5000
WHEN = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
ROWS = range(12)

EVERY_REPLY: list[Reply] = [
    PostQuestion(CHAT, 7, "q-1", HUGE, "cnn", 2, date(2026, 3, 2), WHEN),
    AnswerFeedback(
        7,
        "q-1",
        USER,
        64,
        Verdict.PARTIAL,
        (HUGE,) * 3,
        ("x",) * 40,
        HUGE,
        ("echo",),
        True,
        False,
        96,
    ),
    Reveal(CHAT, 7, "q-1", HUGE, HUGE, ("point",) * 300, 3, (RevealEntry("@here", 90),) * 30),
    Leaderboard(
        "chat", "week", tuple(LeaderRow(i, str(i), "x" * 80, 9, 1) for i in range(12)), None
    ),
    Stats(USER, 3, 71.5, 200, 2, 5, ("cnn",), ("rnn-and-sequences",), 1),
    QuizStep(3, USER, 0, 5, "q-2", HUGE, "choice", ("a" * 300,) * 4),
    QuizStep(3, USER, 1, 5, "q-3", "Explain dropout.", "text"),
    QuizAnswerResult(3, USER, 0, 0, Verdict.INCORRECT, correct_option=2),
    QuizFinished(3, USER, 5, 3, 66.0),
    SettingsView(CHAT, "09:00", "Europe/Berlin", 12, ("cnn",), 1, 3, False, "123"),
    HelpText(is_admin=True),
    Notice("daily.posted", {"question_id": "q-1"}),
]


def within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL


@pytest.mark.parametrize("reply", EVERY_REPLY, ids=lambda r: type(r).__name__)
def test_every_reply_renders_within_limits(reply: Reply) -> None:
    outgoing = render(reply)
    assert outgoing.content or outgoing.embed
    if outgoing.content:
        assert len(outgoing.kwargs()["content"]) <= 2000
    if outgoing.embed is not None:
        within_limits(outgoing.embed)
    for item in outgoing.view.children if outgoing.view else []:
        assert len(getattr(item, "custom_id", "")) <= 100
    assert outgoing.kwargs()["allowed_mentions"].to_dict() == {"parse": []}


def test_an_unknown_reply_type_is_an_error() -> None:
    @dataclass(frozen=True)
    class Surprise(Reply):
        pass

    with pytest.raises(TypeError, match="Surprise"):
        render(Surprise())


def test_fit_embed_drops_fields_to_stay_under_the_total() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    for number in range(30):
        embed.add_field(name=f"field {number}", value="v" * 2000)
    fit_embed(embed)
    within_limits(embed)
    assert embed.title is not None and embed.title.endswith("…")


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert clip("short", 10) == "short"
    cut = clip("one two three four five six", 12)
    assert len(cut) <= 12 and cut.endswith("…")


def test_leaderboard_pages_hold_every_row_once() -> None:
    rows = tuple(LeaderRow(i + 1, str(i), f"M{i}", 100 - i, 1) for i in range(12))
    board = Leaderboard("chat", "month", rows, None)
    pages = [render_leaderboard(board, page).embed for page in range(3)]
    shown = "".join(embed.description or "" for embed in pages if embed)
    assert all(f"M{i} " in shown for i in range(12))
    assert len(rows) > LEADERBOARD_PAGE


def test_custom_ids_are_short_and_match_their_templates() -> None:
    big = 10**18
    assert len(ids.quiz_choice(big, 19, 9)) <= 100
    assert len(ids.answer(big)) <= 100
    with pytest.raises(ValueError):
        ids.answer(10**120)


async def test_autocomplete_stays_within_25_choices() -> None:
    everything = await timezone_choices(None, "")  # type: ignore[arg-type]
    assert len(everything) == 25
    berlin = await timezone_choices(None, "berl")  # type: ignore[arg-type]
    assert [choice.value for choice in berlin] == ["Europe/Berlin"]
    topics = await topic_choices(None, "cnn,optim")  # type: ignore[arg-type]
    assert [choice.value for choice in topics] == ["cnn,optimization"]


def test_help_shows_every_slash_command_in_discords_syntax() -> None:
    names = {command.name for command in COMMANDS}
    assert set(wording.USAGE) == names
    admin_help = "\n".join(wording.help_lines(is_admin=True))
    for name in names:
        assert f"\n/{name}" in admin_help, name
    assert "key=value" not in admin_help
    assert "reply to" not in admin_help  # replies are not read on Discord (no message content)
    member_help = "\n".join(wording.help_lines(is_admin=False))
    for name in wording.ADMIN_COMMANDS:
        assert f"/{name}" not in member_help  # Discord hides them from members
    assert "Points:" in member_help


def test_wording_keeps_its_markdown_and_escapes_what_was_typed() -> None:
    typed = wording.text("daily.no_match", query="**loud** _x_")
    assert "\\*\\*loud\\*\\*" in typed and "\\_x\\_" in typed
    assert "Press **Delete my data**" in wording.text("forgetme.confirm")
    posted = wording.text("daily.already_posted", question_id="a_b_c")
    assert "a\\_b\\_c" in posted and "/daily" in posted
    assert wording.text("error.not_allowed").startswith("Only the server's admins")
