"""Flood limits, retries, and chats that are gone, against the fake Bot API with PTB's real Bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Bot, Message
from telegram.error import NetworkError

from bot.adapters.telegram import TelegramAdapter, create_adapter
from bot.adapters.telegram.delivery import Courier, RetryPolicy
from bot.adapters.telegram.flood import FloodControl, FloodLimits, Limit
from bot.core.ports import ChatUnavailable
from bot.core.refs import ChatRef
from bot.core.replies import Notice
from bot.core.service import StudyService
from tests.adapters.telegram.conftest import FAST, settings_for
from tests.adapters.telegram.fake_api import (
    TOKEN,
    Failure,
    FakeTelegram,
    blocked,
    dropped_connection,
    member,
    server_error,
    too_many_requests,
)

GROUP = -1009999
POLICY = RetryPolicy(network_attempts=3, base_delay=0.01, max_delay=0.02)


class RecordedSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as connected:
        yield connected


def courier(sleep: RecordedSleep) -> Courier:
    return Courier(FloodControl(FloodLimits().scaled(0.001)), POLICY, sleep=sleep)


async def send(courier: Courier, bot: Bot, chat_id: int = GROUP) -> Message:
    return await courier.call(chat_id, lambda: bot.send_message(chat_id, "hello"))


async def test_429_waits_retry_after_then_delivers_once(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail("sendMessage", too_many_requests(retry_after=3))
    sleep = RecordedSleep()
    message = await send(courier(sleep), bot)
    assert sleep.waits == [3.0]
    assert len(fake.sent("sendMessage")) == 2
    assert fake.bot_messages(GROUP) == [fake.messages[(GROUP, message.message_id)]]


async def test_server_errors_retry_with_growing_backoff(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail("sendMessage", server_error(), times=2)
    sleep = RecordedSleep()
    await send(courier(sleep), bot)
    assert sleep.waits == [0.01, 0.02]
    assert len(fake.bot_messages(GROUP)) == 1


async def test_a_dropped_connection_is_retried(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail("sendMessage", dropped_connection())
    sleep = RecordedSleep()
    await send(courier(sleep), bot)
    assert sleep.waits == [0.01]
    assert len(fake.sent("sendMessage")) == 2
    assert len(fake.bot_messages(GROUP)) == 1


async def test_retries_are_bounded(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail("sendMessage", server_error(), times=5)
    sleep = RecordedSleep()
    with pytest.raises(NetworkError):
        await send(courier(sleep), bot)
    assert len(fake.sent("sendMessage")) == POLICY.network_attempts
    assert fake.bot_messages(GROUP) == []


@pytest.mark.parametrize(
    "failure",
    [
        blocked(),
        Failure(403, "Forbidden: bot was kicked from the supergroup chat"),
        Failure(400, "Bad Request: chat not found"),
    ],
    ids=["blocked", "kicked", "chat-not-found"],
)
async def test_gone_chats_raise_chat_unavailable_without_retrying(
    fake: FakeTelegram, bot: Bot, failure: Failure
) -> None:
    fake.fail("sendMessage", failure)
    with pytest.raises(ChatUnavailable):
        await send(courier(RecordedSleep()), bot)
    assert len(fake.sent("sendMessage")) == 1


async def test_429_on_a_reply_is_retried_and_delivered_once(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    fake.fail("sendMessage", too_many_requests(retry_after=1))
    fake.message(42, member(42, "Grace"), "/help")
    await fake.wait_for(lambda f: len(f.bot_messages(42)) == 1)
    assert len(fake.sent("sendMessage", 42)) == 2
    assert "Commands:" in fake.bot_messages(42)[0]["text"]
    refused, accepted = fake.times("sendMessage", 42)
    # The test options cap the 1 s `retry_after` at FAST's quarter second.
    assert accepted - refused >= FAST.retry.max_flood_wait


async def test_a_chat_waiting_out_a_flood_limit_does_not_hold_up_others(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> None:
    patient = replace(FAST, retry=replace(FAST.retry, max_flood_wait=RetryPolicy().max_flood_wait))
    running = create_adapter(settings_for(fake, tmp_path), service, patient)
    await running.start()
    try:
        fake.fail("sendMessage", too_many_requests(retry_after=1, chat_id=GROUP))
        fake.message(GROUP, member(7, "Ann"), "/leaderboard")
        await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == GROUP)
        fake.message(42, member(42, "Grace"), "/help")
        await fake.wait_for(lambda f: len(f.bot_messages(42)) == 1)
        assert fake.bot_messages(GROUP) == []  # the group's answer is still waiting
        await fake.wait_for(lambda f: len(f.bot_messages(GROUP)) == 1)
        refused, accepted = fake.times("sendMessage", GROUP)
        assert accepted - refused >= 1.0  # the full `retry_after`
    finally:
        await running.stop()


async def test_blocked_chat_is_marked_inactive_on_the_daily_post(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService
) -> None:
    chat = ChatRef("telegram", str(GROUP), title="Study")
    await service.chat_seen(chat)
    fake.fail("sendMessage", blocked(chat_id=GROUP))
    await service.run_daily(chat)
    assert fake.bot_messages(GROUP) == []
    assert [active for ref, _, active in await service.list_chats() if ref == chat] == [False]
    await service.run_daily(chat)  # the next day: the paused chat is not tried again
    assert len(fake.sent("sendMessage", GROUP)) == 1


async def test_unexpected_failure_is_logged_answered_and_survived(
    fake: FakeTelegram, adapter: TelegramAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("sendMessage", Failure(400, "Bad Request: can't parse entities"))
    fake.message(42, member(42, "Grace"), "/stats")
    (apology,) = await fake.wait_for_call("sendMessage", lambda p: "Sorry" in p["text"])
    assert apology["chat_id"] == 42
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("chat 42" in r.getMessage() and "user 42" in r.getMessage() for r in errors)
    fake.message(42, member(42, "Grace"), "/help")
    await fake.wait_for_call("sendMessage", lambda p: "Commands:" in p["text"])


# Small limits with short windows: the real limiter, measured where the requests land.
FAN_OUT = replace(
    FAST,
    flood=FloodLimits(overall=Limit(4, 0.4), group=Limit(2, 0.8), private=Limit(2, 0.8)),
)


# Request jitter on a loaded 2-core machine reaches tens of milliseconds: the windows are wide
# enough that a margin of this size still tells a limiter from none.
JITTER = 0.15


def most_in_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


async def test_fan_out_through_the_outbox_stays_within_flood_limits(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> None:
    running = create_adapter(settings_for(fake, tmp_path), service, FAN_OUT)
    await running.start()
    chats = [ChatRef("telegram", str(-1000 - n)) for n in range(12)]
    busy = ChatRef("telegram", "-2000")
    notice = Notice("forgetme.nothing")
    try:
        sends = [running.outbox.send(busy, notice) for _ in range(6)]
        sends += [running.outbox.send(chat, notice) for chat in chats]
        async with asyncio.timeout(10):
            ids = await asyncio.gather(*sends)
    finally:
        await running.stop()
    assert all(ids) and len(set(ids)) == 18
    overall = fake.times("sendMessage")
    assert len(overall) == 18
    # Windows a little short leave room for request jitter; without the limiter all 18 land
    # at once, and a group's slots stamped too early let its messages land in bursts.
    assert most_in_window(overall, 0.4 - JITTER) <= 4
    assert overall[-1] - overall[0] >= 0.4 * 3
    in_busy = fake.times("sendMessage", int(busy.chat_id))
    assert most_in_window(in_busy, 0.8 - JITTER) <= 2
    assert in_busy[-1] - in_busy[0] >= 0.8 * 2
