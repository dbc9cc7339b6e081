"""The score formula: semantic similarity blended with key-point coverage.

Five signals, each calibrated to 0..1 between what an off-topic answer and an excellent one
typically reach:

- `align`: soft recall of the best reference's words, weighted by importance and by how much
  each adds to the question (see `alignment.py`): how much of the answer's substance is said;
- `sentence`: cosine of the whole answer to the best reference (or its best chunk);
- `focus`: how much closer the answer is to the reference than to the question itself, which
  tells an answer that only talks around the question's topic from one that answers it;
- `points`: the share of curated key points named, in their words or in other words (see
  `semantic.py`) (bank questions only: key points derived
  from a bare reference text are its salient words, already counted by `align`, so they are
  reported as feedback but not scored again);
- `precision`: how much of what the answer adds is in the reference; a small weight, since a
  correct answer may say more than the reference does.

The weights and calibration ranges were fitted once, on the "tune" splits of both labelled
sets (`bench/data/grading_eval.jsonl`, bank questions; `bench/data/general_eval.jsonl`, other
subjects graded against one reference text), and are the same for every question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Features:
    whole: float
    part: float
    prompt: float
    recall: float
    precision: float
    coverage: float | None
    derived: bool


@dataclass(frozen=True, slots=True)
class Weights:
    align: float
    sentence: float
    focus: float
    points: float
    precision: float


RECALL_RANGE = (0.02, 0.40)
SENTENCE_RANGE = (0.35, 0.80)
FOCUS_RANGE = (-0.05, 0.25)
PRECISION_RANGE = (0.10, 0.60)
PART_DISCOUNT = 0.04
# Naming half the key points already counts as full coverage: curated lists are generous.
FULL_COVERAGE = 0.5
WEIGHTS = Weights(align=0.70, sentence=0.30, focus=0.10, points=0.35, precision=0.05)
# Blend values an excellent answer typically reaches, and an answer with nothing right.
RAW_RANGE = (0.0, 0.90)


def calibrate(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return min(1.0, max(0.0, (value - low) / (high - low)))


def combine(features: Features) -> int:
    curated = features.coverage is not None and not features.derived
    points = min(1.0, (features.coverage or 0.0) / FULL_COVERAGE) if curated else 0.0
    points_weight = WEIGHTS.points if curated else 0.0
    sentence = max(features.whole, features.part - PART_DISCOUNT)
    raw = (
        WEIGHTS.align * calibrate(features.recall, RECALL_RANGE)
        + WEIGHTS.sentence * calibrate(sentence, SENTENCE_RANGE)
        + WEIGHTS.focus * calibrate(features.whole - features.prompt, FOCUS_RANGE)
        + WEIGHTS.precision * calibrate(features.precision, PRECISION_RANGE)
        + points_weight * points
    )
    total = WEIGHTS.align + WEIGHTS.sentence + WEIGHTS.focus + WEIGHTS.precision + points_weight
    return round(100 * calibrate(raw / total, RAW_RANGE))
