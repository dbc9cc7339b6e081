from __future__ import annotations

from pathlib import Path

import pytest

from content.build import SOURCES_DIR, BuildResult, build, render_decks
from content.parsing import ParseResult, parse_document

SOURCE_FILES = {path.name[:3]: path for path in sorted(SOURCES_DIR.iterdir())}


@pytest.fixture(scope="session")
def fresh_build() -> BuildResult:
    return build()


@pytest.fixture(scope="session")
def fresh_decks(fresh_build: BuildResult) -> dict[str, str]:
    """File name → YAML text of the decks a fresh build renders."""
    return render_decks(fresh_build.questions)


@pytest.fixture(scope="session")
def parsed_sources() -> dict[str, ParseResult]:
    return {
        prefix: parse_document(path.read_text(encoding="utf-8"), path.name)
        for prefix, path in SOURCE_FILES.items()
    }


def source_text(prefix: str) -> str:
    return SOURCE_FILES[prefix].read_text(encoding="utf-8")


def source_name(prefix: str) -> str:
    return SOURCE_FILES[prefix].name


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
