"""`studybot grade`, for one answer and for JSON lines."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from bot.cli import main
from tests.grading.conftest import Find

DROPOUT_ANSWER = "It randomly switches off neurons during training so the network overfits less."


def test_single_answer_prints_score_verdict_and_feedback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["grade", "What does dropout mean", DROPOUT_ANSWER])
    out = capsys.readouterr().out
    assert status == 0
    first, score_line, *feedback = out.splitlines()
    assert "dropout" in first.lower()
    score, verdict = score_line.split()
    assert score.endswith("/100") and 0 <= int(score.removesuffix("/100")) <= 100
    assert verdict in {"correct", "partial", "incorrect"}
    assert any(line.startswith("Covered: ") for line in feedback)
    assert any(line.startswith("Hint: ") for line in feedback)


def test_single_answer_by_bank_id(capsys: pytest.CaptureFixture[str], find: Find) -> None:
    question = find("What does Dropout mean?")
    assert main(["grade", question.id, DROPOUT_ANSWER]) == 0
    assert capsys.readouterr().out.startswith(f"{question.id}: ")


def test_unknown_question_is_a_friendly_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["grade", "zzqx wvut", "some answer"])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert "no question in the bank matches" in captured.err


def test_missing_answer_is_a_friendly_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grade", "dropout"]) == 1
    assert "give a question and an answer" in capsys.readouterr().err


def _jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def test_jsonl_keeps_order_and_isolates_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], find: Find
) -> None:
    dropout = find("What does Dropout mean?")
    source = tmp_path / "answers.jsonl"
    source.write_text(
        _jsonl(
            {"question": dropout.id, "answer": DROPOUT_ANSWER},
            "{not json",
            {"question": "What is vanishing gradient?", "answer": "idk"},
            {"question": dropout.id},
            {"question": "qqqz xxyw", "answer": "an answer"},
            {
                "question": "Why do metals feel cold?",
                "answer": "Metal conducts heat away from the hand quickly.",
                "reference": "Metals are good thermal conductors: they draw heat from skin fast.",
            },
        ),
        encoding="utf-8",
    )
    status = main(["grade", "--jsonl", str(source)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert len(lines) == 6
    assert lines[0]["question_id"] == dropout.id and lines[0]["verdict"] == "correct"
    assert lines[1]["line"] == 2 and "not valid JSON" in lines[1]["error"]
    assert lines[2]["score"] <= 30 and "too_short" in lines[2]["flags"]
    assert lines[3] == {"line": 4, "error": 'missing "answer" (a string)'}
    assert lines[4]["line"] == 5 and "no question" in lines[4]["error"]
    assert lines[5]["question_id"] is None and lines[5]["score"] >= 40
    for graded in (lines[0], lines[2], lines[5]):
        assert {"score", "verdict", "question_id", "covered", "missed", "flags", "hint"} <= set(
            graded
        )


def test_jsonl_from_stdin_all_good_exits_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], find: Find
) -> None:
    records = [
        {"question": "What does Dropout mean?", "answer": DROPOUT_ANSWER},
        {"question": "What is mean squared error?", "answer": "The average squared error."},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO(_jsonl(*records)))
    status = main(["grade", "--jsonl", "-"])
    captured = capsys.readouterr()
    assert status == 0
    out = [json.loads(line) for line in captured.out.splitlines()]
    expected = [find(str(record["question"])).id for record in records]
    assert [line["question_id"] for line in out] == expected
    assert all("error" not in line for line in out)
    assert "grading [" not in captured.err, "no progress bar for a short file off a terminal"


def test_jsonl_missing_file_is_a_friendly_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grade", "--jsonl", str(tmp_path / "nope.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_jsonl_long_file_shows_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = {"question": "What does Dropout mean?", "answer": DROPOUT_ANSWER}
    source = tmp_path / "many.jsonl"
    source.write_text(_jsonl(*([record] * 250)), encoding="utf-8")
    assert main(["grade", "--jsonl", str(source)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 250
    assert "250/250" in captured.err


def test_jsonl_huge_fields_are_graded_on_a_prefix_without_stalling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sentence = "Metal conducts heat away from the hand quickly. "
    records = [
        {
            "question": "Why does metal feel cold? " * 5000,
            "reference": "Metal is a good thermal conductor. " * 5000,
            "answer": sentence * 20_000,
            "peers": "not a list",
        },
        {"question": "What does Dropout mean? " * 5000, "answer": DROPOUT_ANSWER},
    ]
    source = tmp_path / "huge.jsonl"
    source.write_text(_jsonl(*records), encoding="utf-8")
    started = time.perf_counter()
    assert main(["grade", "--jsonl", str(source)]) == 0
    assert time.perf_counter() - started < 5
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "truncated" in first["flags"] and first["question_id"] is None
    assert second["question_id"] is not None and second["score"] >= 0
