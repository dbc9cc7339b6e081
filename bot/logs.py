"""Structured logs: one line per event, as `key=value` text or JSON, with secrets masked.

Fields come from three places: the record itself (time, level, logger, message), `extra={...}`
on the call, and `log_fields(chat=..., member=...)` around a piece of work (a context variable,
so every line logged while handling one command carries the same ids).

A `Redactor` on the handler masks every configured token, and anything shaped like a Telegram or
Discord token, in messages, arguments, extra fields and tracebacks: a safety net for an error
message that happens to quote a URL with the token in it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

LOG_FORMATS = ("text", "json")
MASK = "<redacted>"
# Unanchored forms of the token shapes in `bot.config`: a token quoted inside a longer message.
TOKEN_SHAPES = (
    # "bot<id>:<secret>" in Bot API URLs: the digits may follow letters.
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])"),
    re.compile(
        r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}"
        r"(?![A-Za-z0-9_-])"
    ),
)
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
_FIELDS: ContextVar[tuple[tuple[str, object], ...]] = ContextVar("studybot_log_fields", default=())
_BARE = re.compile(r"^[A-Za-z0-9_.:/@+-]+$")


@contextmanager
def log_fields(**fields: object) -> Iterator[None]:
    """Add `fields` to every line logged inside the block (and in tasks it starts)."""
    token = _FIELDS.set(tuple({**dict(_FIELDS.get()), **fields}.items()))
    try:
        yield
    finally:
        _FIELDS.reset(token)


class Redactor(logging.Filter):
    """Masks secrets in a record before any handler formats it."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for shape in TOKEN_SHAPES:
            text = shape.sub(MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in event_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


def event_fields(record: logging.LogRecord) -> dict[str, object]:
    """The record's own fields: those of `log_fields` blocks, then `extra={...}`."""
    fields = dict(_FIELDS.get())
    fields.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
    return fields


class EventFormatter(logging.Formatter):
    """One event, one line: `ts level logger msg` then the event's fields."""

    def __init__(self, style_name: str = "text", redactor: Redactor | None = None) -> None:
        super().__init__()
        if style_name not in LOG_FORMATS:
            raise ValueError(f"unknown log format {style_name!r}")
        self.style_name = style_name
        self.redactor = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        event.update(event_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            event["exc"] = record.exc_text
        if record.stack_info:
            event["stack"] = record.stack_info
        line = _json(event) if self.style_name == "json" else _text(event)
        # The last line of defence: nothing that looks like a token leaves this formatter.
        return self.redactor.redact(line)


def _json(event: Mapping[str, object]) -> str:
    return json.dumps(event, ensure_ascii=False, default=str)


def _text(event: Mapping[str, object]) -> str:
    return " ".join(f"{key}={_text_value(value)}" for key, value in event.items())


def _text_value(value: object) -> str:
    text = str(value)
    if text and _BARE.match(text):
        return text
    # json.dumps quotes and escapes newlines, so a traceback stays on one line.
    return json.dumps(text, ensure_ascii=False)


def setup_logging(
    level: str,
    style_name: str = "text",
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Replace the root handlers with one structured handler; returns it."""
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(EventFormatter(style_name, redactor))
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Bot API URL holds the token; aiosqlite logs
    # every statement with its parameters (answer text included) at DEBUG.
    for name in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler
