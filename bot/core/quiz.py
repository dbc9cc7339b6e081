"""Quizzes on demand: solo (one member, steps answered one after another) or group (one shared
quiz for the chat, each step pushed through the outbox and closed by a timer)."""

from __future__ import annotations

import random
from datetime import timedelta
from statistics import fmean

from bot.core.answering import clean_answer
from bot.core.choices import build_options
from bot.core.commands import AnswerQuiz, StartQuiz
from bot.core.context import Core, user_ref
from bot.core.errors import AlreadyAnswered, BadInput, NotAllowed, NotFound, NothingOpen
from bot.core.grading import Verdict
from bot.core.refs import UserRef
from bot.core.replies import QuizAnswerResult, QuizFinished, QuizStep, Reply
from content.model import TOPICS, Question
from storage.records import ChatRecord, QuizAnswerRecord, QuizSessionRecord
from storage.store import Store

MAX_QUIZ_QUESTIONS = 20
TIME_LIMITS_S = {"text": 120, "choice": 45}


def check_quiz_request(topic: str | None, count: int) -> None:
    if topic is not None and topic not in TOPICS:
        raise BadInput("quiz.bad_topic", topic=topic, topics=", ".join(TOPICS))
    if not 1 <= count <= MAX_QUIZ_QUESTIONS:
        raise BadInput("quiz.bad_count", max=MAX_QUIZ_QUESTIONS)


async def start_quiz(core: Core, chat: ChatRecord, command: StartQuiz) -> list[Reply]:
    check_quiz_request(command.topic, command.count)
    pool = list(core.bank.by_topic(command.topic) if command.topic else core.bank.questions)
    if not pool:
        raise NotFound("quiz.no_questions", topic=command.topic or "")
    rng = random.Random(command.seed)
    chosen = rng.sample(sorted(pool, key=lambda q: q.id), min(command.count, len(pool)))
    steps = [_step_plan(q, list(core.bank.questions), rng, command.mode) for q in chosen]
    now = core.now()
    limit = TIME_LIMITS_S[command.mode]
    async with core.db.write() as store:
        member_id = None
        if command.group:
            if await store.quizzes.find_running_group(chat.id) is not None:
                raise BadInput("quiz.group_running")
        else:
            member_id = (await core.ensure_member(store, command.user)).id
            running = await store.quizzes.find_running_solo(chat.id, member_id)
            if running is not None:
                await store.quizzes.finish(running.id, now, status="abandoned")
        session = await store.quizzes.add_session(
            chat.id, member_id, command.mode, command.topic, steps, limit, now
        )
        step = await _step_reply(core, store, session, None if command.group else command)
    if command.group:
        core.planner.quiz_step_due(session.id, 0, now + timedelta(seconds=limit))
    return [step]


def _step_plan(
    question: Question, pool: list[Question], rng: random.Random, mode: str
) -> tuple[str, tuple[str, ...], int | None]:
    if mode != "choice":
        return question.id, (), None
    options, correct = build_options(question, pool, rng)
    return question.id, options, correct


async def _step_reply(
    core: Core, store: Store, session: QuizSessionRecord, command: StartQuiz | AnswerQuiz | None
) -> QuizStep:
    step = await store.quizzes.get_step(session.id, session.current_index)
    question = core.question(step.question_id)
    return QuizStep(
        session_id=session.id,
        user=command.user if command is not None else None,
        index=session.current_index,
        total=session.total,
        question_id=question.id,
        prompt=question.prompt,
        mode="choice" if session.mode == "choice" else "text",
        options=step.options,
        time_limit_s=session.time_limit_s,
        correct_option=step.correct_option,
    )


async def answer_quiz(core: Core, chat: ChatRecord, command: AnswerQuiz) -> list[Reply]:
    now = core.now()
    async with core.db.read() as store:
        session = await store.quizzes.get_session(command.session_id)
        member = await store.members.find_member(command.user.platform, command.user.user_id)
    _check_answerable(chat, session, member.id if member else None)
    async with core.db.read() as store:
        step = await store.quizzes.get_step(session.id, session.current_index)
    timed_out = now > session.step_started_at + timedelta(seconds=session.time_limit_s)
    score, missed = _quiz_grade(core, step.question_id, step.options, step.correct_option, command)
    if timed_out:
        score = 0
    verdict = Verdict.for_score(score)
    async with core.db.write() as store:
        member = await core.ensure_member(store, command.user)
        if not await store.quizzes.add_answer(
            session.id,
            step.index,
            member.id,
            command.text,
            command.choice,
            score,
            verdict.value,
            timed_out,
            now,
        ):
            raise AlreadyAnswered("quiz.already_answered")
        result = QuizAnswerResult(
            session_id=session.id,
            user=command.user,
            index=step.index,
            score=score,
            verdict=verdict,
            correct_option=step.correct_option,
            missed=missed,
            timed_out=timed_out,
        )
        if session.member_id is None:
            return [result]
        follow_up = await _next_solo(core, store, session, command)
    return [result, follow_up]


