"""Fixtures every test package shares: the bank and the grader are loaded once per run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.grading import create_grader
from bot.grading.grader import EmbeddingGrader
from content.bank import Bank, load_bank
from storage import Database


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def grader() -> EmbeddingGrader:
    return create_grader()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a real SQLite file of the test's own."""
    database = await Database.open(tmp_path / "study.db")
    yield database
    await database.close()
