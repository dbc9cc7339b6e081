"""Quizzes: solo and group, free text and multiple choice, time limits and the final score."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.core.choices import MAX_OPTION_CHARS, build_options, short_form
from bot.core.commands import AnswerQuiz, StartQuiz
from bot.core.errors import AlreadyAnswered, BadInput, NotAllowed
from bot.core.messages import MESSAGES
from bot.core.replies import QuizAnswerResult, QuizFinished, QuizStep, Reply
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, BOB, CHAT, ManualClock, RecordingOutbox


def step_of(reply: Reply) -> QuizStep:
    assert isinstance(reply, QuizStep)
    return reply


async def test_a_solo_free_text_quiz_runs_to_its_final_score(
    service: StudyService, bank: Bank
) -> None:
    [first] = await service.handle(StartQuiz(CHAT, BOB, topic="cnn", count=3, seed=7))
    step = step_of(first)
    assert step.total == 3 and step.mode == "text" and step.options == ()
    assert await service.active_quiz(CHAT, BOB) == step.session_id
    scores = []
    for index in range(3):
        question = bank.find(step.question_id)
        assert question is not None and question.topic == "cnn"
        answer = question.reference if index < 2 else "I really do not know"
        result, follow = await service.handle(
            AnswerQuiz(CHAT, BOB, session_id=step.session_id, text=answer)
        )
        assert isinstance(result, QuizAnswerResult) and result.index == index
        scores.append(result.score)
        if index < 2:
            step = step_of(follow)
    assert isinstance(follow, QuizFinished)
    assert follow.total == 3 and follow.correct == 2
    assert follow.average_score == pytest.approx(sum(scores) / 3, abs=0.1)
    assert scores[0] > scores[2]
    assert await service.active_quiz(CHAT, BOB) is None


async def test_multiple_choice_is_scored_by_the_right_option(service: StudyService) -> None:
    [first] = await service.handle(StartQuiz(CHAT, BOB, count=2, mode="choice", seed=3))
    step = step_of(first)
    assert len(step.options) == 4 and step.correct_option is not None
    right = step.correct_option
    result, follow = await service.handle(
        AnswerQuiz(CHAT, BOB, session_id=step.session_id, choice=right)
    )
    assert isinstance(result, QuizAnswerResult) and result.score == 100
    step = step_of(follow)
    wrong = (step.correct_option or 0) + 1
    result, done = await service.handle(
        AnswerQuiz(CHAT, BOB, session_id=step.session_id, choice=wrong % 4)
    )
    assert isinstance(result, QuizAnswerResult) and result.score == 0
    assert result.correct_option == step.correct_option
    assert isinstance(done, QuizFinished) and done.correct == 1


async def test_answers_after_the_time_limit_count_as_timed_out(
    service: StudyService, clock: ManualClock
) -> None:
    [first] = await service.handle(StartQuiz(CHAT, BOB, count=1, mode="choice", seed=1))
    step = step_of(first)
    clock.current += timedelta(seconds=step.time_limit_s + 1)
    result, done = await service.handle(
        AnswerQuiz(CHAT, BOB, session_id=step.session_id, choice=step.correct_option)
    )
    assert isinstance(result, QuizAnswerResult) and result.timed_out and result.score == 0
    assert isinstance(done, QuizFinished) and done.correct == 0


async def test_someone_else_cannot_answer_a_solo_quiz(service: StudyService) -> None:
    [first] = await service.handle(StartQuiz(CHAT, BOB, count=1, seed=1))
    with pytest.raises(NotAllowed):
        await service.handle(
            AnswerQuiz(CHAT, ADMIN, session_id=step_of(first).session_id, text="hello there")
        )


@pytest.mark.parametrize(
    "command",
    [
        StartQuiz(CHAT, BOB, topic="astrology"),
        StartQuiz(CHAT, BOB, count=0),
        StartQuiz(CHAT, BOB, count=21),
    ],
)
async def test_bad_quiz_requests_change_nothing(
    service: StudyService, db: Database, command: StartQuiz
) -> None:
    before = await db.dump()
    with pytest.raises(BadInput) as caught:
        await service.handle(command)
    assert caught.value.key in MESSAGES
    assert await db.dump() == before


async def test_a_group_quiz_pushes_steps_on_its_timer_and_scores_each_member(
    service: StudyService, outbox: RecordingOutbox, clock: ManualClock, bank: Bank
) -> None:
    [first] = await service.handle(StartQuiz(CHAT, ADMIN, count=2, group=True, seed=5))
    step = step_of(first)
    assert step.user is None
    assert await service.active_quiz(CHAT, BOB) == step.session_id
    question = bank.find(step.question_id)
    assert question is not None
    [mine] = await service.handle(
        AnswerQuiz(CHAT, ADMIN, session_id=step.session_id, text=question.reference)
    )
    await service.handle(AnswerQuiz(CHAT, BOB, session_id=step.session_id, text="no clue at all"))
    with pytest.raises(AlreadyAnswered):
        await service.handle(AnswerQuiz(CHAT, BOB, session_id=step.session_id, text="again"))
    assert isinstance(mine, QuizAnswerResult)
    clock.current += timedelta(seconds=step.time_limit_s)
    await service.advance_quiz(step.session_id, 0)
    await service.advance_quiz(step.session_id, 0)  # a repeated timer changes nothing
    [pushed] = outbox.of_type(QuizStep)
    assert step_of(pushed).index == 1
    await service.advance_quiz(step.session_id, 1)
    finished = [r for r in outbox.of_type(QuizFinished) if isinstance(r, QuizFinished)]
    assert {f.user.name for f in finished if f.user} == {"Ada", "Bob"}
    by_name = {f.user.name: f for f in finished if f.user}
    assert by_name["Ada"].average_score > by_name["Bob"].average_score
    assert await service.active_quiz(CHAT, BOB) is None


def test_choice_options_are_short_distinct_and_reproducible(bank: Bank) -> None:
    for question in bank.questions:
        options, right = build_options(question, bank.questions, random.Random(42))
        again = build_options(question, bank.questions, random.Random(42))
        assert (options, right) == again
        assert len(options) == 4 and len(set(options)) == 4
        assert all(0 < len(option) <= MAX_OPTION_CHARS for option in options)
        assert options[right] == short_form(question.reference)


def test_wrong_options_come_from_the_same_topic_when_it_is_big_enough(bank: Bank) -> None:
    question = bank.by_topic("cnn")[0]
    options, _ = build_options(question, bank.questions, random.Random(1))
    same_topic = {short_form(q.reference) for q in bank.by_topic("cnn")}
    assert all(option in same_topic for option in options)


def test_short_form_cuts_at_a_word_boundary() -> None:
    long = "Gradient clipping " + "limits the norm of the gradient vector " * 5 + "when training."
    short = short_form(long)
    assert len(short) <= MAX_OPTION_CHARS and short.endswith("…")
    assert long.startswith(short[:-1].rstrip())
    assert short_form("Dropout drops units. It regularizes.") == "Dropout drops units"


def test_short_form_of_a_lead_in_or_a_heading_still_says_something() -> None:
    lead_in = "Here are some examples:\n- **Image Classification:** plants\n- Object detection"
    assert (
        short_form(lead_in)
        == "Here are some examples: Image Classification: plants; Object detection"
    )
    assert short_form("Certainly! Below is an example.") == "Certainly! Below is an example"
    heading = "Adaptive learning rate: " + "adjusts the step size during training " * 4
    assert short_form(heading).startswith("Adaptive learning rate: adjusts the step size")
    assert short_form("Feature learning\nDimensionality reduction") == (
        "Feature learning; Dimensionality reduction"
    )


async def test_a_choice_typed_as_text_is_read_and_odd_digits_are_refused(
    service: StudyService,
) -> None:
    [first] = await service.handle(StartQuiz(CHAT, BOB, count=2, mode="choice", seed=3))
    step = step_of(first)
    for odd in ("²", "9", "two"):
        with pytest.raises(BadInput):
            await service.handle(AnswerQuiz(CHAT, BOB, session_id=step.session_id, text=odd))
    typed = str((step.correct_option or 0) + 1)
    result, _ = await service.handle(AnswerQuiz(CHAT, BOB, session_id=step.session_id, text=typed))
    assert isinstance(result, QuizAnswerResult) and result.score == 100
