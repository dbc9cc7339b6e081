"""Agreement with hand grades on both labelled sets, so a scoring change that hurts shows here.

The bank set is graded with the bank's references and key points; the other-subjects set
(CS basics and school science) only with a reference text, as `studybot grade --jsonl` does
for questions outside the bank. The thresholds sit a little under the measured figures
(`python3 -m bench.grading`), leaving room for small changes but not for a broken signal.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import median

import numpy as np

from bot.grading import EmbeddingGrader
from content.bank import Bank

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"


def _records(name: str) -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _spearman(left: list[float], right: list[float]) -> float:
    def ranks(values: list[float]) -> np.ndarray:
        array = np.asarray(values)
        # Average ranks for ties: mean position of every equal value.
        order = array.argsort(kind="stable").argsort().astype(float)
        return np.asarray([order[array == value].mean() for value in array])

    return float(np.corrcoef(ranks(left), ranks(right))[0, 1])


def test_bank_set_agreement(grader: EmbeddingGrader, bank: Bank) -> None:
    grades, scores = [], []
    for record in _records("grading_eval.jsonl"):
        question = bank.find(str(record["question_id"]))
        assert question is not None
        peers = tuple(str(peer) for peer in record.get("peers", ()))  # type: ignore[attr-defined]
        scores.append(float(grader.grade(question, str(record["answer"]), peers).score))
        grades.append(float(str(record["grade"])))
    assert _spearman(grades, scores) >= 0.85


def test_other_subjects_from_a_reference_alone(grader: EmbeddingGrader) -> None:
    records = _records("general_eval.jsonl")
    scores = [
        float(
            grader.grade_against(
                str(record["question"]), str(record["reference"]), str(record["answer"])
            ).score
        )
        for record in records
    ]
    grades = [float(str(record["grade"])) for record in records]
    assert _spearman(grades, scores) >= 0.6

    def band(low: int, high: int) -> float:
        return median(s for s, g in zip(scores, grades, strict=True) if low <= g <= high)

    # Partial and wrong answers overlap here: a wrong answer that swaps the reference's terms
    # around ("sound is faster than light") looks right to a bag-of-words model.
    assert band(90, 100) >= 80
    assert band(90, 100) > band(60, 89) > band(35, 59)
    assert band(0, 10) <= 35
