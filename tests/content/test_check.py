"""`content check`: every fault in a deck, each with its own line, in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.content.conftest import write

BROKEN_DECK = """\
deck: broken
colour: red
questions:
  - id: Bad Id
    topic: cooking
    difficulty: 7
    prompt: What is dropout?
    answers:
      - Dropout randomly deactivates neurons during training to prevent overfitting.
    key_points:
      - text: dropout
      - text: batch normalization
    colour: blue
  - id: empty-answers
    topic: regularization
    difficulty: 2
    prompt: ""
    answers: []
    key_points: [a, b, c]
  - id: empty-answers
    topic: regularization
    difficulty: one
    prompt: Why?
    key_points:
      - text: dropout
        synonyms: [drop-out]
  - id: relu
    topic: activations
    difficulty: 1
    difficulty: 2
    prompt: What is ReLU?
    answers:
      - ReLU is max(0, x), cheap to compute, and avoids saturation for positive inputs.
    key_points:
      - [max(0, x), cheap to compute]
      - text: rectifier
        aliases: [max(0, x)]
      - text: saturation
      - text: positive inputs
"""

# (line, message fragment) for every fault planted above.
EXPECTED = [
    (2, "unknown deck field 'colour'"),
    (4, "id must be a slug"),
    (5, "unknown topic 'cooking'"),
    (6, "difficulty must be 1 to 3, not 7"),
    (10, "2 key points; a question needs 3 to 8"),
    (12, "key point 'batch normalization' is not mentioned in any answer"),
    (13, "unknown field 'colour'"),
    (17, "prompt must be non-empty text"),
    (18, "answers must be a non-empty list of texts"),
    (20, "duplicate id 'empty-answers' (first at"),
    (20, "question is missing 'answers'"),
    (22, "difficulty must be 1 to 3, not one"),
    (24, "1 key points; a question needs 3 to 8"),
    (26, "unknown key point field 'synonyms'"),
    (30, "duplicate field 'difficulty'"),
    (35, "a key point is text or a mapping with 'text' and 'aliases'"),
    (36, "key point form 'max(0' has unbalanced brackets"),
    (36, "key point form 'x)' has unbalanced brackets"),
]


def _errors(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(["content", "check", *args])
    return status, capsys.readouterr().out.splitlines()


def test_check_reports_every_fault_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write(tmp_path / "broken.yaml", BROKEN_DECK)
    status, lines = _errors(capsys, str(deck))
    assert status == 1
    for line, fragment in EXPECTED:
        assert any(out.startswith(f"{deck}:{line}: ") and fragment in out for out in lines), (
            f"line {line}: {fragment}\n" + "\n".join(lines)
        )
    assert len(lines) == len(EXPECTED)


def test_invalid_yaml_is_reported_with_its_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = write(tmp_path / "bad.yaml", "questions:\n  - id: a\n    prompt: x: y\n")
    other = write(tmp_path / "tabs.yaml", "questions:\n\t- id: tab\n")
    unclosed = write(tmp_path / "unclosed.yaml", "questions:\n  - id: [a\n\n  - b: c\n")
    status, lines = _errors(capsys, str(tmp_path))
    assert status == 1
    assert any(line.startswith(f"{deck}:3: invalid YAML") for line in lines), lines
    assert any(line.startswith(f"{other}:2: invalid YAML") for line in lines), lines
    assert any(line.startswith(f"{unclosed}:") and "starts at line 2" in line for line in lines), (
        lines
    )


def test_duplicate_ids_across_files_and_non_mapping_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (Path(__file__).parent / "data" / "good.yaml").read_text(encoding="utf-8")
    write(tmp_path / "a.yaml", good)
    copy = write(tmp_path / "b.yaml", good)
    listing = write(tmp_path / "c.yaml", "- just\n- a list\n")
    empty = write(tmp_path / "d.yaml", "")
    status, lines = _errors(capsys, str(tmp_path))
    assert status == 1
    assert f"{copy}:2: duplicate id 'what-is-dropout' (first at {tmp_path / 'a.yaml'}:2)" in lines
    assert any(line.startswith(f"{listing}:1: a deck must be a mapping") for line in lines)
    assert any(line.startswith(f"{empty}:1: empty deck") for line in lines)


def test_key_points_must_be_short_phrases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (Path(__file__).parent / "data" / "good.yaml").read_text(encoding="utf-8")
    deck = write(
        tmp_path / "long.yaml",
        good.replace("- regularization", "- dropout randomly deactivates neurons during training"),
    )
    status, lines = _errors(capsys, str(deck))
    assert status == 1
    assert lines == [
        f"{deck}:14: key point 'dropout randomly deactivates neurons during training' "
        "is longer than 5 words"
    ]


def test_check_passes_the_built_decks_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = _errors(capsys)
    assert status == 0
    assert len(lines) == 1 and lines[0].startswith("ok: ") and "questions in" in lines[0]


def test_check_of_a_missing_path_is_a_friendly_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file or directory" in capsys.readouterr().err


def test_check_of_a_directory_without_decks_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "notes.txt", "not a deck")
    assert main(["content", "check", str(tmp_path)]) == 1
    assert f"no deck files (*.yaml) in {tmp_path}" in capsys.readouterr().err


def test_error_summary_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = write(tmp_path / "one.yaml", "questions: 7\n")
    assert main(["content", "check", str(deck)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"{deck}:1: 'questions' must be a list"]
    assert "1 error in 1 deck file" in captured.err
