"""Answers to a daily post: graded, stored (the last one counts), and turned into points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.commands import SubmitAnswer
from bot.core.context import Core
from bot.core.daily import local_today
from bot.core.errors import BadInput, NothingOpen
from bot.core.grading import Grade, PeerTexts, grade_answer
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback
from bot.core.scoring import base_points, run_ending_at, streak_bonus, streak_of
from storage.records import ChatRecord, PostRecord
from storage.store import Store
from storage.syncstore import SyncStore

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
    """Grade the member's answer and, while its post is open, store it with its points.

    Each transaction runs whole on the database thread (one hand-over each). Grading runs
    off the event loop when the grader can (worker processes), in it otherwise; either way
    other answers go on meanwhile. The reply goes out after the commit."""
    answer = clean_answer(command.text)
    read_at = core.peers.stamp()
    target = await core.db.run_read(
        lambda store: _read_target(store, chat, command, core.peers.holds)
    )
    post = target.post
    peers = await _peer_texts(core, target, read_at)
    question = core.question(post.question_id)
    grade = await grade_answer(core.grader, question, answer, peers)
    if not post.is_open(core.now()):
        return _feedback(post, command, grade, counted=False, replaced=False, points=0)
    entry = _Entry(post.id, command.user, answer, grade, question.difficulty, core.now())
    stored = await core.db.run_write(lambda store: _store_answer(store, chat, entry))
    if stored.counted:
        core.peers.note(post.id, stored.member_id, answer)
    return _feedback(
        stored.post,
        command,
        grade,
        counted=stored.counted,
        replaced=stored.replaced,
        points=stored.points,
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    """A graded answer on its way to the database."""

    post_id: int
    user: UserRef
    text: str
    grade: Grade
    difficulty: int
    now: datetime


@dataclass(frozen=True, slots=True)
class _Stored:
    post: PostRecord
    member_id: int
    counted: bool
    replaced: bool
    points: int


@dataclass(frozen=True, slots=True)
class _Target:
    post: PostRecord
    member_id: int
    texts: dict[int, str] | None
    """The post's answers by member, when they were not kept in memory already."""


def _read_target(
    store: SyncStore, chat: ChatRecord, command: SubmitAnswer, kept: Callable[[int], bool]
) -> _Target:
    """On the database thread: the post the answer goes to, the member (-1 when new) and,
    unless `kept`, every member's answer to the post."""
    post = _target_post(store, chat, command)
    member = store.members.find_member(command.user.platform, command.user.user_id)
    texts = None if kept(post.id) else store.peer_answers(post.id)
    return _Target(post, member.id if member else -1, texts)


async def _peer_texts(core: Core, target: _Target, read_at: int) -> PeerTexts:
    """The answers the copy check compares with: as read, or as kept in memory."""
    post_id = target.post.id
    texts = target.texts
    if texts is None:
        texts = core.peers.get(post_id)
    if texts is None:  # Dropped from memory since the read: read again.
        read_at = core.peers.stamp()
        texts = await core.db.run_read(lambda store: store.peer_answers(post_id))
    core.peers.install(post_id, texts, read_at)
    return PeerTexts((core.peers.generation, post_id), target.member_id, texts)


def _target_post(store: SyncStore, chat: ChatRecord, command: SubmitAnswer) -> PostRecord:
    post: PostRecord | None
    if command.post_id is not None:
        post = store.posts.get_post(command.post_id)
        if post.chat_id != chat.id:
            raise NothingOpen()
    elif command.reply_to is not None:
        post = store.posts.find_post_by_message(chat.id, command.reply_to)
        post = post or store.posts.find_latest_post(chat.id)
    else:
        post = store.posts.find_latest_post(chat.id)
    if post is None or post.skipped_at is not None:
        raise NothingOpen()
    return post


def _store_answer(store: SyncStore, chat: ChatRecord, entry: _Entry) -> _Stored:
    """On the database thread, in the write transaction: the answer (the last one counts),
    the member's streak and the points, unless the post closed since it was read."""
    post = store.posts.get_post(entry.post_id)
    if not post.is_open(entry.now):
        return _Stored(post, -1, counted=False, replaced=False, points=0)
    user = entry.user
    member = store.members.add_member(user.platform, user.user_id, user.name, entry.now)
    grade = entry.grade
    replaced = store.answers.save_answer(
        post.id,
        member.id,
        entry.text,
        grade.score,
        grade.verdict.value,
        grade.covered,
        grade.missed,
        grade.flags,
        entry.now,
    )
    points = _award(store, chat, post, member.id, entry)
    return _Stored(post, member.id, counted=True, replaced=replaced, points=points)


def _award(
    store: SyncStore, chat: ChatRecord, post: PostRecord, member_id: int, entry: _Entry
) -> int:
    """Store the points for this answer and refresh the member's streak; returns the points."""
    bonus = 0
    if post.kind == "daily":
        dates = store.answers.list_answered_dates(chat.id, member_id)
        bonus = streak_bonus(run_ending_at(dates, post.local_date))
        streak = streak_of(dates, local_today(chat, entry.now))
        if streak.last_date is not None:
            store.streaks.set_streak(
                chat.id, member_id, streak.current, streak.longest, streak.last_date
            )
    points = base_points(entry.grade.score, entry.difficulty)
    store.ledger.set_points(chat.id, member_id, post.id, points, bonus, entry.now)
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
