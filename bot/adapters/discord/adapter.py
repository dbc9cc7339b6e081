"""The Discord adapter: starts the client inside the running event loop and stops it cleanly."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.adapters.discord.client import ShardedStudyClient, StudyClient, build_client
from bot.adapters.discord.context import AdapterContext
from bot.adapters.discord.outbox import DiscordOutbox
from bot.adapters.discord.runtime import StudyCore
from bot.core.refs import Platform

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0
BAD_TOKEN = (
    "Discord rejected the bot token in STUDYBOT_DISCORD_TOKEN. Copy it again from the "
    "Developer Portal (your application > Bot > Reset Token)."
)


class DiscordAdapter:
    """A running Discord connection: slash commands in, replies and posts out."""

    platform: Platform = "discord"

    def __init__(
        self,
        token: str,
        service: StudyCore,
        *,
        sharded: bool = False,
        threads: bool = False,
        ready_timeout_s: float = READY_TIMEOUT_S,
        **client_options: Any,
    ) -> None:
        self._token = token
        self._ready_timeout_s = ready_timeout_s
        self.client: StudyClient | ShardedStudyClient = build_client(
            AdapterContext(service), sharded=sharded, **client_options
        )
        self._outbox = DiscordOutbox(self.client, service, threads=threads)
        self._connection: asyncio.Task[None] | None = None

    @property
    def outbox(self) -> DiscordOutbox:
        return self._outbox

    async def start(self) -> None:
        """Log in, connect to the gateway in the background, wait until ready, sync commands."""
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            await self.client.close()
            raise discord.LoginFailure(BAD_TOKEN) from None
        self._connection = asyncio.create_task(self.client.connect(), name="discord-gateway")
        try:
            await self._wait_until_ready(self._connection)
            synced = await self.client.tree.sync()
        except BaseException:
            await self.stop()
            raise
        log.info("Discord ready as %s; %d commands synced", self.client.user, len(synced))

    async def _wait_until_ready(self, connection: asyncio.Task[None]) -> None:
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, connection}, timeout=self._ready_timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        if ready in done:
            return
        ready.cancel()
        await asyncio.gather(ready, return_exceptions=True)
        failure = (
            None if connection.cancelled() or not connection.done() else connection.exception()
        )
        if failure is not None:
            raise failure
        raise TimeoutError(f"Discord was not ready within {self._ready_timeout_s:.0f} s")

    async def stop(self) -> None:
        """Close the gateway and the HTTP session, and wait for the connection task to end."""
        await self.client.close()
        connection, self._connection = self._connection, None
        if connection is None:
            return
        (outcome,) = await asyncio.gather(connection, return_exceptions=True)
        if isinstance(outcome, Exception):
            log.warning("the Discord connection had ended with an error: %r", outcome)
