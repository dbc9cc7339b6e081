"""Settings from `STUDYBOT_*` environment variables (and an optional `.env` file).

A bad value is a `ConfigError` naming the variable; secrets never appear in its message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from dotenv import dotenv_values

PREFIX = "STUDYBOT_"
DEFAULT_DATABASE = "studybot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")

# Telegram bot tokens are "<bot id>:<35 url-safe characters>"; Discord tokens are three
# dot-separated base64url parts. Checking the shape catches a pasted wrong value at start-up.
TELEGRAM_TOKEN_RE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{35}$")
DISCORD_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


class ConfigError(ValueError):
    """A configuration value is wrong. The message names the variable and what is allowed."""


@dataclass(frozen=True)
class Settings:
    database: Path = Path(DEFAULT_DATABASE)
    discord_token: str | None = field(default=None, repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    discord_sharded: bool = False
    heartbeat_file: Path | None = None
    discord_threads: bool = False
    extra_decks: Path | None = None

    @property
    def has_platform(self) -> bool:
        return bool(self.discord_token or self.telegram_token)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings: real environment first, then `.env` for anything the environment lacks."""
    values = _merged_values(os.environ if environ is None else environ, env_file)
    return Settings(
        database=_database(values.get("DATABASE")),
        discord_token=_token(values, "DISCORD_TOKEN", DISCORD_TOKEN_RE),
        telegram_token=_token(values, "TELEGRAM_TOKEN", TELEGRAM_TOKEN_RE),
        telegram_api_url=_api_url(values.get("TELEGRAM_API_URL")),
        log_level=_log_level(values.get("LOG_LEVEL")),
        log_format=_log_format(values.get("LOG_FORMAT")),
        discord_sharded=_flag(values, "DISCORD_SHARDED"),
        discord_threads=_flag(values, "DISCORD_THREADS"),
        heartbeat_file=_heartbeat(values.get("HEARTBEAT_FILE")),
        extra_decks=_extra_decks(values.get("EXTRA_DECKS")),
    )


def read_setting(
    name: str, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Any:
    """One setting on its own (e.g. the database path for `studybot db`, which needs no token)."""
    values = _merged_values(os.environ if environ is None else environ, env_file)
    return READERS[name](values)


def config_problems(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> list[ConfigError]:
    """Every bad variable at once (`load_settings` stops at the first), for `studybot doctor`."""
    values = _merged_values(os.environ if environ is None else environ, env_file)
    problems: list[ConfigError] = []
    for read in READERS.values():
        try:
            read(values)
        except ConfigError as error:
            problems.append(error)
    return problems


def _merged_values(environ: Mapping[str, str], env_file: Path | None) -> dict[str, str]:
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        for key, value in dotenv_values(env_file).items():
            if key.startswith(PREFIX) and value is not None:
                merged[key.removeprefix(PREFIX)] = value
    for key, value in environ.items():
        if key.startswith(PREFIX):
            merged[key.removeprefix(PREFIX)] = value
    return {key: value.strip() for key, value in merged.items()}


def _database(raw: str | None) -> Path:
    if not raw:
        return Path(DEFAULT_DATABASE)
    path = Path(raw).expanduser()
    if path.is_dir():
        raise ConfigError(f"{PREFIX}DATABASE points at a folder ({path}); give a file path.")
    if not path.parent.exists():
        raise ConfigError(
            f"{PREFIX}DATABASE: the folder {path.parent} does not exist; "
            "create it or choose another."
        )
    return path


def _token(values: Mapping[str, str], name: str, shape: re.Pattern[str]) -> str | None:
    raw = values.get(name)
    if not raw:
        return None
    if not shape.match(raw):
        # Never echo the value: it may be a real secret pasted into the wrong variable.
        raise ConfigError(f"{PREFIX}{name} does not look like a valid token; copy it again.")
    return raw


def _api_url(raw: str | None) -> str | None:
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"{PREFIX}TELEGRAM_API_URL must be an http(s) URL such as http://localhost:8081/bot."
        )
    return raw.rstrip("/")


def _log_level(raw: str | None) -> str:
    return _one_of(raw and raw.upper(), "LOG_LEVEL", LOG_LEVELS, "INFO")


def _one_of(value: str | None, name: str, choices: Sequence[str], default: str) -> str:
    """`value` (already in the choices' case), `default` when unset, or a clear error."""
    if not value:
        return default
    if value not in choices:
        raise ConfigError(f"{PREFIX}{name} must be one of {', '.join(choices)}.")
    return value


def _flag(values: Mapping[str, str], name: str) -> bool:
    raw = values.get(name, "").lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{PREFIX}{name} must be true or false.")


def _log_format(raw: str | None) -> str:
    return _one_of(raw and raw.lower(), "LOG_FORMAT", LOG_FORMATS, "text")


def _heartbeat(raw: str | None) -> Path | None:
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.parent.is_dir():
        raise ConfigError(
            f"{PREFIX}HEARTBEAT_FILE: the folder {path.parent} does not exist; "
            "create it or choose another."
        )
    return path


def _extra_decks(raw: str | None) -> Path | None:
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"{PREFIX}EXTRA_DECKS is not a folder; give the folder that holds your "
            "deck files (.yaml), e.g. ones made with `studybot content import`."
        )
    return path


# Each setting and how it is read from the `STUDYBOT_*` values (names without the prefix).
READERS: dict[str, Callable[[Mapping[str, str]], Any]] = {
    "database": lambda values: _database(values.get("DATABASE")),
    "discord_token": lambda values: _token(values, "DISCORD_TOKEN", DISCORD_TOKEN_RE),
    "telegram_token": lambda values: _token(values, "TELEGRAM_TOKEN", TELEGRAM_TOKEN_RE),
    "telegram_api_url": lambda values: _api_url(values.get("TELEGRAM_API_URL")),
    "log_level": lambda values: _log_level(values.get("LOG_LEVEL")),
    "log_format": lambda values: _log_format(values.get("LOG_FORMAT")),
    "discord_sharded": lambda values: _flag(values, "DISCORD_SHARDED"),
    "discord_threads": lambda values: _flag(values, "DISCORD_THREADS"),
    "heartbeat_file": lambda values: _heartbeat(values.get("HEARTBEAT_FILE")),
    "extra_decks": lambda values: _extra_decks(values.get("EXTRA_DECKS")),
}


def configure_logging(
    level: str, log_format: str = "text", settings: Settings | None = None
) -> None:
    """Structured logging on stderr; the settings' tokens are masked in every line."""
    from bot.logs import setup_logging

    secrets = (settings.telegram_token, settings.discord_token) if settings else ()
    setup_logging(level, log_format, secrets)
