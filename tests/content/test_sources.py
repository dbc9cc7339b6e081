"""The five seed documents: every question found, nothing invented, gaps reported."""

from __future__ import annotations

import pytest

from content.build import BuildResult
from content.parsing import ParseResult
from tests.content.conftest import source_name

# Counted by hand in each document: 000 has ten `# ` headings after its title; 001 numbers
# 1-16 without 7; 002 has Part 1 Q0-Q28, Part 2 Q1-Q11, Part 3 Q1-Q39, Part 4 Q1-Q22; 003 has
# 1-50 plus 15.1, and 5) has no answer; 004 has `## 1.` to `## 15.`.
EXPECTED_COUNTS = {"000": 10, "001": 15, "002": 29 + 11 + 39 + 22, "003": 50, "004": 15}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_COUNTS))
def test_each_document_yields_exactly_its_questions(
    prefix: str, parsed_sources: dict[str, ParseResult], fresh_build: BuildResult
) -> None:
    assert len(parsed_sources[prefix].questions) == EXPECTED_COUNTS[prefix]
    assert fresh_build.found[source_name(prefix)] == EXPECTED_COUNTS[prefix]


def test_question_without_answer_is_reported_with_file_and_line(
    fresh_build: BuildResult,
) -> None:
    unanswered = [s for s in fresh_build.skipped if s.reason == "no answer text"]
    assert [(s.document, s.line) for s in unanswered] == [(source_name("003"), 15)]
    assert "Explain architecture of neural network" in unanswered[0].text
    assert str(unanswered[0]).startswith(f"{source_name('003')}:15: ")


def test_unanswered_question_is_left_out_of_the_bank(fresh_build: BuildResult) -> None:
    prompts = [q.prompt.lower() for q in fresh_build.questions]
    assert not any("architecture of neural network" in prompt for prompt in prompts)
    assert all(answer.strip() for q in fresh_build.questions for answer in q.answers)


def test_document_title_is_not_a_question(parsed_sources: dict[str, ParseResult]) -> None:
    first = parsed_sources["000"]
    assert "Important-Questions" not in " ".join(q.prompt for q in first.questions)
    assert first.skipped[0].line == 1 and "title" in first.skipped[0].reason


def test_comparison_heading_becomes_a_question(parsed_sources: dict[str, ParseResult]) -> None:
    first = parsed_sources["000"].questions[0]
    assert first.prompt == "How do VGG16 and ResNet50 differ?"
    assert first.locator.startswith("VGG16 and ResNet50 are both popular")


def test_bold_layout_handles_glued_title_heading_markers_and_gaps(
    parsed_sources: dict[str, ParseResult],
) -> None:
    questions = parsed_sources["001"].questions
    numbers = [q.locator for q in questions]
    assert numbers == [str(n) for n in range(1, 17) if n != 7]
    assert questions[0].prompt.startswith("What is the purpose of the activation function")
    assert "AI / ML Training" not in questions[0].prompt
    assert questions[-1].prompt.startswith("Describe the evaluation metrics")


def test_parts_are_sections_and_numbers_restart(parsed_sources: dict[str, ParseResult]) -> None:
    questions = parsed_sources["002"].questions
    assert questions[0].locator == "Part 1 Q0"
    assert [q.locator for q in questions if q.locator.endswith(" Q1")] == [
        "Part 1 Q1",
        "Part 2 Q1",
        "Part 3 Q1",
        "Part 4 Q1",
    ]
    tensorflow = next(q for q in questions if q.locator == "Part 2 Q1")
    assert "Tensorflow, Keras and Pytorch" in tensorflow.section


def test_long_answers_keep_sub_headings_and_code(parsed_sources: dict[str, ParseResult]) -> None:
    code_question = next(q for q in parsed_sources["004"].questions if q.locator == "6")
    assert "# Load and preprocess the MNIST dataset" in code_question.answer
    assert "### **Explanation of the Code:**" in code_question.answer
