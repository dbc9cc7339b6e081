"""A chat's settings, and the checks every `/settings key=value` goes through.

All pairs are checked before any is applied, so one bad value changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import BadInput
from content.model import MAX_DIFFICULTY, MIN_DIFFICULTY, TOPICS

MIN_WINDOW_HOURS = 1
# The window must close before the next day's post at the same time.
MAX_WINDOW_HOURS = 23
SETTING_KEYS = ("time", "timezone", "window", "topics", "difficulty", "paused", "channel")
_ALIASES = {"post_time": "time", "tz": "timezone", "topic": "topics", "pause": "paused"}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RANGE = re.compile(r"^(\d)\s*(?:-\s*(\d))?$")
_CHANNEL = re.compile(r"^[A-Za-z0-9_#:.-]{1,64}$")
_YES = ("yes", "true", "on", "1")
_NO = ("no", "false", "off", "0")


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """`topics` empty means every topic."""

    post_time: str = "09:00"
    timezone: str = "UTC"
    window_hours: int = 12
    topics: tuple[str, ...] = ()
    difficulty_min: int = MIN_DIFFICULTY
    difficulty_max: int = MAX_DIFFICULTY
    paused: bool = False
    channel: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hour(self) -> int:
        return int(self.post_time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.post_time.split(":")[1])

    def post_moment(self, day: date) -> datetime:
        """When the post of local date `day` is due (an aware datetime in the chat's zone)."""
        return datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)

    @property
    def effective_topics(self) -> tuple[str, ...]:
        return self.topics or TOPICS

    def to_dict(self) -> dict[str, Any]:
        return {
            "post_time": self.post_time,
            "timezone": self.timezone,
            "window_hours": self.window_hours,
            "topics": list(self.topics),
            "difficulty_min": self.difficulty_min,
            "difficulty_max": self.difficulty_max,
            "paused": self.paused,
            "channel": self.channel,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatSettings:
        defaults = cls()
        return cls(
            post_time=str(data.get("post_time", defaults.post_time)),
            timezone=str(data.get("timezone", defaults.timezone)),
            window_hours=int(data.get("window_hours", defaults.window_hours)),
            topics=tuple(data.get("topics", ())),
            difficulty_min=int(data.get("difficulty_min", defaults.difficulty_min)),
            difficulty_max=int(data.get("difficulty_max", defaults.difficulty_max)),
            paused=bool(data.get("paused", defaults.paused)),
            channel=data.get("channel"),
        )


def apply_changes(settings: ChatSettings, changes: tuple[tuple[str, str], ...]) -> ChatSettings:
    """The settings with every change applied, or `BadInput` for the first bad pair."""
    if not changes:
        raise BadInput("settings.empty", keys=", ".join(SETTING_KEYS))
    updated = settings
    for raw_key, raw_value in changes:
        key = _ALIASES.get(raw_key.strip().lower(), raw_key.strip().lower())
        value = raw_value.strip()
        updated = replace(updated, **_parse_one(key, value))
    if updated.difficulty_min > updated.difficulty_max:
        raise BadInput("settings.bad_difficulty", value=f"{updated.difficulty_min}-...")
    return updated


def _parse_one(key: str, value: str) -> dict[str, Any]:
    parsers = {
        "time": _post_time,
        "timezone": _timezone,
        "window": _window,
        "topics": _topics,
        "difficulty": _difficulty,
        "paused": _paused,
        "channel": _channel,
    }
    parser = parsers.get(key)
    if parser is None:
        raise BadInput("settings.bad_key", name=key, keys=", ".join(SETTING_KEYS))
    return parser(value)


def _post_time(value: str) -> dict[str, Any]:
    match = _TIME.match(value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadInput("settings.bad_time", value=value)
    return {"post_time": f"{int(match.group(1)):02d}:{match.group(2)}"}


def _timezone(value: str) -> dict[str, Any]:
    if not value or value.lower() == "localtime" or ".." in value or value.startswith("/"):
        raise BadInput("settings.bad_timezone", value=value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadInput("settings.bad_timezone", value=value) from None
    return {"timezone": value}


def _window(value: str) -> dict[str, Any]:
    hours = value.lower().removesuffix("h").strip()
    if not hours.isdecimal() or not MIN_WINDOW_HOURS <= int(hours) <= MAX_WINDOW_HOURS:
        raise BadInput(
            "settings.bad_window", value=value, min=MIN_WINDOW_HOURS, max=MAX_WINDOW_HOURS
        )
    return {"window_hours": int(hours)}


def _topics(value: str) -> dict[str, Any]:
    if value.lower() == "all":
        return {"topics": ()}
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [topic for topic in chosen if topic not in TOPICS]
    if not chosen or unknown:
        raise BadInput("settings.bad_topics", value=value, topics=", ".join(TOPICS))
    return {"topics": tuple(topic for topic in TOPICS if topic in chosen)}


def _difficulty(value: str) -> dict[str, Any]:
    match = _RANGE.match(value)
    if not match:
        raise BadInput("settings.bad_difficulty", value=value)
    low = int(match.group(1))
    high = int(match.group(2) or match.group(1))
    if not MIN_DIFFICULTY <= low <= high <= MAX_DIFFICULTY:
        raise BadInput("settings.bad_difficulty", value=value)
    return {"difficulty_min": low, "difficulty_max": high}


def _paused(value: str) -> dict[str, Any]:
    if value.lower() in _YES:
        return {"paused": True}
    if value.lower() in _NO:
        return {"paused": False}
    raise BadInput("settings.bad_paused", value=value)


def _channel(value: str) -> dict[str, Any]:
    if value.lower() in ("none", "off", ""):
        return {"channel": None}
    channel = value.removeprefix("<#").removesuffix(">")
    if not _CHANNEL.match(channel):
        raise BadInput("settings.bad_channel", value=value)
    return {"channel": channel}