def _check_answerable(chat: ChatRecord, session: QuizSessionRecord, member_id: int | None) -> None:
    if session.chat_id != chat.id:
        raise NotFound("error.quiz_unknown")
    if session.status != "running":
        raise NothingOpen("quiz.not_running")
    if session.member_id is not None and session.member_id != member_id:
        raise NotAllowed("quiz.not_yours")


def _quiz_grade(
    core: Core,
    question_id: str,
    options: tuple[str, ...],
    correct: int | None,
    command: AnswerQuiz,
) -> tuple[int, tuple[str, ...]]:
    """(score, key points missed) for a step answer; a choice is all or nothing."""
    if options:
        choice = command.choice
        if choice is None and (command.text or "").strip().isdecimal():
            # Text platforms answer "2" for the second option.
            choice = int((command.text or "").strip()) - 1
        if choice is None or not 0 <= choice < len(options):
            raise BadInput("quiz.bad_choice", count=len(options))
        return (100 if choice == correct else 0), ()
    answer = clean_answer(command.text or "")
    grade = core.grader.grade(core.question(question_id), answer)
    return grade.score, grade.missed


async def _next_solo(
    core: Core, store: Store, session: QuizSessionRecord, command: AnswerQuiz
) -> Reply:
    now = core.now()
    if session.current_index + 1 < session.total:
        await store.quizzes.advance(session.id, session.current_index, now)
        moved = await store.quizzes.get_session(session.id)
        return await _step_reply(core, store, moved, command)
    await store.quizzes.finish(session.id, now)
    answers = await store.quizzes.list_answers(session.id)
    return _finished(session, answers, command.user)


def _finished(
    session: QuizSessionRecord, answers: list[QuizAnswerRecord], user: UserRef | None
) -> QuizFinished:
    scores = [a.score for a in answers]
    return QuizFinished(
        session_id=session.id,
        user=user,
        total=session.total,
        correct=sum(1 for a in answers if a.verdict == Verdict.CORRECT.value),
        average_score=round(fmean(scores), 1) if scores else 0.0,
    )


async def advance_group(core: Core, session_id: int, index: int) -> None:
    """The timer of step `index` ran out: push the next step, or everyone's results."""
    now = core.now()
    async with core.db.write() as store:
        session = await store.quizzes.get_session(session_id)
        if session.status != "running" or session.current_index != index:
            return
        chat = await store.chats.get_chat_by_id(session.chat_id)
        pushes: list[Reply]
        if index + 1 < session.total:
            await store.quizzes.advance(session.id, index, now)
            moved = await store.quizzes.get_session(session.id)
            pushes = [await _step_reply(core, store, moved, None)]
            core.planner.quiz_step_due(
                session.id, index + 1, now + timedelta(seconds=session.time_limit_s)
            )
        else:
            await store.quizzes.finish(session.id, now)
            pushes = await _group_results(store, session)
    for reply in pushes:
        await core.send(chat, reply)


async def _group_results(store: Store, session: QuizSessionRecord) -> list[Reply]:
    answers = await store.quizzes.list_answers(session.id)
    by_member: dict[int, list[QuizAnswerRecord]] = {}
    for answer in answers:
        by_member.setdefault(answer.member_id, []).append(answer)
    if not by_member:
        return [_finished(session, [], None)]
    results: list[Reply] = []
    for member_id, mine in by_member.items():
        member = await store.members.get_member_by_id(member_id)
        results.append(_finished(session, mine, user_ref(member)))
    return results


async def active_session(core: Core, chat: ChatRecord, member_id: int | None) -> int | None:
    async with core.db.read() as store:
        if member_id is not None:
            solo = await store.quizzes.find_running_solo(chat.id, member_id)
            if solo is not None:
                return solo.id
        group = await store.quizzes.find_running_group(chat.id)
    return group.id if group else None


async def plan_running_groups(core: Core) -> None:
    """At start-up: put every running group quiz's timer back."""
    async with core.db.read() as store:
        sessions = await store.quizzes.list_running_group_sessions()
    for session in sessions:
        due = session.step_started_at + timedelta(seconds=session.time_limit_s)
        core.planner.quiz_step_due(session.id, session.current_index, due)
