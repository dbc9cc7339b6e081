"""Configuration: STUDYBOT_* variables, `.env` fallback, and clear errors that name the variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

TELEGRAM_TOKEN = "123456789:AAHk3xQq0v8mYtZ2pLr7sWnB4cD5eF6gH7i"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_without_any_variable(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "missing.env")
    assert settings == Settings()
    assert settings.database == Path("studybot.db")
    assert not settings.has_platform


def test_reads_every_variable(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "STUDYBOT_DATABASE": str(tmp_path / "bot.db"),
            "STUDYBOT_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "STUDYBOT_DISCORD_TOKEN": DISCORD_TOKEN,
            "STUDYBOT_TELEGRAM_API_URL": "http://localhost:8081/bot/",
            "STUDYBOT_LOG_LEVEL": "debug",
            "UNRELATED": "ignored",
        },
        env_file=None,
    )
    assert settings.database == tmp_path / "bot.db"
    assert settings.telegram_token == TELEGRAM_TOKEN
    assert settings.discord_token == DISCORD_TOKEN
    assert settings.telegram_api_url == "http://localhost:8081/bot"
    assert settings.log_level == "DEBUG"
    assert settings.has_platform


def test_env_file_fills_what_the_environment_lacks(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"STUDYBOT_LOG_LEVEL=warning\nSTUDYBOT_TELEGRAM_TOKEN={TELEGRAM_TOKEN}\n", encoding="utf-8"
    )
    settings = load_settings({"STUDYBOT_LOG_LEVEL": "error"}, env_file=env_file)
    assert settings.log_level == "ERROR"  # the real environment wins
    assert settings.telegram_token == TELEGRAM_TOKEN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STUDYBOT_LOG_LEVEL", "loud"),
        ("STUDYBOT_TELEGRAM_API_URL", "ftp://example.org"),
        ("STUDYBOT_TELEGRAM_API_URL", "not a url"),
        ("STUDYBOT_DATABASE", "/no/such/folder/bot.db"),
        ("STUDYBOT_DISCORD_SHARDED", "maybe"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value}, env_file=None)


@pytest.mark.parametrize("name", ["STUDYBOT_TELEGRAM_TOKEN", "STUDYBOT_DISCORD_TOKEN"])
def test_a_malformed_token_is_rejected_without_echoing_it(name: str) -> None:
    secret = "s3cret-value-that-must-not-leak"
    with pytest.raises(ConfigError, match=name) as caught:
        load_settings({name: secret}, env_file=None)
    assert secret not in str(caught.value)


def test_settings_repr_hides_tokens() -> None:
    settings = Settings(telegram_token=TELEGRAM_TOKEN, discord_token=DISCORD_TOKEN)
    assert TELEGRAM_TOKEN not in repr(settings)
    assert DISCORD_TOKEN not in repr(settings)


def test_python_dash_m_bot_is_the_studybot_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("usage: studybot")
