"""Shared fixtures for the fault tests: the shipped question bank and the real grader."""

from __future__ import annotations

import pytest

from bot.core.grading import Grader
from bot.grading import create_grader
from content.bank import Bank, load_bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def grader() -> Grader:
    return create_grader()
