"""Key-point matching: aliases, inflections, hyphenation and small typos."""

from __future__ import annotations

import pytest

from bot.grading.keypoints import answer_vocabulary, derive_points, matcher_for
from bot.grading.text import stem, within_edits
from content.model import KeyPoint

POINT = KeyPoint("vanishing gradient", ("gradients vanish",))


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        (POINT, "the gradients vanished in early layers"),
        (POINT, "Vanishing gradients are the issue"),
        (POINT, "a vanishng gradiant"),
        (KeyPoint("ReLU", ("rectified linear unit",)), "we used a rectified linear unit"),
        (KeyPoint("self-attention"), "it relies on self attention"),
        (KeyPoint("regularization"), "it acts as a regularizer"),
        (KeyPoint("overfitting"), "so the model overfits less"),
    ],
)
def test_point_is_found(point: KeyPoint, answer: str) -> None:
    assert matcher_for(point).found_in(answer_vocabulary(answer))


@pytest.mark.parametrize(
    ("point", "answer"),
    [
        (POINT, "exploding gradients are the issue"),
        (KeyPoint("ReLU"), "relative learning rates"),
        (KeyPoint("overfitting"), "the model underfits"),
    ],
)
def test_point_is_not_found(point: KeyPoint, answer: str) -> None:
    assert not matcher_for(point).found_in(answer_vocabulary(answer))


def test_inflections_share_a_stem() -> None:
    assert stem("normalization") == stem("normalizing") == stem("normalise")
    assert stem("gradients") == stem("gradient")


def test_typo_budget_is_bounded() -> None:
    assert within_edits("gradient", "gradiant", 1)
    assert not within_edits("gradient", "grandpa", 1)


def test_derived_points_skip_question_words_and_filler() -> None:
    points = derive_points(
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "What does photosynthesis do?",
    )
    texts = [point.text for point in points]
    assert texts
    assert "photosynthesis" not in texts
    assert "into" not in texts


def test_derived_points_join_adjacent_terms_and_skip_repeats() -> None:
    points = derive_points(
        "Plants use the energy in sunlight to make their own food (sugar) from carbon dioxide "
        "and water by photosynthesis; the sugars feed the plant.",
        "Why do plants need sunlight?",
    )
    texts = [point.text for point in points]
    assert "carbon dioxide" in texts
    assert not {"carbon", "dioxide", "plants", "sunlight"} & set(texts)
    stems = [stem(word) for text in texts for word in text.split()]
    assert len(stems) == len(set(stems)), texts


def test_derived_points_of_a_reference_that_only_repeats_the_question() -> None:
    assert derive_points("Dropout.", "What is dropout?") == ()
