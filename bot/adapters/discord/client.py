"""The discord.py client: intents, mentions, the command tree and the server events."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.adapters.discord.boundary import StudyTree
from bot.adapters.discord.commands import COMMANDS
from bot.adapters.discord.components import DYNAMIC_ITEMS
from bot.adapters.discord.context import AdapterContext
from bot.adapters.discord.runtime import chat_of_guild

log = logging.getLogger(__name__)

# discord.py waits this long after the last server arrives before it calls the client ready.
GUILD_READY_TIMEOUT_S = 2.0


def study_intents() -> discord.Intents:
    """Only the guilds intent: slash commands, buttons and modals need nothing privileged."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class StudyEvents:
    """Server events both client kinds share."""

    study: AdapterContext

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.study.service.chat_seen(chat_of_guild(guild))

    async def on_guild_available(self, guild: discord.Guild) -> None:
        # Also at every start: a server that added the bot while it was offline gets its
        # schedule without waiting for someone to run a command.
        await self.study.service.chat_seen(chat_of_guild(guild))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.study.service.chat_gone(chat_of_guild(guild))


class StudyClient(StudyEvents, discord.Client):
    def __init__(self, study: AdapterContext, **options: Any) -> None:
        super().__init__(**options)
        self.study = study
        self.tree = StudyTree(self)


class ShardedStudyClient(StudyEvents, discord.AutoShardedClient):
    def __init__(self, study: AdapterContext, **options: Any) -> None:
        super().__init__(**options)
        self.study = study
        self.tree = StudyTree(self)


def build_client(
    study: AdapterContext, *, sharded: bool, **options: Any
) -> StudyClient | ShardedStudyClient:
    """A client with the commands and persistent buttons registered; not yet connected."""
    options.setdefault("intents", study_intents())
    options.setdefault("allowed_mentions", discord.AllowedMentions.none())
    options.setdefault("guild_ready_timeout", GUILD_READY_TIMEOUT_S)
    client = (ShardedStudyClient if sharded else StudyClient)(study, **options)
    for command in COMMANDS:
        client.tree.add_command(command)
    client.add_dynamic_items(*DYNAMIC_ITEMS)
    return client
