"""Better answers score higher, on a sample of bank questions."""

from __future__ import annotations

import pytest

from bot.core.grading import Verdict
from bot.grading import EmbeddingGrader
from tests.grading.conftest import Find

# (question wording, excellent, partial, wrong): written for these tests, not taken from decks.
SAMPLES = (
    (
        "What does Dropout mean?",
        "Dropout is a regularization method: during training a random subset of neurons is "
        "switched off at every step, so the network cannot rely on particular units and "
        "overfits less. At inference time every neuron is used again.",
        "Some neurons get turned off during training.",
        "Dropout is when the validation accuracy drops during training because the learning "
        "rate is too high.",
    ),
    (
        "What is Vanishing Gradient?",
        "In deep networks the gradient is multiplied by many small derivatives while it is "
        "backpropagated, so it becomes tiny in the early layers; their weights barely update "
        "and learning stalls. Sigmoid or tanh activations make it worse.",
        "The gradients get very small in the first layers.",
        "It is when the dataset is too small so the loss disappears and the model has nothing "
        "to learn from.",
    ),
    (
        "What is Bagging concept?",
        "Bagging (bootstrap aggregating) trains many models independently on bootstrap samples "
        "drawn with replacement from the training data and combines their predictions by "
        "majority vote or averaging, which reduces variance; random forest is an example.",
        "It trains several models on random samples of the data.",
        "Bagging means putting the whole dataset into one bag and training a single deep "
        "network on it for many epochs.",
    ),
    (
        "What is mean squared error?",
        "MSE is the average of the squared differences between the predicted and the true "
        "values. It is the usual regression loss and, because errors are squared, large "
        "errors and outliers are penalised heavily.",
        "It measures how far the predictions are from the true values in regression.",
        "Mean squared error is the number of misclassified images divided by the number of "
        "classes in a classification problem.",
    ),
    (
        "What is LSTM and how it Works?",
        "Long short-term memory is a recurrent network whose cell keeps a memory state, and "
        "forget, input and output gates decide what to erase, what to store and what to "
        "output, so it can learn long-term dependencies in sequences.",
        "An RNN variant that has a memory cell.",
        "LSTM is a clustering algorithm that groups images by colour using k-means.",
    ),
    (
        "What is the difference between Epoch, Batch, and Iteration in deep learning?",
        "An epoch is one full pass over the training set; a batch is the subset of samples "
        "processed together; an iteration is one parameter update made on one batch.",
        "An epoch means going over all of the training data once.",
        "They are three kinds of activation functions used in convolutional networks.",
    ),
)


@pytest.mark.parametrize(("wording", "excellent", "partial", "wrong"), SAMPLES)
def test_excellent_beats_partial_beats_wrong(
    grader: EmbeddingGrader, find: Find, wording: str, excellent: str, partial: str, wrong: str
) -> None:
    question = find(wording)
    scores = [grader.grade(question, text).score for text in (excellent, partial, wrong)]
    assert scores[0] > scores[1] > scores[2], scores


def test_excellent_answers_are_correct_and_wrong_ones_are_not(
    grader: EmbeddingGrader, find: Find
) -> None:
    for wording, excellent, _, wrong in SAMPLES:
        question = find(wording)
        assert grader.grade(question, excellent).verdict is Verdict.CORRECT, wording
        assert grader.grade(question, wrong).verdict is not Verdict.CORRECT, wording


def test_grade_is_consistent_with_its_verdict_and_feedback(
    grader: EmbeddingGrader, find: Find
) -> None:
    question = find("What does Dropout mean?")
    grade = grader.grade(question, SAMPLES[0][1])
    assert grade.verdict is Verdict.for_score(grade.score)
    assert 0 <= grade.score <= 100
    all_points = {point.text for point in question.key_points}
    assert set(grade.covered) | set(grade.missed) == all_points
    assert not set(grade.covered) & set(grade.missed)
    assert "overfitting" in grade.covered
