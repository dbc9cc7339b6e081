"""Start-up, command menu, addressing, shutdown and the token staying out of logs."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.error import InvalidToken
from telegram.warnings import PTBUserWarning

from bot.adapters.telegram import TelegramAdapter, create_adapter
from bot.adapters.telegram.adapter import file_url
from bot.app import create_adapters
from bot.config import load_settings
from bot.core.service import StudyService
from tests.adapters.telegram.conftest import FAST, settings_for
from tests.adapters.telegram.fake_api import BOT_USER, TOKEN, Failure, FakeTelegram, member

GROUP = -100123
ADMIN = member(11, "Ada")
SPEC_COMMANDS = {
    "start",
    "help",
    "daily",
    "answer",
    "reveal",
    "quiz",
    "leaderboard",
    "stats",
    "settings",
    "skip",
    "forgetme",
}


async def test_start_registers_the_command_menu(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    (menu,) = fake.sent("setMyCommands")
    assert {entry["command"] for entry in menu["commands"]} == SPEC_COMMANDS
    assert all(entry["description"] for entry in menu["commands"])
    methods = [call.method for call in fake.calls]
    assert methods.index("getMe") < methods.index("setMyCommands")
    with pytest.warns(PTBUserWarning, match="No `JobQueue`"):
        assert adapter.application.job_queue is None  # the bot's scheduler is the only one


async def test_environment_picks_the_token_and_the_bot_api_url(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> None:
    environ = {
        "STUDYBOT_TELEGRAM_TOKEN": TOKEN,
        "STUDYBOT_TELEGRAM_API_URL": fake.base_url,
        "STUDYBOT_DATABASE": str(tmp_path / "studybot.db"),
    }
    settings = load_settings(environ, env_file=None)
    (running,) = create_adapters(settings, service)
    assert isinstance(running, TelegramAdapter)
    await running.start()
    try:
        assert running.application.bot.username == BOT_USER["username"]  # getMe on the fake
        assert running.application.bot.base_url == f"{fake.base_url}{TOKEN}"
        assert running.application.updater is not None and running.application.updater.running
    finally:
        await running.stop()


async def test_help_answers_in_a_private_chat(fake: FakeTelegram, adapter: TelegramAdapter) -> None:
    fake.message(42, member(42, "Grace"), "/help")
    (reply,) = await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == 42)
    assert "/answer" in reply["text"]
    assert "/daily" in reply["text"]  # the member is admin of their own private chat
    assert reply["parse_mode"] == "HTML"


async def test_unknown_command_in_a_private_chat_gets_the_help(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    fake.message(42, member(42, "Grace"), "/scores")
    (reply,) = await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == 42)
    assert "Commands:" in reply["text"]


async def test_command_for_another_bot_is_ignored(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    fake.add_chat(GROUP, title="ML study")
    fake.set_status(GROUP, ADMIN["id"], "creator")
    fake.message(GROUP, ADMIN, "/daily@otherbot")
    fake.message(GROUP, ADMIN, "/help@studybot_test")
    await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == GROUP)
    await asyncio.sleep(0.1)
    texts = [p["text"] for p in fake.sent("sendMessage", GROUP)]
    assert len(texts) == 1
    assert "Commands:" in texts[0]
    assert "Question of the day" not in texts[0]


async def test_stop_returns_promptly_during_a_long_poll(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> None:
    fake.max_poll_seconds = 60.0
    running = create_adapter(settings_for(fake, tmp_path), service, replace(FAST, poll_timeout=30))
    await running.start()
    await fake.wait_for(lambda f: f.polls_in_flight > 0)
    async with asyncio.timeout(5):
        await running.stop()
    await fake.close()
    await asyncio.sleep(0)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert others == []
    assert not running.application.running


async def test_token_never_reaches_the_log(
    fake: FakeTelegram, service: StudyService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    running = create_adapter(settings_for(fake, tmp_path), service, FAST)
    await running.start()
    fake.message(42, member(42, "Grace"), "/help")
    await fake.wait_for_call("sendMessage")
    await running.stop()
    assert caplog.records, "the adapter logged nothing at DEBUG, so this check proves nothing"
    logged = "\n".join(caplog.text.splitlines())
    assert TOKEN not in logged
    assert TOKEN.split(":")[1] not in logged


def test_file_url_follows_the_api_url() -> None:
    assert file_url("http://localhost:8081/bot") == "http://localhost:8081/file/bot"
    assert file_url("https://example.org/tg/bot") == "https://example.org/tg/file/bot"


async def test_rejected_token_fails_start_and_leaves_nothing_running(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> None:
    fake.fail("getMe", Failure(401, "Unauthorized"))
    running = create_adapter(settings_for(fake, tmp_path), service, FAST)
    with pytest.raises(InvalidToken):
        await running.start()
    assert not running.application.running
    await running.stop()  # stopping again is harmless
    await fake.close()
    await asyncio.sleep(0)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert others == []
