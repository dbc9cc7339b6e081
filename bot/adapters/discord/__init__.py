"""The Discord adapter (discord.py 2.7): slash commands, buttons and modals in one event loop."""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    # discord.py imports `audioop` for voice, deprecated since Python 3.11; voice is not used.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from bot.adapters.discord.adapter import DiscordAdapter
from bot.config import Settings
from bot.core.service import StudyService

__all__ = ["DiscordAdapter", "create_adapter"]


def create_adapter(settings: Settings, service: StudyService, **options: Any) -> DiscordAdapter:
    """The Discord adapter for `settings`; `options` go to `DiscordAdapter` and the client."""
    if not settings.discord_token:
        raise ValueError("STUDYBOT_DISCORD_TOKEN is not set")
    options.setdefault("threads", settings.discord_threads)
    return DiscordAdapter(
        settings.discord_token, service, sharded=settings.discord_sharded, **options
    )
