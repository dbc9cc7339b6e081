"""`studybot content list|show|build` through the real command line entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from content.bank import Bank
from content.decks import DECKS_DIR


def test_list_prints_one_line_per_question(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(bank.questions)
    dropout = next(line for line in lines if line.startswith("dropout "))
    assert dropout.split()[1:4] == ["regularization", "d1", "What"]


def test_list_by_topic_as_json_gives_full_records(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "list", "--topic", "rnn-and-sequences", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["questions"]
    assert [r["id"] for r in records] == [q.id for q in bank.by_topic("rnn-and-sequences")]
    first = records[0]
    assert set(first) >= {"id", "topic", "difficulty", "prompt", "answers", "key_points"}
    assert all("text" in point for point in first["key_points"])


def test_list_with_unknown_topic_is_a_friendly_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "list", "--topic", "cooking"]) == 1
    captured = capsys.readouterr()
    assert "unknown topic 'cooking'" in captured.err and "fundamentals" in captured.err
    assert captured.out == ""


def test_show_prints_the_whole_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "show", "deep-learning"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("deep-learning  (fundamentals, difficulty 1)")
    assert "Key points:" in out and "Answer 2:" in out
    assert "003_c6922fb2a1cea782.txt 1" in out


def test_show_unknown_id_is_a_friendly_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "show", "no-such-id"]) == 1
    assert "no question with id 'no-such-id'" in capsys.readouterr().err


def test_build_into_a_directory_reproduces_the_committed_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "decks"
    assert main(["content", "build", "--output", str(output)]) == 0
    captured = capsys.readouterr()
    assert "002_7b6451005ca3038c.txt: 101 questions" in captured.out
    assert "003_c6922fb2a1cea782.txt:15: skipped" in captured.err
    built = {p.name: p.read_bytes() for p in sorted(output.glob("*.yaml"))}
    committed = {p.name: p.read_bytes() for p in sorted(DECKS_DIR.glob("*.yaml"))}
    assert built == committed
