"""The scheduler's own pushes through the real adapter: the daily post at the chat's time, the
reveal when the window closes, a member's data deleted on request, and a chat that blocked the
bot paused (data kept, jobs removed) until it comes back. Real APScheduler, PTB, core, SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter, create_adapter
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from bot.grading import EmbeddingGrader
from content.bank import Bank
from storage import Database
from tests.adapters.telegram.conftest import FAST, settings_for
from tests.adapters.telegram.fake_api import WAIT_SECONDS, FakeTelegram, Params, blocked, member
from tests.adapters.telegram.test_daily_flow import ADMIN, BOB, CLEO, GROUP

DAILY = f"daily:telegram:{GROUP}"
REVEAL = f"reveal:telegram:{GROUP}"
GRACE = member(55, "Grace")
GRACE_DAILY = f"daily:telegram:{GRACE['id']}"


class ManualClock:
    """The core's clock, moved by hand; APScheduler keeps real time, and jobs are fired now."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def scheduler(
    fake: FakeTelegram,
    database: Database,
    bank: Bank,
    grader: EmbeddingGrader,
    clock: ManualClock,
    tmp_path: Path,
) -> AsyncIterator[tuple[StudyService, StudyScheduler]]:
    service = StudyService(database, bank, grader, clock)
    adapter: TelegramAdapter = create_adapter(settings_for(fake, tmp_path), service, FAST)
    service.register_outbox(adapter.platform, adapter.outbox)
    await adapter.start()
    planner = StudyScheduler(service)
    await planner.start()
    yield service, planner
    await adapter.stop()
    planner.shutdown()


def fire_now(planner: StudyScheduler, job_id: str) -> None:
    job = planner.scheduler.get_job(job_id)
    assert job is not None, f"no job {job_id}; jobs: {sorted(planner.job_ids())}"
    job.modify(next_run_time=datetime.now(UTC))
    planner.scheduler.wakeup()


def in_chat(chat_id: int, text: str) -> object:
    return lambda p: p["chat_id"] == chat_id and text in p.get("text", "")


async def until_jobs(planner: StudyScheduler, present: bool, job: str) -> None:
    """Wait (bounded) until `job` is or is not planned."""
    async with asyncio.timeout(WAIT_SECONDS):
        while (job in planner.job_ids()) is not present:  # noqa: ASYNC110 - no event to wait on
            await asyncio.sleep(0.005)


async def test_scheduled_post_answers_reveal_at_window_close_and_leaderboard(
    fake: FakeTelegram,
    scheduler: tuple[StudyService, StudyScheduler],
    clock: ManualClock,
    bank: Bank,
) -> None:
    _service, planner = scheduler
    fake.add_chat(GROUP, title="ML prep")
    fake.membership(GROUP, "left", "member", ADMIN)  # the bot is added to the group
    await until_jobs(planner, True, DAILY)

    fire_now(planner, DAILY)
    (raw,) = await fake.wait_for_call("sendMessage", in_chat(GROUP, "Question of the day"))
    assert raw["parse_mode"] == "HTML"
    assert "Reply to this message" in raw["text"]
    (post,) = fake.bot_messages(GROUP, "Question of the day")
    question = next(q for q in bank.questions if q.prompt in post["text"])

    fake.message(GROUP, BOB, question.reference, reply_to=post["message_id"])
    fake.message(GROUP, CLEO, "/answer no idea at all")
    acks = await fake.wait_for_call("sendMessage", in_chat(GROUP, "/100"), count=2)
    assert any("Bob" in ack["text"] for ack in acks)
    assert any("Cleo" in ack["text"] for ack in acks)
    for ack in acks:
        assert question.reference[:40] not in ack["text"]
    # Answers before the window closes never see the model answer.
    assert not [p for p in fake.sent("sendMessage", GROUP) if "Model answer" in p["text"]]
    assert REVEAL in planner.job_ids()

    clock.current += timedelta(days=1)  # past any window
    fire_now(planner, REVEAL)
    (reveal,) = await fake.wait_for_call("sendMessage", in_chat(GROUP, "Answer time"))
    assert "Model answer" in reveal["text"]
    assert "2 answer(s)" in reveal["text"]

    fake.message(GROUP, CLEO, "/answer too late now")  # graded for practice only
    (late,) = await fake.wait_for_call("sendMessage", in_chat(GROUP, "not counted"))
    assert "Cleo" in late["text"]
    fake.message(GROUP, CLEO, "/leaderboard all")
    (board,) = await fake.wait_for_call("sendMessage", in_chat(GROUP, "Leaderboard"))
    assert board["text"].index("1. Bob") < board["text"].index("Cleo")


