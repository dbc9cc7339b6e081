"""A group upgraded to a supergroup gets a new chat id: the chat moves there with its settings,
posts, answers, points and jobs, whether Telegram's service messages announce it or a send to
the old id is refused with `migrate_to_chat_id`. Real PTB, APScheduler, core and SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.telegram import create_adapter
from bot.core.chatsettings import ChatSettings
from bot.core.refs import ChatRef
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading import EmbeddingGrader
from content.bank import Bank
from storage import Database
from tests.adapters.telegram.conftest import FAST, settings_for
from tests.adapters.telegram.fake_api import FakeTelegram, member
from tests.adapters.telegram.test_daily_flow import ADMIN, BOB, first_question
from tests.adapters.telegram.test_scheduled_day import ManualClock, fire_now, in_chat, until_jobs

OLD = -4001  # a basic group
NEW = -1004001  # the supergroup it became
OLD_CHAT = ChatRef("telegram", str(OLD), title="ML prep")
CLEO = member(33, "Cleo")


def job(kind: str, chat_id: int) -> str:
    return f"{kind}:telegram:{chat_id}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def stack(
    fake: FakeTelegram,
    database: Database,
    bank: Bank,
    grader: EmbeddingGrader,
    clock: ManualClock,
    tmp_path: Path,
) -> AsyncIterator[tuple[StudyService, StudyScheduler]]:
    service = StudyService(database, bank, grader, clock)
    adapter = create_adapter(settings_for(fake, tmp_path), service, FAST)
    service.register_outbox(adapter.platform, adapter.outbox)
    await adapter.start()
    planner = StudyScheduler(service)
    await planner.start()
    yield service, planner
    await adapter.stop()
    planner.shutdown()


async def chats(service: StudyService) -> dict[str, tuple[ChatSettings, bool]]:
    return {ref.chat_id: (settings, active) for ref, settings, active in await service.list_chats()}


async def answered_post_in_old_group(fake: FakeTelegram, bank: Bank) -> None:
    """An admin sets the time, posts a question; Bob answers it and scores."""
    fake.add_chat(OLD, "group", "ML prep")
    fake.set_status(OLD, ADMIN["id"], "creator")
    fake.membership(OLD, "left", "member", ADMIN)
    fake.message(OLD, ADMIN, "/settings time=07:30 timezone=Europe/Berlin")
    await fake.wait_for_call("sendMessage", in_chat(OLD, "07:30"))
    question = first_question(bank)
    fake.message(OLD, ADMIN, f"/daily {question.id}")
    await fake.wait_for_call("sendMessage", in_chat(OLD, "Question of the day"))
    fake.message(OLD, BOB, f"/answer {question.reference}")
    await fake.wait_for_call("sendMessage", in_chat(OLD, "/100"))


async def test_announced_upgrade_moves_settings_history_and_jobs(
    fake: FakeTelegram,
    stack: tuple[StudyService, StudyScheduler],
    clock: ManualClock,
    bank: Bank,
) -> None:
    service, planner = stack
    await answered_post_in_old_group(fake, bank)
    assert {job("daily", OLD), job("reveal", OLD)} <= planner.job_ids()

    # Telegram may tell the bot about the new supergroup before the migration messages.
    fake.add_chat(NEW, "supergroup", "ML prep")
    fake.membership(NEW, "left", "member", ADMIN)
    fake.upgrade(OLD, NEW, ADMIN)
    await until_jobs(planner, False, job("daily", OLD))

    known = await chats(service)
    assert str(OLD) not in known
    settings, active = known[str(NEW)]
    assert (settings.post_time, settings.timezone, active) == ("07:30", "Europe/Berlin", True)
    assert job("reveal", OLD) not in planner.job_ids()
    assert job("reveal", NEW) in planner.job_ids()
    next_post = planner.next_run(job("daily", NEW))
    assert next_post is not None
    assert next_post.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "07:30"

    fake.message(NEW, CLEO, "/leaderboard all")  # Bob's points came along
    (board,) = await fake.wait_for_call("sendMessage", in_chat(NEW, "Leaderboard"))
    assert "1. Bob" in board["text"]

    clock.current += timedelta(days=1)  # the open post's reveal now comes in the new chat
    fire_now(planner, job("reveal", NEW))
    (reveal,) = await fake.wait_for_call("sendMessage", in_chat(NEW, "Answer time"))
    assert "1 answer(s)" in reveal["text"]
    assert fake.bot_messages(OLD, "Answer time") == []


async def test_a_send_refused_as_migrated_moves_the_chat_and_goes_to_the_new_id(
    fake: FakeTelegram, stack: tuple[StudyService, StudyScheduler], bank: Bank
) -> None:
    service, planner = stack
    fake.add_chat(OLD, "group", "ML prep")
    fake.membership(OLD, "left", "member", ADMIN)
    await until_jobs(planner, True, job("daily", OLD))
    fake.upgrade(OLD, NEW, ADMIN, announce=False)  # the bot missed the service messages

    fire_now(planner, job("daily", OLD))
    (post,) = await fake.wait_for_call("sendMessage", in_chat(NEW, "Question of the day"))
    await until_jobs(planner, True, job("daily", NEW))

    refused = fake.sent("sendMessage", OLD)
    assert len(refused) == 1  # tried once at the old id, then sent to the new one
    assert fake.bot_messages(OLD) == []
    assert set(await chats(service)) == {str(NEW)}
    assert job("daily", OLD) not in planner.job_ids()
    assert job("reveal", NEW) in planner.job_ids()  # the new post's reveal is planned there

    # The post was stored as delivered with the new chat's message id: replies are answers.
    (posted,) = fake.bot_messages(NEW, "Question of the day")
    question = next(q for q in bank.questions if q.prompt[:30] in post["text"])
    fake.message(NEW, BOB, question.reference, reply_to=int(posted["message_id"]))
    (ack,) = await fake.wait_for_call("sendMessage", in_chat(NEW, "/100"))
    assert "Bob" in ack["text"]


async def test_moving_twice_or_onto_a_chat_with_history_changes_nothing(
    service: StudyService, bank: Bank
) -> None:
    now = datetime.now(UTC)
    busy = ChatRef("telegram", str(NEW), title="Busy")
    await service.chat_seen(OLD_CHAT)
    await service.chat_seen(busy)
    async with service.core.db.write() as store:
        record = await store.chats.get_chat("telegram", str(NEW))
        question_id = first_question(bank).id
        await store.posts.add_post(record.id, question_id, "daily", now.date(), now, now)

    assert await service.chat_moved(OLD_CHAT, busy) is False  # both kept as they were
    assert set(await chats(service)) == {str(OLD), str(NEW)}

    fresh = ChatRef("telegram", "-1009")
    await service.chat_seen(fresh)  # seen, but nothing happened there yet: replaced
    assert await service.chat_moved(OLD_CHAT, fresh) is True
    assert await service.chat_moved(OLD_CHAT, fresh) is False  # already moved
    assert set(await chats(service)) == {"-1009", str(NEW)}
