"""The adapter inside the running bot: one event loop shared with Telegram and the scheduler,
the scheduled daily post, admin-only commands, and start-up that survives a failed sync."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import discord
import pytest

from bot import app
from bot.adapters.discord import DiscordAdapter
from bot.adapters.discord import client as client_module
from bot.config import ConfigError, Settings
from bot.core.commands import ShowSettings
from bot.core.refs import UserRef
from bot.core.replies import SettingsView
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService
from content.bank import Bank
from tests.adapters.discord.conftest import FAST_READY_S, make_adapter
from tests.adapters.discord.discord_payloads import (
    APP_ID,
    DAILY_CHANNEL_ID,
    GUILD_ID,
    TOKEN,
    WAIT_S,
)
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import (
    ADMIN,
    CHAT,
    MEMBER,
    answered,
    choose_daily_channel,
    custom_ids,
    is_ephemeral,
    texts,
)
from tests.adapters.telegram import fake_api as telegram_api
from tests.adapters.telegram.fake_api import FakeTelegram

T = TypeVar("T")
ADMIN_ONLY = ["daily", "reveal", "skip", "settings"]
ADMIN_REF = UserRef("discord", str(ADMIN["user_id"]), "Ada")


def refuse_run(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError("client.run takes the event loop over; the bot must never call it")


async def eventually(probe: Callable[[], T | None]) -> T:
    """`probe()` once it is not None: the core records the delivery just after the post."""
    for _ in range(int(WAIT_S / 0.01)):
        if (value := probe()) is not None:
            return value
        await asyncio.sleep(0.01)
    raise TimeoutError("the value never came")


@pytest.fixture
async def scheduler(service: StudyService) -> AsyncIterator[StudyScheduler]:
    running = StudyScheduler(service)
    await running.start()
    yield running
    running.shutdown()


async def test_a_scheduled_daily_post_lands_in_the_channel(
    fake: FakeDiscord, service: StudyService, scheduler: StudyScheduler
) -> None:
    adapter = make_adapter(service)
    await adapter.start()
    try:
        await choose_daily_channel(fake)
        job = f"daily:discord:{GUILD_ID}"
        assert job in scheduler.job_ids()
        assert not fake.channel_posts(DAILY_CHANNEL_ID)

        planned = scheduler.scheduler.get_job(job)
        assert planned is not None
        planned.modify(next_run_time=datetime.now(UTC))  # the real job, fired now
        scheduler.scheduler.wakeup()
        (post,) = await fake.wait_for(lambda: fake.channel_posts(DAILY_CHANNEL_ID))

        (embed,) = post.body["embeds"]
        assert embed["title"].startswith("Question of the day")
        assert custom_ids(post.response)[0].startswith("studybot:answer:")
        next_run = scheduler.next_run(job)
        assert next_run is not None and next_run > datetime.now(UTC)
        # The reveal is planned for the moment the answer window closes.
        reveal = await eventually(lambda: scheduler.next_run(f"reveal:discord:{GUILD_ID}"))
        assert reveal > datetime.now(UTC)
    finally:
        await adapter.stop()


async def test_studybot_run_serves_discord_and_telegram_in_one_loop(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(client_module, "GUILD_READY_TIMEOUT_S", FAST_READY_S)
    monkeypatch.setattr(discord.Client, "run", refuse_run)
    telegram = FakeTelegram()
    telegram.max_poll_seconds = 0.2
    await telegram.start()
    settings = Settings(
        database=tmp_path / "both.db",
        discord_token=TOKEN,
        telegram_token=telegram_api.TOKEN,
        telegram_api_url=telegram.base_url,
    )
    run = asyncio.create_task(app.run_platforms(settings))
    try:
        await fake.wait_for(lambda: fake.command_ids)
        token = await fake.slash("help", **MEMBER)
        (discord_help,) = await answered(fake, token)
        assert "/leaderboard" in texts(discord_help.body)

        telegram.message(42, telegram_api.member(42, "Grace"), "/help")
        (telegram_help,) = await telegram.wait_for_call("sendMessage", lambda p: p["chat_id"] == 42)
        assert "/leaderboard" in telegram_help["text"]

        assert not run.done()
        os.kill(os.getpid(), signal.SIGTERM)
        async with asyncio.timeout(5):
            assert await run == 0
        await fake.wait_for(lambda: fake.gateway_connections == 0)
    finally:
        if not run.done():
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)
        await telegram.close()


@pytest.mark.parametrize("name", ADMIN_ONLY)
async def test_members_without_manage_server_are_refused_admin_commands(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService, name: str
) -> None:
    token = await fake.slash(name, **MEMBER)
    (refusal,) = await fake.wait_for(lambda: fake.interaction_calls(token))
    assert refusal.body["type"] == 4
    assert refusal.body["data"]["flags"] & 64
    assert "admins" in refusal.body["data"]["content"]
    assert not fake.find("POST", r"/channels/\d+/messages")


async def test_daily_posts_the_question_an_admin_picks(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService, bank: Bank
) -> None:
    await choose_daily_channel(fake)
    question = bank.by_topic(bank.topics()[0])[-1]
    token = await fake.slash(
        "daily", [{"name": "question", "type": 3, "value": question.id}], **ADMIN
    )
    (notice,) = await answered(fake, token)
    assert is_ephemeral(notice)
    assert question.id in notice.body["content"]
    (post,) = fake.channel_posts(DAILY_CHANNEL_ID)
    assert post.body["embeds"][0]["footer"]["text"].startswith(f"{question.id} · ")


async def test_daily_with_words_that_match_nothing_changes_nothing(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await choose_daily_channel(fake)
    words = {"name": "question", "type": 3, "value": "zzqx wvvq"}
    token = await fake.slash("daily", [words], **ADMIN)
    (refusal,) = await answered(fake, token)
    assert is_ephemeral(refusal)
    assert "No question matches" in refusal.body["content"]
    assert not fake.channel_posts(DAILY_CHANNEL_ID)


async def test_a_failed_command_sync_is_logged_and_the_bot_keeps_running(
    fake: FakeDiscord, service: StudyService, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("PUT", rf"/applications/{APP_ID}/commands", 403)
    adapter = make_adapter(service)
    with caplog.at_level(logging.ERROR):
        await adapter.start()
    try:
        assert "could not sync the slash commands" in caplog.text
        assert TOKEN not in caplog.text
        # Discord keeps the commands of the last sync, and they still reach the bot.
        token = await fake.slash("help", **MEMBER)
        assert await answered(fake, token)
    finally:
        await adapter.stop()


async def test_settings_changed_through_discord_reach_the_core(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    options = [
        {"name": "time", "type": 3, "value": "07:45"},
        {"name": "timezone", "type": 3, "value": "Europe/Berlin"},
        {"name": "window", "type": 4, "value": 6},
        {"name": "pause", "type": 5, "value": True},
    ]
    token = await fake.slash("settings", options, **ADMIN)
    saved, _ = await answered(fake, token, 2)
    assert is_ephemeral(saved)
    (view,) = await service.handle(ShowSettings(CHAT, ADMIN_REF, is_admin=True))
    assert isinstance(view, SettingsView)
    assert (view.post_time, view.timezone, view.window_hours, view.paused) == (
        "07:45",
        "Europe/Berlin",
        6,
        True,
    )


async def test_a_bad_time_is_refused_and_changes_nothing(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    token = await fake.slash("settings", [{"name": "time", "type": 3, "value": "25:61"}], **ADMIN)
    (refusal,) = await answered(fake, token)
    assert is_ephemeral(refusal)
    (view,) = await service.handle(ShowSettings(CHAT, ADMIN_REF, is_admin=True))
    assert isinstance(view, SettingsView)
    assert view.post_time == "09:00"


async def test_help_lists_what_each_member_can_use_in_discords_syntax(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    (member_help,) = await answered(fake, await fake.slash("help", **MEMBER))
    (admin_help,) = await answered(fake, await fake.slash("help", **ADMIN))
    shown = texts(member_help.body)
    assert "/answer - answer the open question in a form" in shown
    assert "/daily" not in shown and "/settings" not in shown
    assert "/settings [channel] [time]" in texts(admin_help.body)


async def test_a_rejected_discord_token_stops_studybot_run_with_a_config_error(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    telegram = FakeTelegram()
    telegram.max_poll_seconds = 0.2
    await telegram.start()
    wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.wrong0.c29tZS1vdGhlci1zZWNyZXQtdG9rZW4"
    settings = Settings(
        database=tmp_path / "bad.db",
        discord_token=wrong,
        telegram_token=telegram_api.TOKEN,
        telegram_api_url=telegram.base_url,
    )
    before = set(asyncio.all_tasks())
    try:
        async with asyncio.timeout(5):
            with pytest.raises(ConfigError, match="STUDYBOT_DISCORD_TOKEN") as failure:
                await app.run_platforms(settings)
        assert wrong not in str(failure.value)
        assert telegram.sent("getMe")  # Telegram had started, and was stopped again
        left = {task for task in set(asyncio.all_tasks()) - before if not task.done()}
        assert not left
    finally:
        await telegram.close()
