"""Staying inside Telegram's flood limits while fanning out to many chats.

Telegram allows about 30 messages a second overall, about 20 a minute into one group and about
one a second into one private chat; beyond that it answers 429. Sliding-window limiters keep
sends under those figures, and `FloodLimits.scaled` shrinks the windows for tests and benches.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Per-chat limiters are kept for at least this many chats before idle ones are forgotten.
SWEEP_FROM = 1000


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class FloodLimits:
    overall: Limit = Limit(30, 1.0)
    group: Limit = Limit(20, 60.0)
    # A small burst (a reply and its follow-up) is fine; the average stays at one a second.
    private: Limit = Limit(3, 3.0)

    def scaled(self, factor: float) -> FloodLimits:
        """The same counts over windows `factor` times as long (0.01 makes a minute 0.6 s)."""
        return FloodLimits(
            Limit(self.overall.count, self.overall.seconds * factor),
            Limit(self.group.count, self.group.seconds * factor),
            Limit(self.private.count, self.private.seconds * factor),
        )


class RateLimiter:
    """At most `limit.count` acquisitions in any `limit.seconds` window, first come first served."""

    def __init__(self, limit: Limit, clock: Clock, sleep: Sleep) -> None:
        self._limit = limit
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self, then: Callable[[], Awaitable[None]] | None = None) -> None:
        """Wait for room, then (still holding this limiter's turn) await `then` before the
        acquisition is stamped, so the stamp is the moment the message really goes out."""
        async with self._lock:
            while True:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self._limit.seconds:
                    self._stamps.popleft()
                if len(self._stamps) < self._limit.count:
                    break
                await self._sleep(self._stamps[0] + self._limit.seconds - now)
            if then is not None:
                await then()
            self._stamps.append(self._clock())

    @property
    def idle(self) -> bool:
        now = self._clock()
        return not self._lock.locked() and all(s <= now - self._limit.seconds for s in self._stamps)


class FloodControl:
    """One limiter for everything plus one per chat (groups and private chats differ)."""

    def __init__(
        self, limits: FloodLimits, clock: Clock | None = None, sleep: Sleep | None = None
    ) -> None:
        self._limits = limits
        self._clock = clock or _loop_time
        self._sleep = sleep or asyncio.sleep
        self._overall = RateLimiter(limits.overall, self._clock, self._sleep)
        self._chats: dict[int, RateLimiter] = {}
        self._sweep_at = SWEEP_FROM

    async def wait_turn(self, chat_id: int) -> None:
        """Wait until one more message may go to `chat_id`. The chat's turn comes first, so a
        busy group does not hold up the overall budget for other chats; the chat's slot is
        stamped only once the overall turn is granted too. Stamping it earlier would let a
        group's messages queue behind other chats and then reach Telegram in one burst."""
        await self._chat_limiter(chat_id).acquire(then=self._overall.acquire)

    def _chat_limiter(self, chat_id: int) -> RateLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            self._forget_idle()
            # Private chats have positive ids; groups, supergroups and channels negative ones.
            limit = self._limits.private if chat_id > 0 else self._limits.group
            limiter = self._chats[chat_id] = RateLimiter(limit, self._clock, self._sleep)
        return limiter

    def _forget_idle(self) -> None:
        # Swept only when the map has doubled since the last sweep: a fan-out to thousands of
        # busy chats would otherwise rescan every limiter for each new chat.
        if len(self._chats) > self._sweep_at:
            self._chats = {key: value for key, value in self._chats.items() if not value.idle}
            self._sweep_at = max(SWEEP_FROM, 2 * len(self._chats))


def _loop_time() -> float:
    return asyncio.get_running_loop().time()
