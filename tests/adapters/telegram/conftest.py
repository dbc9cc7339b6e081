"""Fixtures: the fake Bot API server, the real core (SQLite in tmp_path, the shipped question bank
and grader) and the real Telegram adapter polling the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.telegram import AdapterOptions, TelegramAdapter, create_adapter
from bot.adapters.telegram.delivery import RetryPolicy
from bot.adapters.telegram.flood import FloodLimits
from bot.config import Settings
from bot.core.service import StudyService
from bot.grading import EmbeddingGrader
from content.bank import Bank
from storage import Database
from tests.adapters.telegram.fake_api import TOKEN, FakeTelegram

# Flood windows a thousand times shorter, quick retries and 429 waits capped at a quarter
# second keep the suite fast while the same code paths run.
FAST = AdapterOptions(
    poll_timeout=1.0,
    flood=FloodLimits().scaled(0.001),
    retry=RetryPolicy(base_delay=0.01, max_delay=0.05, max_flood_wait=0.25),
)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours HTTP(S)_PROXY even for 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = await Database.open(tmp_path / "studybot.db")
    yield db
    await db.close()


@pytest.fixture
def service(database: Database, bank: Bank, grader: EmbeddingGrader) -> StudyService:
    return StudyService(database, bank, grader)


def settings_for(fake: FakeTelegram, tmp_path: Path) -> Settings:
    return Settings(
        database=tmp_path / "studybot.db", telegram_token=TOKEN, telegram_api_url=fake.base_url
    )


@pytest.fixture
async def adapter(
    fake: FakeTelegram, service: StudyService, tmp_path: Path
) -> AsyncIterator[TelegramAdapter]:
    running = create_adapter(settings_for(fake, tmp_path), service, FAST)
    service.register_outbox(running.platform, running.outbox)
    await running.start()
    yield running
    await running.stop()
