"""Configuration: STUDYBOT_* variables, `.env` fallback, and clear errors that name the variable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import config
from bot.config import ConfigError, Settings, config_problems, load_settings

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


EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "studybot.env.example"


class RecordingValues(dict[str, str]):
    """The merged values `load_settings` reads from, noting every name it looks up."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def test_every_variable_config_reads_is_documented_in_the_env_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = RecordingValues()
    monkeypatch.setattr(config, "_merged_values", lambda environ, env_file: values)
    load_settings({}, env_file=None)
    read = {f"STUDYBOT_{name}" for name in values.read}
    assert "STUDYBOT_TELEGRAM_TOKEN" in read  # the recording works
    documented = set(re.findall(r"^#?\s*(STUDYBOT_[A-Z0-9_]+)=", EXAMPLE.read_text(), re.M))
    assert read - documented == set(), "add these to deploy/studybot.env.example"
    assert documented - read == set(), "the example documents variables config.py never reads"


def test_doctor_checks_the_same_variables_load_settings_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    by_load, by_doctor = RecordingValues(), RecordingValues()
    monkeypatch.setattr(config, "_merged_values", lambda environ, env_file: by_load)
    load_settings({}, env_file=None)
    monkeypatch.setattr(config, "_merged_values", lambda environ, env_file: by_doctor)
    config_problems({}, env_file=None)
    assert by_doctor.read == by_load.read


def test_the_env_example_itself_loads(tmp_path: Path) -> None:
    example = EXAMPLE.read_text(encoding="utf-8").replace("/var/lib/studybot", str(tmp_path))
    env_file = tmp_path / ".env"
    env_file.write_text(example, encoding="utf-8")
    settings = load_settings({}, env_file=env_file)
    assert settings.database == tmp_path / "studybot.db"
    assert not settings.has_platform


def test_log_format_and_heartbeat(tmp_path: Path) -> None:
    settings = load_settings(
        {"STUDYBOT_LOG_FORMAT": "JSON", "STUDYBOT_HEARTBEAT_FILE": str(tmp_path / "beat")},
        env_file=None,
    )
    assert settings.log_format == "json"
    assert settings.heartbeat_file == tmp_path / "beat"
    assert load_settings({}, env_file=None).log_format == "text"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STUDYBOT_LOG_FORMAT", "xml"),
        ("STUDYBOT_HEARTBEAT_FILE", "/no/such/folder/beat"),
        ("STUDYBOT_EXTRA_DECKS", "/no/such/deck/folder"),
        ("STUDYBOT_TELEGRAM_TOKEN", "123456789:" + "A" * 34),  # one character short
        ("STUDYBOT_TELEGRAM_TOKEN", "123456789:" + "A" * 36),
        ("STUDYBOT_TELEGRAM_TOKEN", "bot123456789:" + "A" * 35),
        ("STUDYBOT_DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe"),  # two parts
        ("STUDYBOT_DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.Ga BcDe.abcdefghijklmnopqrstuvwxyz"),
    ],
)
def test_more_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name) as caught:
        load_settings({name: value}, env_file=None)
    assert value not in str(caught.value)


def test_config_problems_lists_every_bad_variable_at_once() -> None:
    problems = config_problems(
        {
            "STUDYBOT_TELEGRAM_TOKEN": "nope",
            "STUDYBOT_DISCORD_TOKEN": "nope.nope",
            "STUDYBOT_LOG_LEVEL": "loud",
        },
        env_file=None,
    )
    named = sorted(str(problem).split()[0] for problem in problems)
    assert named == ["STUDYBOT_DISCORD_TOKEN", "STUDYBOT_LOG_LEVEL", "STUDYBOT_TELEGRAM_TOKEN"]
    assert config_problems({}, env_file=None) == []
