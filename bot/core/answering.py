"""Answers to a daily post: graded, stored (the last one counts), and turned into points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.commands import SubmitAnswer
from bot.core.context import Core
from bot.core.daily import local_today
from bot.core.errors import BadInput, NothingOpen
from bot.core.grading import Grade
from bot.core.replies import AnswerFeedback
from bot.core.scoring import base_points, run_ending_at, streak_bonus, streak_of
from storage.records import ChatRecord, PostRecord
from storage.store import Store

MAX_ANSWER_CHARS = 4000


def clean_answer(raw: str) -> str:
    """The answer text, or `BadInput` when it is empty or longer than the limit."""
    answer = raw.strip()
    if not answer:
        raise BadInput("answer.empty")
    if len(answer) > MAX_ANSWER_CHARS:
        raise BadInput("answer.too_long", limit=MAX_ANSWER_CHARS, length=len(answer))
    return answer


@dataclass(frozen=True, slots=True)
class AnswerTarget:
    """The post an answer goes to when it names none (no post id, not a reply)."""

    post_id: int
    question_id: str
    counted: bool
    """Still open: the answer earns points. Otherwise it is graded for practice only."""


async def find_answer_target(core: Core, chat: ChatRecord) -> AnswerTarget | None:
    """Read only: the chat's newest post that was not skipped, or None (`NothingOpen`)."""
    async with core.db.read() as store:
        post = await store.posts.find_latest_post(chat.id)
    if post is None:
        return None
    return AnswerTarget(post.id, post.question_id, post.is_open(core.now()))


async def submit_answer(core: Core, chat: ChatRecord, command: SubmitAnswer) -> AnswerFeedback:
    answer = clean_answer(command.text)
    async with core.db.read() as store:
        post = await _target_post(store, chat, command)
        member = await store.members.find_member(command.user.platform, command.user.user_id)
        member_id = member.id if member else -1
        peers = await store.answers.list_peer_texts(post.id, member_id)
    question = core.question(post.question_id)
    grade = core.grader.grade(question, answer, peers)
    if not post.is_open(core.now()):
        return _feedback(post, command, grade, counted=False, replaced=False, points=0)
    async with core.db.write() as store:
        post = await store.posts.get_post(post.id)
        if not post.is_open(core.now()):
            return _feedback(post, command, grade, counted=False, replaced=False, points=0)
        member = await core.ensure_member(store, command.user)
        replaced = await store.answers.save_answer(
            post.id,
            member.id,
            answer,
            grade.score,
            grade.verdict.value,
            grade.covered,
            grade.missed,
            grade.flags,
            core.now(),
        )
        points = await _award(core, store, chat, post, member.id, grade.score, question.difficulty)
    return _feedback(post, command, grade, counted=True, replaced=replaced, points=points)


async def _target_post(store: Store, chat: ChatRecord, command: SubmitAnswer) -> PostRecord:
    post: PostRecord | None
    if command.post_id is not None:
        post = await store.posts.get_post(command.post_id)
        if post.chat_id != chat.id:
            raise NothingOpen()
    elif command.reply_to is not None:
        post = await store.posts.find_post_by_message(chat.id, command.reply_to)
        post = post or await store.posts.find_latest_post(chat.id)
    else:
        post = await store.posts.find_latest_post(chat.id)
    if post is None or post.skipped_at is not None:
        raise NothingOpen()
    return post


async def _award(
    core: Core,
    store: Store,
    chat: ChatRecord,
    post: PostRecord,
    member_id: int,
    score: int,
    difficulty: int,
) -> int:
    """Store the points for this answer and refresh the member's streak; returns the points."""
    bonus = 0
    if post.kind == "daily":
        dates = await store.answers.list_answered_dates(chat.id, member_id)
        bonus = streak_bonus(run_ending_at(dates, post.local_date))
        await refresh_streak(core, store, chat, member_id, dates)
    points = base_points(score, difficulty)
    await store.ledger.set_points(chat.id, member_id, post.id, points, bonus, core.now())
    return points + bonus


async def refresh_streak(
    core: Core, store: Store, chat: ChatRecord, member_id: int, dates: list[date] | None = None
) -> None:
    """Recompute the member's streak; `dates` are their answered dates when already read."""
    if dates is None:
        dates = await store.answers.list_answered_dates(chat.id, member_id)
    streak = streak_of(dates, local_today(chat, core.now()))
    if streak.last_date is not None:
        await store.streaks.set_streak(
            chat.id, member_id, streak.current, streak.longest, streak.last_date
        )


def _feedback(
    post: PostRecord,
    command: SubmitAnswer,
    grade: Grade,
    *,
    counted: bool,
    replaced: bool,
    points: int,
) -> AnswerFeedback:
    return AnswerFeedback(
        post_id=post.id,
        question_id=post.question_id,
        user=command.user,
        score=grade.score,
        verdict=grade.verdict,
        covered=grade.covered,
        missed=grade.missed,
        hint=grade.hint,
        flags=grade.flags,
        counted=counted,
        replaced=replaced,
        points=points,
    )
