"""The labelled evaluation set stays usable: ids resolve, kinds and grades are sane."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from content.bank import Bank

EVAL_FILE = Path(__file__).resolve().parents[2] / "bench" / "data" / "grading_eval.jsonl"
KINDS = {
    "excellent",
    "good",
    "partial",
    "vague",
    "wrong",
    "off_topic",
    "echo",
    "keywords",
    "copy",
    "unreadable",
    "injection",
    "too_short",
}


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVAL_FILE.read_text(encoding="utf-8").splitlines()]


def test_every_question_id_resolves_in_the_bank(bank: Bank) -> None:
    missing = sorted(
        {str(row["question_id"]) for row in _rows() if bank.find(str(row["question_id"])) is None}
    )
    assert missing == []


def test_set_is_large_varied_and_graded() -> None:
    rows = _rows()
    assert len(rows) >= 200
    assert len({row["question_id"] for row in rows}) >= 40
    kinds = Counter(str(row["kind"]) for row in rows)
    assert set(kinds) == KINDS
    assert all(0 <= int(str(row["grade"])) <= 100 for row in rows)
    assert all(row["peers"] for row in rows if row["kind"] == "copy")
    assert {row["split"] for row in rows} == {"tune", "holdout"}


GENERAL_FILE = EVAL_FILE.with_name("general_eval.jsonl")


def test_other_subjects_set_is_graded_against_references() -> None:
    rows = [json.loads(line) for line in GENERAL_FILE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 120
    by_question: dict[str, set[str]] = {}
    for row in rows:
        assert {"question", "reference", "answer", "grade", "split", "style"} <= set(row)
        assert 0 <= int(row["grade"]) <= 100
        by_question.setdefault(row["question"], set()).add(row["reference"])
    assert len(by_question) >= 20
    assert all(len(references) == 1 for references in by_question.values())
    verdicts = Counter(
        "correct" if int(row["grade"]) >= 70 else "partial" if int(row["grade"]) >= 25 else "wrong"
        for row in rows
    )
    assert min(verdicts.values()) >= len(rows) // 5, verdicts
