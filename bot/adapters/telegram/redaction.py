"""Keeping the bot token out of every log line.

The token is part of every Bot API URL, and httpx logs each request URL at INFO. httpx is held at
WARNING, and a filter on the root handlers masks the token in any record that still carries it
(messages and formatted tracebacks alike).
"""

from __future__ import annotations

import logging

MASK = "<telegram-token>"
NOISY_LOGGERS = ("httpx", "httpcore")


class TokenRedaction(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret
        self._handlers: list[logging.Handler] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, MASK)
            record.args = None
        if record.exc_info and not record.exc_text:
            formatted = logging.Formatter().formatException(record.exc_info)
            if self._secret in formatted:
                record.exc_text = formatted.replace(self._secret, MASK)
        return True

    def install(self) -> None:
        for name in NOISY_LOGGERS:
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.WARNING:
                logger.setLevel(logging.WARNING)
        for handler in logging.getLogger().handlers:
            if self not in handler.filters:
                handler.addFilter(self)
                self._handlers.append(handler)

    def remove(self) -> None:
        for handler in self._handlers:
            handler.removeFilter(self)
        self._handlers.clear()
