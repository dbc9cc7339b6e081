from __future__ import annotations

from collections.abc import Callable

import pytest

from content.bank import Bank
from content.model import Question

Find = Callable[[str], Question]


@pytest.fixture(scope="session")
def find(bank: Bank) -> Find:
    """Look a bank question up by its wording, so tests survive id changes."""

    def lookup(text: str) -> Question:
        matches = bank.search(text, limit=1)
        assert matches, f"no bank question matches {text!r}"
        return matches[0]

    return lookup
