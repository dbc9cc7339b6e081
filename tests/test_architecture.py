"""The core and storage stay free of platform imports, so every adapter shares one behaviour."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_MODULES = {"discord", "telegram"}
PLATFORM_FREE = [ROOT / "bot" / "core", ROOT / "storage", ROOT / "content"]


def imported_top_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_walker_sees_platform_imports() -> None:
    assert imported_top_modules("import discord\nfrom telegram.ext import Application") == {
        "discord",
        "telegram",
    }


@pytest.mark.parametrize("package", PLATFORM_FREE, ids=lambda p: p.name)
def test_no_platform_imports(package: Path) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {sorted(found)}"
        for path in sorted(package.rglob("*.py"))
        if (found := imported_top_modules(path.read_text(encoding="utf-8")) & PLATFORM_MODULES)
    ]
    assert offenders == []
