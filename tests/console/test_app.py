"""The composition root: adapters start, then the scheduler; SIGTERM stops them in order."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot import app
from bot.adapters.base import PlatformAdapter
from bot.config import Settings
from bot.core.ports import Outbox
from bot.core.refs import ChatRef, Platform
from bot.core.replies import Reply
from bot.core.scheduling import StudyScheduler
from bot.core.service import StudyService


class NullOutbox:
    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        return None


class FakeAdapter:
    platform: Platform = "telegram"

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self._outbox = NullOutbox()

    @property
    def outbox(self) -> Outbox:
        return self._outbox

    async def start(self) -> None:
        self.events.append("adapter started")
        asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)

    async def stop(self) -> None:
        self.events.append("adapter stopped")


async def test_sigterm_stops_adapters_then_scheduler_then_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []

    def adapters(settings: Settings, service: StudyService) -> list[PlatformAdapter]:
        return [FakeAdapter(events)]

    monkeypatch.setattr(app, "create_adapters", adapters)
    original_shutdown = StudyScheduler.shutdown

    def shutdown(self: StudyScheduler) -> None:
        events.append("scheduler stopped")
        original_shutdown(self)

    monkeypatch.setattr(StudyScheduler, "shutdown", shutdown)
    settings = Settings(database=tmp_path / "app.db", telegram_token="x")
    assert await app.run_platforms(settings) == 0
    assert events == ["adapter started", "adapter stopped", "scheduler stopped"]
    assert not asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)


def test_no_tokens_means_no_platform_adapters(tmp_path: Path) -> None:
    settings = Settings(database=tmp_path / "none.db")
    assert app.create_adapters(settings, object()) == []  # type: ignore[arg-type]
