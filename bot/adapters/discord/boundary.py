"""The adapter's one error boundary: commands, buttons and modals all end up here.

A `UserError` becomes its friendly message, a permission refusal a polite no, and anything else
is logged with its context and answered with a short apology. Nothing escapes to the loop.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import discord
from discord import app_commands

from bot.adapters.discord import wording
from bot.adapters.discord.runtime import Interaction
from bot.core.errors import BadInput, NotAllowed, UserError

log = logging.getLogger(__name__)


def unwrap(error: BaseException) -> BaseException:
    """The exception the command itself raised, without discord.py's wrapper."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError):
        # An option Discord sent that does not resolve (a member who left): the member's input.
        return BadInput()
    return error


def action_of(interaction: Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: Mapping[str, object] = interaction.data or {}
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if isinstance(custom_id, str) else str(interaction.type)


def friendly_text(interaction: Interaction, error: BaseException) -> str:
    """The member's message for `error`, as Discord markdown."""
    if isinstance(error, app_commands.CheckFailure):
        error = NotAllowed()
    if isinstance(error, UserError):
        return wording.text(error.key, **error.params)
    log.error(
        "unexpected error in %s (guild %s, user %s)",
        action_of(interaction),
        interaction.guild_id,
        interaction.user.id if interaction.user else None,
        exc_info=error,
    )
    return wording.text("error.internal")


async def handle_error(interaction: Interaction, error: BaseException) -> None:
    """Answer `interaction` about `error` privately; never raises."""
    error = unwrap(error)
    text = friendly_text(interaction, error)
    if interaction.type is discord.InteractionType.autocomplete:
        return
    try:
        await tell(interaction, text)
    except discord.HTTPException as failure:
        log.warning("could not report an error to the member: %s", failure)


async def tell(interaction: Interaction, text: str) -> None:
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=mentions)


class StudyTree(app_commands.CommandTree[discord.Client]):
    """The command tree with the adapter's error boundary."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await handle_error(interaction, error)