async def test_blocked_private_chat_is_paused_then_resumed(
    fake: FakeTelegram, scheduler: tuple[StudyService, StudyScheduler]
) -> None:
    service, planner = scheduler
    chat_id = int(GRACE["id"])
    fake.message(chat_id, GRACE, "/start")  # solo study in a private chat
    await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == chat_id)
    await until_jobs(planner, True, GRACE_DAILY)

    fake.fail("sendMessage", blocked(chat_id=chat_id))
    fire_now(planner, GRACE_DAILY)
    await until_jobs(planner, False, GRACE_DAILY)
    assert await _active(service, chat_id) is False
    assert fake.bot_messages(chat_id, "Question of the day") == []
    tries = len(fake.sent("sendMessage", chat_id))

    # Telegram tells the bot about the block too; a second "gone" changes nothing.
    fake.membership(chat_id, "member", "kicked", GRACE)
    fake.message(GROUP, CLEO, "/help")  # a later update: the block has been handled by then
    await fake.wait_for_call("sendMessage", in_chat(GROUP, "Commands"))
    assert len(fake.sent("sendMessage", chat_id)) == tries
    assert GRACE_DAILY not in planner.job_ids()

    fake.membership(chat_id, "kicked", "member", GRACE)  # unblocked
    await until_jobs(planner, True, GRACE_DAILY)
    assert await _active(service, chat_id) is True
    fire_now(planner, GRACE_DAILY)
    await fake.wait_for_call("sendMessage", in_chat(chat_id, "Question of the day"))


async def test_forgetme_deletes_the_members_scores(
    fake: FakeTelegram, scheduler: tuple[StudyService, StudyScheduler]
) -> None:
    _service, planner = scheduler
    fake.add_chat(GROUP, title="ML prep")
    fake.membership(GROUP, "left", "member", ADMIN)
    await until_jobs(planner, True, DAILY)
    fire_now(planner, DAILY)
    await fake.wait_for_call("sendMessage", in_chat(GROUP, "Question of the day"))
    fake.message(GROUP, BOB, "/answer gradients flow backwards through the layers")
    fake.message(GROUP, CLEO, "/answer weights are updated")
    await fake.wait_for_call("sendMessage", in_chat(GROUP, "/100"), count=2)

    fake.message(GROUP, BOB, "/forgetme")
    (ask,) = await fake.wait_for_call("sendMessage", in_chat(GROUP, "deletes your answers"))
    (asked,) = fake.bot_messages(GROUP, "deletes your answers")
    fake.callback(GROUP, BOB, _button(ask, "Cancel"), asked["message_id"])
    (cancelled,) = await fake.wait_for_call("answerCallbackQuery")
    assert "Nothing was deleted" in cancelled["text"]
    assert sorted(await _board_names(fake)) == ["Bob", "Cleo"]

    fake.message(GROUP, BOB, "/forgetme")
    asks = await fake.wait_for_call("sendMessage", in_chat(GROUP, "deletes your answers"), 2)
    asked = fake.bot_messages(GROUP, "deletes your answers")[-1]
    fake.callback(GROUP, BOB, _button(asks[-1], "Yes"), asked["message_id"])
    await fake.wait_for_call("sendMessage", in_chat(GROUP, "deleted everything"))
    assert await _board_names(fake) == ["Cleo"]


def _button(sent: Params, label: str) -> str:
    row = sent["reply_markup"]["inline_keyboard"][0]
    data: str = next(b["callback_data"] for b in row if b["text"].startswith(label))
    assert len(data.encode()) <= 64
    return data


async def _board_names(fake: FakeTelegram) -> list[str]:
    shown = len(fake.sent("sendMessage", GROUP))
    fake.message(GROUP, CLEO, "/leaderboard all")
    boards = await fake.wait_for_call(
        "sendMessage", in_chat(GROUP, "Leaderboard"), count=_count_boards(fake) + 1
    )
    assert len(fake.sent("sendMessage", GROUP)) > shown
    board = boards[-1]
    rows = board["text"].split("\n")[2:]
    return [row.split(". ", 1)[1].split(":", 1)[0] for row in rows if ". " in row]


def _count_boards(fake: FakeTelegram) -> int:
    return len([p for p in fake.sent("sendMessage", GROUP) if "Leaderboard" in p["text"]])


async def _active(service: StudyService, chat_id: int) -> bool | None:
    for chat, _settings, active in await service.list_chats():
        if chat.chat_id == str(chat_id):
            return active
    return None
