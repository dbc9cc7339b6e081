"""A long post split into several messages, where a later part fails for good: the core's retry
sends only the missing parts. Real PTB against the fake Bot API, real core and SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.adapters.telegram import TelegramAdapter, create_adapter
from bot.adapters.telegram.split import TELEGRAM_LIMIT
from bot.core.refs import ChatRef
from bot.core.replies import PostQuestion
from bot.core.service import StudyService
from bot.grading import EmbeddingGrader
from content.bank import Bank
from content.model import Question
from storage import Database
from tests.adapters.telegram.conftest import FAST, settings_for
from tests.adapters.telegram.fake_api import Failure, FakeTelegram, member, server_error

GROUP = -1005555
CHAT = ChatRef("telegram", str(GROUP), title="Long reads")
BOB = member(22, "Bob")
# Only the second part carries this word, so only it is refused.
MARKER = "SECONDPART"


def long_prompt() -> str:
    """About one and a half Telegram messages; the marker sits near the end."""
    sentence = "Explain how the gradient flows back through a residual block. "
    return sentence * (TELEGRAM_LIMIT // len(sentence) + 20) + MARKER + " then conclude."


def failing_second_part() -> Failure:
    return replace(server_error(chat_id=GROUP), containing=MARKER)


def post_of(prompt: str) -> PostQuestion:
    return PostQuestion(
        chat=CHAT,
        post_id=7,
        question_id="q-long",
        prompt=prompt,
        topic="deep-learning",
        difficulty=2,
        local_date=date(2026, 3, 2),
        closes_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    )


def count(fake: FakeTelegram, text: str) -> int:
    return len(fake.bot_messages(GROUP, text))


async def test_outbox_retry_sends_only_the_missing_part(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    post = post_of(long_prompt())
    fake.fail("sendMessage", failing_second_part(), times=FAST.retry.network_attempts)
    with pytest.raises(NetworkError):
        await adapter.outbox.send(CHAT, post)
    (first,) = fake.bot_messages(GROUP)
    assert MARKER not in first["text"]

    message_id = await adapter.outbox.send(CHAT, post)

    assert message_id == str(first["message_id"])  # the post is still known by its first part
    assert fake.bot_messages(GROUP)[0]["message_id"] == first["message_id"]
    assert count(fake, "Question of the day") == 1
    assert count(fake, MARKER) == 1
    assert len(fake.bot_messages(GROUP)) == 2


async def test_a_delivered_reply_sent_again_is_a_new_message(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    """The remembered parts are forgotten once the whole reply went out."""
    post = post_of(long_prompt())
    await adapter.outbox.send(CHAT, post)
    await adapter.outbox.send(CHAT, post)
    assert count(fake, MARKER) == 2
    assert count(fake, "Question of the day") == 2


@pytest.fixture
def long_bank(bank: Bank) -> Bank:
    first: Question = sorted(bank.questions, key=lambda q: q.id)[0]
    return Bank([replace(first, prompt=long_prompt())])


@pytest.fixture
async def long_service(
    fake: FakeTelegram,
    database: Database,
    long_bank: Bank,
    grader: EmbeddingGrader,
    tmp_path: Path,
) -> AsyncIterator[StudyService]:
    service = StudyService(database, long_bank, grader)
    running = create_adapter(settings_for(fake, tmp_path), service, FAST)
    service.register_outbox(running.platform, running.outbox)
    await running.start()
    yield service
    await running.stop()


async def test_core_retry_of_a_daily_post_completes_it_without_repeating(
    fake: FakeTelegram, long_service: StudyService, long_bank: Bank
) -> None:
    await long_service.chat_seen(CHAT)
    fake.fail("sendMessage", failing_second_part(), times=FAST.retry.network_attempts)
    await long_service.run_daily(CHAT)  # the second part fails after every retry
    assert count(fake, "Question of the day") == 1
    assert count(fake, MARKER) == 0

    await long_service.run_pending(CHAT)  # what the core's retry job runs

    assert count(fake, "Question of the day") == 1
    (second,) = fake.bot_messages(GROUP, MARKER)
    # The post is stored as delivered under its first part: a reply to the second part is
    # an answer to it.
    (question,) = long_bank.questions
    fake.message(GROUP, BOB, question.reference, reply_to=int(second["message_id"]))
    (ack,) = await fake.wait_for_call(
        "sendMessage", lambda p: p["chat_id"] == GROUP and "/100" in p["text"]
    )
    assert "Bob" in ack["text"]
    await long_service.run_pending(CHAT)  # nothing left to send
    assert count(fake, "Question of the day") == 1
