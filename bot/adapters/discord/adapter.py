"""The Discord adapter: runs the client inside the running event loop and stops it cleanly.

The client is used the way discord.py documents for sharing a loop: `async with client:` around
`client.start(token)` (never `client.run`, which takes the loop over), here as a background task
so the Telegram side and the scheduler run beside it.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from typing import Any

import discord

from bot.adapters.discord.client import ShardedStudyClient, StudyClient, build_client
from bot.adapters.discord.context import AdapterContext
from bot.adapters.discord.outbox import DiscordOutbox
from bot.adapters.discord.runtime import StudyCore
from bot.config import ConfigError
from bot.core.refs import Platform

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0
BAD_TOKEN = (
    "Discord rejected the bot token in STUDYBOT_DISCORD_TOKEN. Copy it again from the "
    "Developer Portal (your application > Bot > Reset Token)."
)


class TokenRejected(ConfigError, discord.LoginFailure):
    """Discord refused the token: a configuration error (`studybot run` prints it and exits)."""


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
            AdapterContext(service, threads=threads), sharded=sharded, **client_options
        )
        self._outbox = DiscordOutbox(self.client, service, threads=threads)
        self._stack = AsyncExitStack()
        self._connection: asyncio.Task[None] | None = None

    @property
    def outbox(self) -> DiscordOutbox:
        return self._outbox

    async def start(self) -> None:
        """Log in and connect in the background, wait until ready, then sync the commands."""
        await self._stack.enter_async_context(self.client)
        self._connection = asyncio.create_task(
            self.client.start(self._token), name="discord-gateway"
        )
        self._connection.add_done_callback(connection_ended)
        try:
            await self._wait_until_ready(self._connection)
        except discord.LoginFailure:
            await self.stop()
            raise TokenRejected(BAD_TOKEN) from None
        except BaseException:
            await self.stop()
            raise
        await self._sync_commands()

    async def _sync_commands(self) -> None:
        # Discord keeps the last synced commands, so a failed sync leaves them working: the bot
        # carries on rather than refusing to start.
        try:
            synced = await self.client.tree.sync()
        except discord.HTTPException as error:
            log.error("could not sync the slash commands with Discord: %s", error)
            return
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
        await self._stack.aclose()
        connection, self._connection = self._connection, None
        if connection is None:
            return
        (outcome,) = await asyncio.gather(connection, return_exceptions=True)
        if isinstance(outcome, discord.LoginFailure):
            return  # already reported by `start`
        if isinstance(outcome, Exception):
            log.warning("the Discord connection had ended with an error: %r", outcome)


def connection_ended(connection: asyncio.Task[None]) -> None:
    """Say so at once when the gateway connection ends on its own with an error.

    discord.py reconnects after ordinary drops; what ends the task is fatal (a revoked token,
    intents the application may not use) and needs the operator."""
    if connection.cancelled():
        return
    error = connection.exception()
    if error is not None and not isinstance(error, discord.LoginFailure):
        log.error("the Discord connection ended: %r; restart the bot once it is fixed", error)
