"""Every message key the core raises or sends is worded in `bot.core.messages`."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.core import errors
from bot.core.messages import MESSAGES, help_lines, text

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
KEYED = {
    "Notice",
    "UserError",
    "NotFound",
    "NotAllowed",
    "AlreadyAnswered",
    "WindowClosed",
    "BadInput",
    "NothingOpen",
}


def keys_used_in_core() -> set[str]:
    found: set[str] = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in KEYED
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_the_scan_finds_keys() -> None:
    assert {"answer.empty", "daily.low_stock", "settings.bad_time"} <= keys_used_in_core()


def test_every_key_the_core_uses_has_a_message() -> None:
    assert keys_used_in_core() - set(MESSAGES) == set()


def test_every_error_class_default_key_has_a_message() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, Exception)]
    assert {c.key for c in classes if issubclass(c, errors.UserError)} <= set(MESSAGES)


def test_unknown_keys_and_missing_parameters_still_give_text() -> None:
    assert text("no.such.key") == MESSAGES["error.generic"]
    assert text("answer.too_long") == MESSAGES["answer.too_long"]


def test_help_shows_the_points_formula_and_admin_commands_only_to_admins() -> None:
    member = "\n".join(help_lines(False))
    admin = "\n".join(help_lines(True))
    assert "difficulty weight" in member and "streak bonus" in member
    assert "/settings key=value" not in member and "/settings key=value" in admin
