"""The README's two commands are the ones CI and newcomers actually run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    return re.findall(r"```bash\n(.+?)\n```", quick_start)[:2]


def test_readme_gives_a_run_command_and_a_test_command() -> None:
    run_command, test_command = readme_commands()
    assert "pip install" in run_command and "python3 -m bot" in run_command
    assert '".[test]"' in test_command and "pytest" in test_command


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    _, test_command = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines
