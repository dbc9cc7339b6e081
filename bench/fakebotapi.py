"""A fake Telegram Bot API on 127.0.0.1 that enforces a flood limit, for the fan-out bench.

Run it as its own process (`python -m bench.fakebotapi --per-second N`) so the bot under test
keeps its core: it prints its port on the first line of stdout, then serves until stdin closes.
It accepts Telegram's overall budget (about 30 messages a second) scaled up to `N` a second
and answers anything beyond it with 429 and `retry_after`, as Telegram does. `GET /stats` reports
every accepted message per chat.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from collections import Counter
from typing import Any

from aiohttp import web

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "StudyBot", "username": "studybot_bench"}
POLL_HOLD_S = 0.5


class FloodGate:
    """A token bucket: up to one second's budget at once, refilled at `per_second`. Any sender
    that keeps to `per_second` in every one-second window gets through."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self.burst = max(1.0, per_second)
        self._tokens = self.burst
        self._at: float | None = None

    def admit(self, now: float) -> bool:
        if self._at is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.per_second)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


class FakeBotApi:
    def __init__(self, per_second: float) -> None:
        self.gate = FloodGate(per_second)
        self.accepted: Counter[tuple[int, str]] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.refused = 0
        self.stamps: list[float] = []
        self._message_ids = itertools.count(100)

    async def dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "stats":
            return web.json_response(self.stats())
        params = dict(await request.post()) if request.can_read_body else {}
        if method == "getUpdates":
            await asyncio.sleep(min(POLL_HOLD_S, float(str(params.get("timeout", 0)) or 0)))
            return _ok([])
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "sendMessage":
            return self.send_message(params)
        return _ok(True)

    def send_message(self, params: dict[str, Any]) -> web.Response:
        now = time.monotonic()
        if not self.gate.admit(now):
            self.refused += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        chat_id = int(json.loads(str(params["chat_id"])))
        self.accepted[(chat_id, str(params.get("text", "")))] += 1
        self.first = now if self.first is None else self.first
        self.last = now
        self.stamps.append(now)
        chat = {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": str(params.get("text", "")),
        }
        return _ok(message)

    def stats(self) -> dict[str, Any]:
        per_chat = Counter(chat for chat, _ in self.accepted)
        return {
            "messages": sum(self.accepted.values()),
            "chats": len(per_chat),
            "per_chat": {str(chat): count for chat, count in per_chat.items()},
            "duplicates": sum(count - 1 for count in self.accepted.values() if count > 1),
            "refused": self.refused,
            "seconds": (self.last - self.first) if self.first and self.last else 0.0,
            "per_second": _per_second(self.stamps),
        }


def _per_second(stamps: list[float]) -> list[int]:
    """Accepted messages in each second from the first one: the shape of the fan-out."""
    if not stamps:
        return []
    counts = Counter(int(stamp - stamps[0]) for stamp in stamps)
    return [counts.get(second, 0) for second in range(max(counts) + 1)]


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def serve(per_second: float) -> None:
    api = FakeBotApi(per_second)
    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", api.dispatch)
    app.router.add_route("GET", "/{method:stats}", api.dispatch)
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(runner.addresses[0][1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the bench closes our stdin
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description="fake Telegram Bot API with a flood limit")
    parser.add_argument("--per-second", type=float, required=True)
    asyncio.run(serve(parser.parse_args().per_second))


if __name__ == "__main__":
    main()
