"""Graceful shutdown of a real `studybot run` process: SIGTERM or SIGINT stops intake, lets the
answer being graded finish, stops the scheduler, closes the database and exits 0 promptly."""

from __future__ import annotations

import io
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.export import export_answers
from tests.adapters.telegram.fake_api import TOKEN, FakeTelegram, member
from tests.ops.botprocess import BotProcess

ANSWER = "Deep learning powers computer vision, speech recognition and machine translation."
EXIT_WITHIN_S = 5.0
GROUP = -100777


async def answers_in(database: Path) -> list[list[str]]:
    out = io.StringIO()
    await export_answers(database, out)
    return [line.split(",") for line in out.getvalue().splitlines()[1:]]


def in_order(bot: BotProcess, *messages: str) -> bool:
    seen = [event["msg"] for event in bot.events]
    positions = [seen.index(message) for message in messages]
    return positions == sorted(positions)


@pytest.fixture
async def bots() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        await bot.kill()
        print("\n".join(bot.stderr[-40:]))  # shown when the test fails


async def test_console_bot_stops_cleanly_on_sigint_with_an_answer_in_flight(
    tmp_path: Path, bots: list[BotProcess]
) -> None:
    signum = signal.SIGINT  # Ctrl-C; the Telegram test below sends SIGTERM
    database, beat = tmp_path / "studybot.db", tmp_path / "heartbeat"
    bot = await BotProcess.start(
        tmp_path, STUDYBOT_DATABASE=str(database), STUDYBOT_HEARTBEAT_FILE=str(beat)
    )
    bots.append(bot)
    await bot.wait_for("ready")
    await bot.say("ada: /daily")
    await bot.wait_for("command done", command="PostDaily")
    assert time.time() - beat.stat().st_mtime < 60  # touched by the running loop
    await bot.say(f"bob: /answer {ANSWER}")
    await bot.wait_for("command started", command="SubmitAnswer")
    bot.process.send_signal(signum)  # stdin stays open: only the signal can stop it
    sent = time.monotonic()
    assert await bot.exit_code(within=10) == 0
    assert time.monotonic() - sent < EXIT_WITHIN_S
    assert bot.find("stop requested", signal=signum.name)
    assert in_order(bot, "stop requested", "scheduler stopped", "database closed")
    assert any(line.startswith("bot: bob:") for line in bot.stdout)  # the member saw the grade
    [row] = await answers_in(database)
    assert row[4] == "bob"


async def test_telegram_bot_stops_cleanly_on_sigterm(
    tmp_path: Path, bots: list[BotProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeTelegram()
    await fake.start()
    try:
        await _telegram_run(fake, tmp_path, bots)
    finally:
        await fake.close()


async def _telegram_run(fake: FakeTelegram, tmp_path: Path, bots: list[BotProcess]) -> None:
    database = tmp_path / "studybot.db"
    admin, bob = member(11, "Ada"), member(12, "Bob")
    fake.add_chat(GROUP, title="ML study")
    fake.set_status(GROUP, admin["id"], "creator")
    bot = await BotProcess.start(
        tmp_path,
        STUDYBOT_DATABASE=str(database),
        STUDYBOT_TELEGRAM_TOKEN=TOKEN,
        STUDYBOT_TELEGRAM_API_URL=fake.base_url,
    )
    bots.append(bot)
    await bot.wait_for("ready")
    fake.message(GROUP, admin, "/daily")
    await bot.wait_for("command done", command="PostDaily")
    fake.message(GROUP, bob, f"/answer {ANSWER}")
    await bot.wait_for("command started", command="SubmitAnswer")
    bot.process.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    assert await bot.exit_code(within=10) == 0
    assert time.monotonic() - sent < EXIT_WITHIN_S
    assert in_order(
        bot, "stop requested", "adapter stopped", "scheduler stopped", "database closed"
    )
    [row] = await answers_in(database)
    assert (row[0], row[1], row[4]) == ("telegram", str(GROUP), "Bob")
    assert TOKEN not in "\n".join(bot.stderr)
