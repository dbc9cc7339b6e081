"""`studybot doctor`: every problem printed with its fix, tokens never printed, exit 0 or 1."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.doctor import check_content
from bot.core.grading import Grader
from storage import Database
from tests.adapters.telegram.fake_api import TOKEN as TELEGRAM_TOKEN
from tests.core.conftest import CHAT
from tests.ops.conftest import posted_service

DISCORD_TOKEN = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gh7Kx2.pQ9rS3tU4vW5xY6zA7bC8dE9fG0hI1jK2lM3nO4"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment: no STUDYBOT_* variables, no .env, the database in tmp_path."""
    for name in list(os.environ):
        if name.startswith("STUDYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STUDYBOT_DATABASE", str(tmp_path / "studybot.db"))
    return tmp_path


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["doctor", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def make_database(path: Path, grader: Grader, timezone: str | None = None) -> None:
    db = await Database.open(path)
    try:
        await posted_service(db, grader)
        if timezone is not None:
            # As if the zone had been removed from tzdata since it was chosen.
            async with db.write() as store:
                chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
                await store.chats.set_chat_settings(
                    chat.id, {**chat.settings, "timezone": timezone}
                )
    finally:
        await db.close()


def test_a_healthy_deployment_passes(
    workdir: Path,
    grader: Grader,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(make_database(workdir / "studybot.db", grader))
    monkeypatch.setenv("STUDYBOT_TELEGRAM_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("STUDYBOT_DISCORD_TOKEN", DISCORD_TOKEN)
    code, output = doctor(capsys)
    assert code == 0, output
    assert "Telegram and Discord token set and well-formed" in output
    assert "schema version" in output and "integrity ok" in output
    assert "1 chat(s), every timezone and post time valid" in output
    assert "questions in" in output and "grading model: loaded" in output
    assert output.rstrip().endswith("All checks passed.")
    assert TELEGRAM_TOKEN not in output and DISCORD_TOKEN not in output


@pytest.mark.usefixtures("workdir")
def test_malformed_tokens_are_named_with_a_fix_and_never_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_telegram = TELEGRAM_TOKEN[:-1]  # one character short
    bad_discord = DISCORD_TOKEN.replace(".", "", 1)  # two parts
    monkeypatch.setenv("STUDYBOT_TELEGRAM_TOKEN", bad_telegram)
    monkeypatch.setenv("STUDYBOT_DISCORD_TOKEN", bad_discord)
    monkeypatch.setenv("STUDYBOT_LOG_FORMAT", "xml")
    code, output = doctor(capsys, "--quick")
    assert code == 1
    assert "FAIL  configuration: STUDYBOT_TELEGRAM_TOKEN" in output
    assert "FAIL  configuration: STUDYBOT_DISCORD_TOKEN" in output
    assert "FAIL  configuration: STUDYBOT_LOG_FORMAT" in output
    assert "@BotFather" in output and "Developer Portal" in output
    assert "3 problem(s) found." in output
    assert bad_telegram not in output and bad_discord not in output
    assert bad_telegram.split(":")[1][:20] not in output


def test_no_database_yet_is_fine_and_doctor_does_not_create_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = doctor(capsys, "--quick")
    assert code == 0, output
    assert "not created yet" in output
    assert "console chat" in output  # the note that no platform token is set
    assert not (workdir / "studybot.db").exists()


def test_an_invalid_chat_timezone_is_reported_with_the_chat(
    workdir: Path, grader: Grader, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(make_database(workdir / "studybot.db", grader, timezone="Mars/Olympus_Mons"))
    code, output = doctor(capsys)
    assert code == 1
    assert f"FAIL  chats: console chat {CHAT.chat_id}: the timezone 'Mars/Olympus_Mons'" in output
    assert "/settings timezone=" in output


def test_a_database_from_a_newer_studybot_fails(
    workdir: Path, grader: Grader, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "studybot.db"
    asyncio.run(make_database(path, grader))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 999")
    code, output = doctor(capsys, "--quick")
    assert code == 1
    assert "schema version 999, newer than this studybot" in output
    assert "upgrade studybot" in output


def test_a_file_that_is_not_a_database_fails(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "studybot.db").write_text("not sqlite at all " * 100)
    code, output = doctor(capsys, "--quick")
    assert code == 1
    assert "cannot be read" in output and "restore it from a backup" in output


def test_a_broken_deck_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "deck: broken\nquestions:\n  - id: Not An Id\n    topic: cnn\n", encoding="utf-8"
    )
    check = check_content(tmp_path)
    assert check.problems
    assert all(what.startswith(f"{tmp_path / 'broken.yaml'}:") for what, _ in check.problems)
    assert "content check" in check.problems[0][1]
    with_extra = check_content(extra_dirs=(tmp_path,))
    assert with_extra.problems, "a community deck folder is checked with the built decks"
    assert all(what.startswith(f"{tmp_path / 'broken.yaml'}:") for what, _ in with_extra.problems)


def test_heartbeat_age_is_checked(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    beat = workdir / "heartbeat"
    code, output = doctor(capsys, "--quick", "--heartbeat-max-age", "60")
    assert code == 1 and "STUDYBOT_HEARTBEAT_FILE is not set" in output
    monkeypatch.setenv("STUDYBOT_HEARTBEAT_FILE", str(beat))
    code, output = doctor(capsys, "--quick", "--heartbeat-max-age", "60")
    assert code == 1 and "the bot is not running" in output
    beat.touch()
    code, output = doctor(capsys, "--quick", "--heartbeat-max-age", "60")
    assert code == 0, output
    old = time.time() - 600
    os.utime(beat, (old, old))
    code, output = doctor(capsys, "--quick", "--heartbeat-max-age", "60")
    assert code == 1 and "stopped or stuck" in output
