"""Key points said in other words are covered; off-topic and wrong answers gain nothing."""

from __future__ import annotations

import time

import pytest

from bot.grading import EmbeddingGrader, create_grader, semantic
from bot.grading.alignment import WordSet
from bot.grading.embedder import StaticEmbedder
from bot.grading.keypoints import answer_vocabulary, matcher_for
from bot.grading.semantic import paraphrased, prepare_points, window_vectors
from content.model import Question
from tests.grading.conftest import Find

DROPOUT = "What is dropout and how does it work?"
VANISHING = "What is the vanishing gradient problem, and how does it affect a neural network?"

# Answers members wrote, each naming a key point only in its own words.
PARAPHRASES = (
    (
        DROPOUT,
        "Dropout randomly switches off neurons during training so the network can't rely on "
        "specific units, which regularizes it and reduces overfitting.",
        "not relying on particular features",
    ),
    (
        VANISHING,
        "gradients get tiny in early layers so they stop learning; use relu, residual "
        "connections or batchnorm",
        "gradients become very small",
    ),
)

OFF_TOPIC = (
    (DROPOUT, "Dropout is when you drop out of school"),
    (DROPOUT, "Boil the pasta in salted water for ten minutes, then drain it and add the sauce."),
    (
        VANISHING,
        "The stock market fell sharply today after the central bank raised interest rates.",
    ),
    (VANISHING, "My cat sleeps on the sofa all afternoon and wakes up hungry in the evening."),
)


def said_in_words(question: Question, point: str, answer: str) -> bool:
    key_point = next(item for item in question.key_points if item.text == point)
    return matcher_for(key_point).found_in(answer_vocabulary(answer))


def stretch_matches(embedder: StaticEmbedder, question: Question, answer: str) -> set[int]:
    """What the similarity alone finds, for every key point, before any gate applies."""
    prompt = WordSet(*embedder.word_vectors(question.prompt))
    points = prepare_points(embedder, [point.forms for point in question.key_points], prompt)
    windows = window_vectors(embedder, answer, prompt)
    return paraphrased(points, windows, range(len(question.key_points)))


@pytest.fixture(scope="module")
def embedder() -> StaticEmbedder:
    return StaticEmbedder()


@pytest.mark.parametrize(("wording", "answer", "point"), PARAPHRASES)
def test_a_key_point_said_in_other_words_is_covered(
    grader: EmbeddingGrader, find: Find, wording: str, answer: str, point: str
) -> None:
    question = find(wording)
    assert not said_in_words(question, point, answer)  # the word matcher alone misses it
    grade = grader.grade(question, answer)
    assert point in grade.covered
    assert point not in grade.missed


def test_paraphrase_coverage_raises_the_score(
    grader: EmbeddingGrader, find: Find, monkeypatch: pytest.MonkeyPatch
) -> None:
    question, answer = find(VANISHING), PARAPHRASES[1][1]
    with_paraphrases = grader.grade(question, answer).score
    monkeypatch.setattr(semantic, "THRESHOLD", 2.0)  # no stretch can reach it: words only
    assert with_paraphrases > create_grader().grade(question, answer).score


@pytest.mark.parametrize(("wording", "answer"), OFF_TOPIC)
def test_off_topic_answers_match_no_key_point(
    grader: EmbeddingGrader, embedder: StaticEmbedder, find: Find, wording: str, answer: str
) -> None:
    question = find(wording)
    assert stretch_matches(embedder, question, answer) == set()
    assert grader.grade(question, answer).covered == ()


def test_a_wrong_answer_on_the_subject_gains_no_coverage(
    grader: EmbeddingGrader, embedder: StaticEmbedder, find: Find
) -> None:
    """Some of its stretches lie near key points ("too small"), but an answer that does not
    already earn half marks is not credited for them."""
    question = find(VANISHING)
    answer = (
        "It is when the dataset is too small so the loss disappears and the model has nothing "
        "to learn from."
    )
    assert stretch_matches(embedder, question, answer)  # the similarity alone would credit it
    grade = grader.grade(question, answer)
    lexical = {
        point.text for point in question.key_points if said_in_words(question, point.text, answer)
    }
    assert set(grade.covered) == lexical


def test_a_bag_of_keywords_does_not_profit(grader: EmbeddingGrader, find: Find) -> None:
    question = find(VANISHING)
    answer = "gradients tiny layers stop learning relu residual batchnorm"
    grade = grader.grade(question, answer)
    assert "keywords" in grade.flags
    assert grade.score <= 30
    lexical = {
        point.text for point in question.key_points if said_in_words(question, point.text, answer)
    }
    assert set(grade.covered) == lexical


def test_key_point_vectors_are_built_once_per_question(find: Find) -> None:
    grader = create_grader()
    question = find(DROPOUT)
    for answer in (PARAPHRASES[0][1], "Neurons are turned off at random while training."):
        grader.grade(question, answer)
    assert grader.reference_builds == 1


def test_a_long_answer_is_bounded(grader: EmbeddingGrader, find: Find) -> None:
    question = find(DROPOUT)
    answer = " ".join(
        f"Clause {index} says neurons are switched off, at random." for index in range(400)
    )
    grader.grade(question, answer)  # warm the caches
    started = time.thread_time()
    grade = grader.grade(question, answer)
    assert time.thread_time() - started < 0.25
    assert 0 <= grade.score <= 100


def test_clauses_split_at_punctuation_but_not_inside_words(embedder: StaticEmbedder) -> None:
    clauses = embedder.clauses("Gradients shrink, so the early layers can't learn; use ReLU.")
    # "can't" stays in its clause, as the pieces "can" and "t".
    assert [len(counts) for _, counts in clauses] == [2, 7, 2]
