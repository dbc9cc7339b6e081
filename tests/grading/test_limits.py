"""Long input, caching and the reference-text mode."""

from __future__ import annotations

from bot.core.grading import Verdict
from bot.grading import EmbeddingGrader, create_grader
from bot.grading.grader import MAX_ANSWER_CHARS
from tests.grading.conftest import Find


def test_a_60_kb_answer_is_graded_on_a_prefix(grader: EmbeddingGrader, find: Find) -> None:
    sentence = "Dropout randomly disables neurons during training to reduce overfitting. "
    answer = sentence * (60_000 // len(sentence) + 1)
    assert len(answer) > 60_000
    grade = grader.grade(find("What does Dropout mean?"), answer)
    assert "truncated" in grade.flags
    assert "first part" in grade.hint
    assert 0 <= grade.score <= 100


def test_60_kb_without_spaces_or_newlines_does_not_break_anything(
    grader: EmbeddingGrader, find: Find
) -> None:
    grade = grader.grade(find("What does Dropout mean?"), "x" * 60_000)
    assert grade.score <= 30
    assert "truncated" in grade.flags


def test_reference_work_is_done_once_per_question(find: Find) -> None:
    fresh: EmbeddingGrader = create_grader()
    first, second = find("What does Dropout mean?"), find("What is Vanishing Gradient?")
    for answer in ("drops neurons at random", "stops overfitting by dropping units", "idk"):
        fresh.grade(first, answer)
    assert fresh.reference_builds == 1
    fresh.grade(second, "gradients shrink in early layers")
    fresh.grade(first, "one more answer about dropout")
    assert fresh.reference_builds == 2


def test_grading_against_a_given_reference_outside_the_bank(grader: EmbeddingGrader) -> None:
    prompt = "Why does a metal spoon feel colder than a wooden one at room temperature?"
    reference = (
        "Metal is a good thermal conductor, so it carries heat away from your hand quickly, "
        "while wood is an insulator and conducts heat slowly."
    )
    good = grader.grade_against(
        prompt,
        reference,
        "Because metal conducts heat much better than wood, it pulls heat out of the hand "
        "faster, so it feels colder even though both are at the same temperature.",
    )
    bad = grader.grade_against(
        prompt, reference, "Because the spoon was kept in the fridge before I used it."
    )
    assert good.score > bad.score
    assert good.verdict is not Verdict.INCORRECT
    assert good.covered, "key points are derived from the reference text"
    assert grader.grade_against(prompt, reference, "idk").score <= 30


def test_answer_limit_is_a_bounded_prefix() -> None:
    assert 1000 <= MAX_ANSWER_CHARS <= 10_000
