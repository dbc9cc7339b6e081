"""Start-up, command sync, intents and shutdown of the real discord.py client."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import pytest

from bot.adapters.discord import DiscordAdapter, create_adapter
from bot.config import ConfigError, Settings
from bot.core.ports import ChatUnavailable
from bot.core.replies import Notice
from bot.core.service import StudyService
from tests.adapters.discord.conftest import make_adapter
from tests.adapters.discord.discord_payloads import APP_ID, GUILD_ID, MANAGE_GUILD, TOKEN
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import CHAT, MEMBER, answered

COMMAND_NAMES = {
    "daily",
    "answer",
    "reveal",
    "skip",
    "quiz",
    "leaderboard",
    "stats",
    "settings",
    "forgetme",
    "help",
}


async def test_start_logs_in_and_syncs_every_command(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    synced = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    assert len(synced) == 1
    commands = {command["name"]: command for command in synced[0].body}
    assert set(commands) == COMMAND_NAMES
    admin_only = {"daily", "reveal", "skip", "settings"}
    for name in admin_only:
        assert int(commands[name]["default_member_permissions"]) == MANAGE_GUILD
    for command in commands.values():
        assert command["contexts"] == [0], command["name"]
    assert adapter.client.is_ready()
    everyone = {"answer", "quiz", "leaderboard", "stats", "forgetme", "help"}
    for name in everyone:
        assert commands[name].get("default_member_permissions") is None


async def test_only_the_guilds_intent_is_requested(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    # 1 is GUILDS; no members, presences or message content (all privileged).
    assert fake.identify["intents"] == 1
    mentions = adapter.client.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict()["parse"] == []


def other_tasks() -> set[asyncio.Task[object]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def test_stop_closes_everything_it_started(fake: FakeDiscord, service: StudyService) -> None:
    before = other_tasks()
    adapter = make_adapter(service)
    await adapter.start()
    assert other_tasks() - before  # the gateway connection runs in the background
    assert fake.gateway_connections == 1
    await adapter.stop()
    await asyncio.sleep(0)
    assert adapter.client.is_closed()
    await fake.wait_for(lambda: fake.gateway_connections == 0)
    left = {task for task in other_tasks() - before if not task.done()}
    assert not left


async def test_a_bad_token_fails_fast_with_a_clear_message(
    fake: FakeDiscord, service: StudyService
) -> None:
    wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.wrong0.c29tZS1vdGhlci1zZWNyZXQtdG9rZW4"
    adapter = create_adapter(Settings(discord_token=wrong), service)
    with pytest.raises(discord.LoginFailure) as failure:
        await adapter.start()
    # `studybot run` reports configuration errors in one line and exits with status 2.
    assert isinstance(failure.value, ConfigError)
    assert "STUDYBOT_DISCORD_TOKEN" in str(failure.value)
    assert wrong not in str(failure.value)
    assert adapter.client.is_closed()
    assert not fake.find("PUT", rf"/applications/{APP_ID}/commands")


async def test_the_sharded_option_runs_an_auto_sharded_client(
    fake: FakeDiscord, service: StudyService
) -> None:
    adapter = create_adapter(
        Settings(discord_token=TOKEN, discord_sharded=True), service, guild_ready_timeout=0.05
    )
    assert isinstance(adapter.client, discord.AutoShardedClient)
    await adapter.start()
    try:
        assert fake.find("GET", r"/gateway/bot")
        assert fake.identify["shard"] == [0, 1]
        assert fake.find("PUT", rf"/applications/{APP_ID}/commands")
    finally:
        await adapter.stop()


async def test_a_server_that_removed_the_bot_is_unavailable(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await service.chat_seen(CHAT)
    removed = asyncio.ensure_future(adapter.client.wait_for("guild_remove", timeout=5))
    await fake.dispatch("GUILD_DELETE", {"id": str(GUILD_ID)})
    await removed
    with pytest.raises(ChatUnavailable):
        await adapter.outbox.send(CHAT, Notice("daily.posted", {"question_id": "x"}))
    assert await eventually_inactive(service)


async def eventually_inactive(service: StudyService) -> bool:
    for _ in range(500):
        (chat,) = await service.list_chats()
        if not chat[2]:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_gateway_that_never_gets_ready_fails_start_and_cleans_up(
    fake: FakeDiscord, service: StudyService
) -> None:
    fake.send_ready = False
    adapter = make_adapter(service, ready_timeout_s=0.2)
    with pytest.raises(TimeoutError):
        await adapter.start()
    assert adapter.client.is_closed()
    assert not fake.find("PUT", rf"/applications/{APP_ID}/commands")


async def test_servers_are_known_to_the_core_once_connected(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    chats = await eventually_listed(service)
    assert [(chat.chat_id, chat.title, active) for chat, _, active in chats] == [
        (str(GUILD_ID), "Study Group", True)
    ]


async def eventually_listed(service: StudyService) -> list[Any]:
    for _ in range(500):
        if chats := await service.list_chats():
            return chats
        await asyncio.sleep(0.01)
    return []


async def test_the_token_never_reaches_a_log_line_even_at_debug(
    fake: FakeDiscord, service: StudyService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        adapter = make_adapter(service)
        await adapter.start()
        try:
            await answered(fake, await fake.slash("help", **MEMBER))
        finally:
            await adapter.stop()
    assert any(record.name.startswith("discord.") for record in caplog.records)
    assert TOKEN not in caplog.text
    assert TOKEN.rsplit(".", 1)[-1] not in caplog.text  # the secret part alone, too
