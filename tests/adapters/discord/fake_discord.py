"""A small fake Discord on 127.0.0.1: REST and a gateway websocket, enough for discord.py 2.7.

It records every REST call, answers like Discord does, can fail chosen calls, and pushes
gateway events (slash commands, button clicks, modal submits) to the connected client.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import discord
import discord.gateway
import discord.http
import discord.webhook.async_
import yarl
from aiohttp import WSMsgType, web

from tests.adapters.discord.discord_payloads import (
    ADMIN_PERMISSIONS,
    APP_ID,
    BOT_USER,
    DAILY_CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    OWNER_ID,
    TOKEN,
    WAIT_S,
    channel_payload,
    guild_payload,
    member_payload,
    message_payload,
    now_iso,
    user_payload,
)

# Webhooks (interaction follow-ups) use their own copy of Route, not re-exported by the module.
WEBHOOK_ROUTE: Any = vars(discord.webhook.async_)["Route"]
JSON = "application/json"  # discord.py decodes bodies only for exactly this content type
Handler = Callable[[re.Match[str], Any], Awaitable[Any]]


@dataclass
class Call:
    method: str
    path: str
    body: Any
    query: dict[str, str]
    response: Any = None


@dataclass
class FakeDiscord:
    """Start with `async with FakeDiscord().running() as fake:`; discord.py is pointed at it."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    failures: dict[tuple[str, str], int] = field(default_factory=dict)
    guild_name: str = "Study Group"
    port: int = 0
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(500000000000000000))
    _socket: web.WebSocketResponse | None = None
    _sequence: int = 0
    _runner: web.AppRunner | None = None
    _sockets: set[web.WebSocketResponse] = field(default_factory=set)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    identify: dict[str, Any] = field(default_factory=dict)
    send_ready: bool = True

    # ----- lifecycle -----

    @asynccontextmanager
    async def running(self) -> Any:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/", self._gateway)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        saved = (
            discord.http.Route.BASE,
            WEBHOOK_ROUTE.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        discord.http.Route.BASE = f"{self.base}/api/v10"
        WEBHOOK_ROUTE.BASE = f"{self.base}/api/v10"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.ws_url)
        try:
            yield self
        finally:
            (
                discord.http.Route.BASE,
                WEBHOOK_ROUTE.BASE,
                discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
            ) = saved
            for socket in list(self._sockets):
                await socket.close()
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def next_id(self) -> int:
        return next(self._ids)

    # ----- what tests look at -----

    def find(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    def channel_posts(self, channel_id: int) -> list[Call]:
        return self.find("POST", rf"/channels/{channel_id}/messages")

    def interaction_calls(self, token: str) -> list[Call]:
        return [c for c in self.calls if f"/{token}/" in c.path or c.path.endswith(f"/{token}")]

    @property
    def gateway_connections(self) -> int:
        """Gateway websockets a client holds open right now."""
        return len(self._sockets)

    def fail(self, method: str, path: str, status: int = 403) -> None:
        """Make every `method` call whose path matches the regex `path` answer `status`
        (403 is Discord's Missing Permissions)."""
        self.failures[(method, path)] = status

    def _failure_for(self, method: str, path: str) -> int | None:
        for (failing_method, pattern), status in self.failures.items():
            if failing_method == method and re.fullmatch(pattern, path):
                return status
        return None

    async def wait_for(self, condition: Callable[[], Any]) -> Any:
        """Wait until `condition()` (checked after every REST call) is truthy; returns its value."""
        async with asyncio.timeout(WAIT_S):
            while not (result := condition()):
                self._changed.clear()
                await self._changed.wait()
        return result

    # ----- gateway -----

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.add(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_gateway_message(socket, json.loads(message.data))
        finally:
            self._sockets.discard(socket)
            if self._socket is socket:
                self._socket = None
            self._changed.set()
        return socket

    async def _on_gateway_message(self, socket: web.WebSocketResponse, payload: Any) -> None:
        if payload["op"] == 1:
            await socket.send_json({"op": 11})
        elif payload["op"] == 2:
            self.identify = payload["d"]
            self._socket = socket
            if not self.send_ready:
                return
            await self.dispatch("READY", self.ready_payload())
            await self.dispatch("GUILD_CREATE", guild_payload(self.guild_name))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._socket is not None, "no client connected to the gateway"
        self._sequence += 1
        await self._socket.send_json({"op": 0, "t": event, "s": self._sequence, "d": data})

    def ready_payload(self) -> dict[str, Any]:
        shard = {"shard": self.identify["shard"]} if "shard" in self.identify else {}
        return {
            **shard,
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.ws_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }

    # ----- interactions sent to the bot -----

    def interaction_payload(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int,
        user_name: str,
        permissions: int,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        interaction_id = self.next_id()
        payload = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "guild_id": str(GUILD_ID),
            "channel": channel_payload(DAILY_CHANNEL_ID, "study", 0),
            "channel_id": str(DAILY_CHANNEL_ID),
            "member": member_payload(user_id, user_name, permissions),
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": str(ADMIN_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        return payload

    async def interact(self, kind: int, data: dict[str, Any], **who: Any) -> str:
        """Send an INTERACTION_CREATE; returns its token, the key to its responses."""
        payload = self.interaction_payload(kind, data, **who)
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        resolved: dict[str, Any] | None = None,
        **who: Any,
    ) -> str:
        data: dict[str, Any] = {
            "id": str(self.command_ids.get(name, 0)),
            "name": name,
            "type": 1,
            "options": options or [],
        }
        if resolved:
            data["resolved"] = resolved
        return await self.interact(2, data, **who)

    async def click(self, message: dict[str, Any], custom_id: str, **who: Any) -> str:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(3, data, message=message, **who)

    async def submit_modal(self, custom_id: str, values: dict[str, str], **who: Any) -> str:
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        return await self.interact(5, {"custom_id": custom_id, "components": rows}, **who)

    @property
    def command_ids(self) -> dict[str, int]:
        synced = [c for c in self.find("PUT", rf"/applications/{APP_ID}/commands") if c.response]
        if not synced:
            return {}
        return {command["name"]: int(command["id"]) for command in synced[-1].response}

    # ----- REST -----

    def _routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        routes: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway(/bot)?", self._gateway_info),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._sync_commands),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._channel_message),
            ("POST", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads", self._thread),
            ("POST", r"/users/@me/channels", self._dm_channel),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup),
            ("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<m>[^/]+)", self._edit),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in routes]

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        call = Call(request.method, path, body, dict(request.query))
        self.calls.append(call)
        status = self._failure_for(request.method, path)
        if status is not None:
            self._changed.set()
            return reply({"message": "Missing Permissions", "code": 50013}, status)
        if request.headers.get("Authorization", f"Bot {self.token}") != f"Bot {self.token}":
            return reply({"message": "401: Unauthorized", "code": 0}, 401)
        for method, pattern, handler in self._routes():
            match = pattern.fullmatch(path)
            if method == request.method and match:
                call.response = await handler(match, body)
                self._changed.set()
                return reply(call.response)
        return reply({"message": "404: Not Found", "code": 0}, 404)

    async def _me(self, match: re.Match[str], body: Any) -> Any:
        return BOT_USER

    async def _application(self, *_: Any) -> Any:
        return {
            "id": str(APP_ID),
            "name": "studybot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user_payload(OWNER_ID, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    async def _gateway_info(self, *_: Any) -> Any:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.ws_url, "shards": 1, "session_start_limit": limit}

    async def _sync_commands(self, match: re.Match[str], body: Any) -> Any:
        synced = [
            {**command, "id": str(self.next_id()), "application_id": match["app"], "version": "1"}
            for command in body
        ]
        return synced

    async def _channel_message(self, match: re.Match[str], body: Any) -> Any:
        return message_payload(self.next_id(), match["channel"], body)

    async def _thread(self, match: re.Match[str], body: Any) -> Any:
        thread = channel_payload(self.next_id(), body["name"], 0)
        thread.update(
            type=11,
            parent_id=match["channel"],
            owner_id=str(APP_ID),
            message_count=0,
            member_count=1,
            thread_metadata={
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": now_iso(),
                "locked": False,
            },
        )
        return thread

    async def _dm_channel(self, match: re.Match[str], body: Any) -> Any:
        recipient = user_payload(int(body["recipient_id"]), "owner")
        return {"id": str(self.next_id()), "type": 1, "recipients": [recipient]}

    async def _callback(self, match: re.Match[str], body: Any) -> Any:
        kind = body["type"]
        data = body.get("data") or {}
        interaction: dict[str, Any] = {
            "id": match["id"],
            "type": kind,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
        }
        result: dict[str, Any] = {"interaction": interaction}
        if kind == 4:
            message = message_payload(self.next_id(), DAILY_CHANNEL_ID, data)
            interaction["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return result

    async def _followup(self, match: re.Match[str], body: Any) -> Any:
        return message_payload(self.next_id(), DAILY_CHANNEL_ID, body)

    async def _edit(self, match: re.Match[str], body: Any) -> Any:
        return message_payload(self.next_id(), DAILY_CHANNEL_ID, body)


def reply(data: Any, status: int = 200) -> web.Response:
    # Set the header by hand: aiohttp's own JSON helpers add "; charset=utf-8".
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": JSON}
    )
