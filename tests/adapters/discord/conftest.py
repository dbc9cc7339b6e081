"""Fixtures: a fake Discord on 127.0.0.1, the real study service on a real SQLite file, and the
real discord.py client connected to the one through the adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.discord import DiscordAdapter, create_adapter
from bot.config import Settings
from bot.core.grading import Grader
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.adapters.discord.discord_payloads import TOKEN
from tests.adapters.discord.fake_discord import FakeDiscord


@pytest.fixture
def service(db: Database, bank: Bank, grader: Grader) -> StudyService:
    return StudyService(db, bank, grader)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord().running() as server:
        yield server


FAST_READY_S = 0.05


def make_adapter(
    service: StudyService, settings: Settings | None = None, **options: object
) -> DiscordAdapter:
    adapter = create_adapter(
        settings or Settings(discord_token=TOKEN),
        service,
        guild_ready_timeout=FAST_READY_S,
        **options,
    )
    service.register_outbox("discord", adapter.outbox)
    return adapter


@pytest.fixture
async def adapter(fake: FakeDiscord, service: StudyService) -> AsyncIterator[DiscordAdapter]:
    running = make_adapter(service)
    await running.start()
    yield running
    await running.stop()
