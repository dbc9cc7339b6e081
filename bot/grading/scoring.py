"""The score formula: semantic similarity blended with key-point coverage.

Four signals, each calibrated to 0..1 between what an off-topic answer and an excellent one
typically reach:

- `align`: soft recall of the best reference's words (each reference word credited with its
  most similar answer word, weighted by importance): how much of the reference is said;
- `sentence`: cosine of the whole answer to the best reference (or its best chunk);
- `focus`: how much closer the answer is to the reference than to the question itself, which
  tells an answer that only talks around the question's topic from one that answers it;
- `points`: the share of key points named.

The weights and calibration ranges were fitted once on the training split of the labelled set
(`bench/data/grading_eval.jsonl`, split "tune") and are the same for every question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Features:
    whole: float
    part: float
    prompt: float
    recall: float
    coverage: float | None
    derived: bool


@dataclass(frozen=True, slots=True)
class Weights:
    align: float
    sentence: float
    focus: float
    points: float


RECALL_RANGE = (0.20, 0.60)
SENTENCE_RANGE = (0.35, 0.80)
FOCUS_RANGE = (-0.05, 0.25)
PART_DISCOUNT = 0.04
# Naming half the key points already counts as full coverage: curated lists are generous.
FULL_COVERAGE = 0.5
BANK_WEIGHTS = Weights(align=0.35, sentence=0.10, focus=0.20, points=0.35)
# Key points derived from a bare reference text are only its salient words: trust them less.
DERIVED_WEIGHTS = Weights(align=0.55, sentence=0.10, focus=0.20, points=0.15)
NO_POINTS_WEIGHTS = Weights(align=0.60, sentence=0.15, focus=0.25, points=0.0)
# Blend values an excellent answer typically reaches, and an answer with nothing right.
RAW_RANGE = (0.0, 0.95)


def calibrate(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return min(1.0, max(0.0, (value - low) / (high - low)))


def combine(features: Features) -> int:
    if features.coverage is None:
        weights, points = NO_POINTS_WEIGHTS, 0.0
    else:
        weights = DERIVED_WEIGHTS if features.derived else BANK_WEIGHTS
        points = min(1.0, features.coverage / FULL_COVERAGE)
    raw = (
        weights.align * calibrate(features.recall, RECALL_RANGE)
        + weights.sentence
        * calibrate(max(features.whole, features.part - PART_DISCOUNT), SENTENCE_RANGE)
        + weights.focus * calibrate(features.whole - features.prompt, FOCUS_RANGE)
        + weights.points * points
    )
    return round(100 * calibrate(raw, RAW_RANGE))
