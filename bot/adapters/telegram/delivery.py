"""Every Bot API call that posts something goes through here: flood limits, retries, and turning
"this chat is gone" answers into `ChatUnavailable`.

A request that times out may have reached Telegram anyway (the answer was lost, not the
message). It is retried like any network error: that can post the same message twice, but never
loses one. Telegram offers no idempotency key for `sendMessage` that would let us tell. The
parts of a split message that did go out are remembered (see `tracking.Progress`), so a retry
of the whole message repeats at most the one part whose answer was lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.adapters.telegram.flood import FloodControl, Sleep
from bot.core.ports import ChatUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

# BadRequest descriptions that mean the bot can no longer post in the chat at all.
_GONE_DESCRIPTIONS = (
    "chat not found",
    "bot was kicked",
    "bot is not a member",
    "group chat was deactivated",
    "user is deactivated",
    "not enough rights to send",
    "have no rights to send",
    "peer_id_invalid",
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Network errors and 5xx answers are retried with bounded exponential backoff; 429 answers
    wait the `retry_after` Telegram asks for (capped)."""

    network_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    flood_retries: int = 5
    max_flood_wait: float = 120.0

    def backoff(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** (failures - 1)))


class Courier:
    """Runs Bot API calls for one chat under the flood limits and the retry policy."""

    def __init__(
        self, flood: FloodControl, policy: RetryPolicy, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._flood = flood
        self._policy = policy
        self._sleep = sleep

    async def call(
        self, chat_id: int, action: Callable[[], Awaitable[T]], *, limited: bool = True
    ) -> T:
        """Run `action` (one Bot API request about `chat_id`); raises `ChatUnavailable` when
        Telegram says the bot cannot post there, re-raises anything retrying cannot fix.
        `limited=False` is for requests that post nothing (lookups, button answers)."""
        network_failures = 0
        floods = 0
        while True:
            if limited:
                await self._flood.wait_turn(chat_id)
            try:
                return await action()
            except RetryAfter as error:
                floods += 1
                if floods > self._policy.flood_retries:
                    raise
                wait = min(_seconds(error.retry_after), self._policy.max_flood_wait)
                log.warning("flood limit in chat %s: waiting %.1f s", chat_id, wait)
                await self._sleep(wait)
            except ChatMigrated:
                # The group became a supergroup with a new id: the chat is not gone, the
                # messenger moves it and sends again there.
                raise
            except Forbidden as error:
                raise ChatUnavailable(f"chat {chat_id}: {error}") from error
            except BadRequest as error:
                if _means_gone(error):
                    raise ChatUnavailable(f"chat {chat_id}: {error}") from error
                raise
            except NetworkError as error:
                # Includes `TimedOut`: the request may have been delivered (see the module
                # docstring), so a retry can duplicate the message; not retrying could lose it.
                network_failures += 1
                if network_failures >= self._policy.network_attempts:
                    raise
                delay = self._policy.backoff(network_failures)
                log.warning(
                    "network error in chat %s (%s): retrying in %.1f s", chat_id, error, delay
                )
                await self._sleep(delay)


def _means_gone(error: BadRequest) -> bool:
    description = error.message.lower()
    return any(phrase in description for phrase in _GONE_DESCRIPTIONS)


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
