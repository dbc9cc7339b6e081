"""Every reply type rendered, polls versus buttons, escaping, and long posts through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from bot.adapters.telegram import TelegramAdapter, callbacks
from bot.adapters.telegram.render import PollOut, PrivateOut, TextOut, render
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
from tests.adapters.telegram.fake_api import FakeTelegram, html_problem

CHAT = ChatRef("telegram", "-100777", title="Study")
EVE = UserRef("telegram", "5", "<i>Eve</i> @admin")
NASTY = "<script> & </b> &amp;"

REPLIES: list[Reply] = [
    PostQuestion(
        CHAT, 1, "q1", NASTY, "cnn", 2, date(2026, 1, 2), datetime(2026, 1, 2, tzinfo=UTC)
    ),
    AnswerFeedback(1, "q1", EVE, 80, Verdict.CORRECT, (NASTY,), ("b",), NASTY, (), True, False, 12),
    Reveal(CHAT, 1, "q1", NASTY, NASTY, (NASTY,), 2, (RevealEntry(EVE.name, 90),)),
    Leaderboard(
        "chat", "week", (LeaderRow(1, "5", EVE.name, 10, 1),), LeaderRow(9, "6", "Me", 1, 1)
    ),
    Stats(EVE, 3, 71.5, 40, 2, 5, ("cnn",), ("rnn-and-sequences",), 4),
    QuizStep(1, EVE, 0, 3, "q1", NASTY, "text"),
    QuizAnswerResult(1, EVE, 0, 40, Verdict.PARTIAL, None, (NASTY,)),
    QuizFinished(1, EVE, 3, 2, 66.7),
    SettingsView(CHAT, "09:00", "Europe/Berlin", 12, ("cnn",), 1, 3, False, None),
    HelpText(is_admin=True),
    Notice("error.not_allowed"),
]


def texts(items: list[TextOut | PrivateOut | PollOut]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, TextOut):
            out.append(item.html)
        elif isinstance(item, PrivateOut):
            out += [item.private_html, item.fallback_html]
    return out


@pytest.mark.parametrize("reply", REPLIES, ids=lambda r: type(r).__name__)
def test_every_reply_renders_escaped(reply: Reply) -> None:
    rendered = texts(render(reply, private_chat=False))
    assert rendered and all(rendered)
    for text in rendered:
        assert "<script>" not in text
        assert "<i>Eve" not in text
        assert "@admin" not in text


@pytest.mark.parametrize("private_chat", [False, True], ids=["group", "private"])
def test_every_reply_is_html_telegram_accepts(private_chat: bool) -> None:
    for reply in REPLIES:
        for text in texts(render(reply, private_chat=private_chat)):
            assert html_problem(text) is None, (type(reply).__name__, text)


def test_the_fake_refuses_what_telegram_refuses() -> None:
    assert html_problem("<b>ok</b> &amp; &lt;") is None
    assert html_problem("a < b") is not None
    assert html_problem("<b>open") is not None
    assert html_problem("<script>x</script>") is not None
    assert html_problem("fish & chips") is not None


def test_unknown_reply_is_a_type_error() -> None:
    @dataclass(frozen=True)
    class Mystery(Reply):
        pass

    with pytest.raises(TypeError):
        render(Mystery(), private_chat=False)


def test_feedback_in_a_group_keeps_detail_private() -> None:
    feedback = REPLIES[1]
    ack, detail = render(feedback, private_chat=False)
    assert isinstance(ack, TextOut) and isinstance(detail, PrivateOut)
    assert "80/100" in ack.html and "Missed" not in ack.html
    assert "Missed" in detail.private_html and "Missed" not in detail.fallback_html
    (single,) = render(feedback, private_chat=True)
    assert isinstance(single, TextOut) and "Missed" in single.html


def test_choice_step_is_a_quiz_poll() -> None:
    step = QuizStep(7, EVE, 1, 3, "q1", "Which?", "choice", ("a", "b", "c"), 45, correct_option=2)
    (poll,) = render(step, private_chat=False)
    assert isinstance(poll, PollOut)
    assert poll.correct_option == 2
    assert poll.options == ("a", "b", "c")
    assert poll.question.startswith("Quiz 2/3")


def test_choice_step_too_long_for_a_poll_gets_buttons() -> None:
    step = QuizStep(7, EVE, 0, 3, "q1", "Which?", "choice", ("a" * 150, "b", "c"), 45, 0)
    (message,) = render(step, private_chat=False)
    assert isinstance(message, TextOut) and message.keyboard is not None
    data = [b.callback_data for row in message.keyboard.inline_keyboard for b in row]
    assert data == ["qc:7:0:0", "qc:7:0:1", "qc:7:0:2"]


def test_callback_data_over_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="64"):
        callbacks.Callback("tp", ("é" * 40,)).encode()


async def test_long_reveal_is_split_and_every_part_is_valid(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    reference = "\n\n".join(
        f"Paragraph {n}: " + "weights & biases <tensor> " * 30 for n in range(20)
    )
    reveal = Reveal(CHAT, 1, "q1", "Explain?", reference, ("a", "b"), 3, ())
    first_id = await adapter.outbox.send(CHAT, reveal)
    parts = fake.sent("sendMessage", int(CHAT.chat_id))
    assert len(parts) >= 3
    assert all(len(part["text"]) <= 4096 for part in parts)
    assert first_id == str(fake.bot_messages(int(CHAT.chat_id))[0]["message_id"])
    shown = "".join(message["text"] for message in fake.bot_messages(int(CHAT.chat_id)))
    assert shown.count("<tensor>") == 20 * 30
