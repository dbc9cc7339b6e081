"""A lone surrogate (which a platform's JSON can carry) in a name or an answer is stored and
answered like any other character, not turned into an error."""

from __future__ import annotations

from bot.adapters.telegram.render import escape
from bot.adapters.telegram.split import telegram_length
from bot.core.commands import SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import AnswerFeedback
from bot.core.unicode import REPLACEMENT, clean_strings, clean_text
from content.bank import Bank
from storage import Database
from tests.core.conftest import CHAT, ManualClock, RecordingOutbox, make_question
from tests.core.conftest import new_service as make_service

LONE = "\ud800"


def test_clean_text_replaces_only_lone_surrogates() -> None:
    assert clean_text(f"a{LONE}b😀") == f"a{REPLACEMENT}b😀"
    ref = ChatRef("telegram", "1", title=f"x{LONE}")
    assert clean_strings(ref).title == f"x{REPLACEMENT}"
    assert clean_strings(ChatRef("telegram", "1", title="ok")) == ChatRef(
        "telegram", "1", title="ok"
    )


def test_telegram_rendering_survives_a_lone_surrogate() -> None:
    escaped = escape(f"<b>{LONE}")
    assert escaped == f"&lt;b&gt;{REPLACEMENT}"
    escaped.encode("utf-8")  # what the HTTP client will do
    assert telegram_length(f"a{LONE}") == 2


async def test_an_answer_and_a_name_with_a_lone_surrogate_are_recorded(
    db: Database, grader: Grader, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    question = make_question(1)
    service = await make_service(db, Bank([question]), grader, clock, outbox)
    await service.run_daily(CHAT)
    member = UserRef("console", "u-odd", f"Odd{LONE}")
    [feedback] = await service.handle(
        SubmitAnswer(CHAT, member, text=f"{question.reference} {LONE}")
    )
    assert isinstance(feedback, AnswerFeedback) and feedback.score > 0
    async with db.read() as store:
        stored = await store.members.get_member("console", "u-odd")
    assert stored.name == f"Odd{REPLACEMENT}"
