"""The adapter's runner: a command through the core, its replies back as follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.adapters.discord.render import Outgoing, render, render_leaderboard
from bot.adapters.discord.runtime import Interaction, StudyCore, defer, origin
from bot.core.commands import Command, ShowLeaderboard, Window
from bot.core.replies import Leaderboard, Reply


async def send_followups(
    interaction: Interaction, messages: Sequence[Outgoing], *, ephemeral: bool
) -> None:
    for outgoing in messages:
        await interaction.followup.send(**outgoing.kwargs(), ephemeral=ephemeral)


@dataclass
class AdapterContext:
    """The core as the Discord side sees it; reachable as `interaction.client.study`."""

    service: StudyCore
    threads: bool = False  # a thread is opened under every daily post

    async def run(
        self,
        interaction: Interaction,
        command: Command,
        *,
        ephemeral: bool = True,
        extra_view: discord.ui.View | None = None,
    ) -> list[Reply]:
        """Defer, run `command` through the core, and send its replies as follow-ups.

        `extra_view` goes on the last message (a confirm button, for instance)."""
        await defer(interaction, ephemeral=ephemeral)
        await self.service.chat_seen(command.chat)
        replies = await self.service.handle(command)
        outgoing = [render(reply) for reply in replies]
        if extra_view is not None and outgoing:
            last = outgoing[-1]
            outgoing[-1] = Outgoing(content=last.content, embed=last.embed, view=extra_view)
        await send_followups(interaction, outgoing, ephemeral=ephemeral)
        return replies

    async def show_leaderboard_page(
        self, interaction: Interaction, window: Window, page: int
    ) -> None:
        """Replace the leaderboard message a page button sits on with page `page`."""
        await interaction.response.defer()
        chat, user, admin = origin(interaction)
        replies = await self.service.handle(ShowLeaderboard(chat, user, admin, window=window))
        board = next(reply for reply in replies if isinstance(reply, Leaderboard))
        edited = render_leaderboard(board, page).kwargs()
        edited.setdefault("view", None)
        await interaction.edit_original_response(**edited)
