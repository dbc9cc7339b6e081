"""Interaction helpers every part of the adapter shares: who asked, where, with what rights,
and the runner that takes a command through the core."""

from __future__ import annotations

from typing import Protocol

import discord

from bot.core.answering import AnswerTarget
from bot.core.commands import Command, Window
from bot.core.errors import NotAllowed
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Reply

Interaction = discord.Interaction[discord.Client]


class StudyCore(Protocol):
    """The part of the study service the Discord adapter calls."""

    async def handle(self, command: Command) -> list[Reply]: ...

    async def chat_seen(self, chat: ChatRef) -> None: ...

    async def chat_gone(self, chat: ChatRef) -> None: ...

    async def answer_target(self, chat: ChatRef) -> AnswerTarget | None: ...


class Runner(Protocol):
    """Runs a command for an interaction and answers it (implemented by `AdapterContext`)."""

    service: StudyCore
    threads: bool

    async def run(
        self,
        interaction: Interaction,
        command: Command,
        *,
        ephemeral: bool = True,
        extra_view: discord.ui.View | None = None,
    ) -> list[Reply]: ...

    async def show_leaderboard_page(
        self, interaction: Interaction, window: Window, page: int
    ) -> None: ...


def runner_of(interaction: Interaction) -> Runner:
    runner: Runner | None = getattr(interaction.client, "study", None)
    if runner is None:
        raise RuntimeError("interaction from a client without a study context")
    return runner


def chat_of_guild(guild: discord.Guild) -> ChatRef:
    """One study chat per server; the daily channel is a setting of that chat."""
    return ChatRef("discord", str(guild.id), title=guild.name or "")


def chat_of(interaction: Interaction) -> ChatRef:
    if interaction.guild is not None:
        return chat_of_guild(interaction.guild)
    if interaction.guild_id is None:
        # Commands are guild-only; a stray button click in a DM ends here.
        raise NotAllowed()
    return ChatRef("discord", str(interaction.guild_id))


def user_of(user: discord.abc.User) -> UserRef:
    return UserRef("discord", str(user.id), user.display_name)


def is_admin(interaction: Interaction) -> bool:
    """Discord's rule for a study admin: the Manage Server permission."""
    return interaction.permissions.manage_guild


def origin(interaction: Interaction) -> tuple[ChatRef, UserRef, bool]:
    """Where, who and with what rights: the first three fields of every command."""
    return chat_of(interaction), user_of(interaction.user), is_admin(interaction)


async def defer(interaction: Interaction, *, ephemeral: bool) -> None:
    """Acknowledge now: grading and the database may take longer than Discord's 3 seconds."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
