"""A minimal fake Discord on 127.0.0.1 for the memory bench: enough REST and gateway for
discord.py 2.7 to log in, identify, become ready and sync its slash commands.

Run it as its own process (`python -m bench.fakediscord`): it prints its port on the first line
of stdout, then serves until stdin closes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 100000000000000000
BOT_USER = {
    "id": str(APP_ID),
    "username": "studybot",
    "discriminator": "0",
    "global_name": "studybot",
    "avatar": None,
    "bot": True,
    "flags": 0,
}


class FakeDiscord:
    def __init__(self) -> None:
        self.port = 0
        self._ids = itertools.count(500000000000000000)

    async def rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json(_application())
        if path in ("/gateway", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            url = f"ws://127.0.0.1:{self.port}/"
            return _json({"url": url, "shards": 1, "session_start_limit": limit})
        if request.method == "PUT" and path.endswith("/commands"):
            return _json(
                [
                    {**command, "id": str(next(self._ids)), "application_id": str(APP_ID)}
                    | {"version": "1"}
                    for command in body or []
                ]
            )
        return _json({"message": "404: Not Found", "code": 0}, 404)

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == 1:
                await socket.send_json({"op": 11})
            elif payload["op"] == 2:
                await socket.send_json({"op": 0, "t": "READY", "s": 1, "d": self._ready()})
        return socket

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": BOT_USER,
            "guilds": [],
            "session_id": "bench-session",
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/",
            "application": {"id": str(APP_ID), "flags": 0},
        }


def _application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "studybot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": {**BOT_USER, "id": "400000000000000001", "bot": False},
        "verify_key": "0" * 64,
        "flags": 0,
    }


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py decodes a body only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


async def serve() -> None:
    fake = FakeDiscord()
    app = web.Application()
    app.router.add_route("*", "/api/v10/{tail:.*}", fake.rest)
    app.router.add_get("/", fake.gateway)
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.port = runner.addresses[0][1]
    print(fake.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
