"""The Telegram adapter (python-telegram-bot 22): `create_adapter` is its entry point."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bot.adapters.telegram.adapter import AdapterOptions, TelegramAdapter
from bot.config import Settings

if TYPE_CHECKING:
    from bot.core.service import StudyService

__all__ = ["AdapterOptions", "TelegramAdapter", "create_adapter"]


def create_adapter(
    settings: Settings, service: StudyService, options: AdapterOptions | None = None
) -> TelegramAdapter:
    """The adapter for `settings.telegram_token`, posting through `settings.telegram_api_url`
    (a self-hosted Bot API server) when it is set."""
    if not settings.telegram_token:
        raise ValueError("create_adapter needs settings.telegram_token")
    # PTB 22 asks for this opt-in before time periods (flood waits, poll periods) become
    # timedeltas; without it every 429 logs a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    return TelegramAdapter(
        settings.telegram_token, service, api_url=settings.telegram_api_url, options=options
    )
