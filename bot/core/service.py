"""`StudyService`: the one entry point adapters and the scheduler call.

`handle` takes every member command and returns the replies for the asking member; what is
meant for the whole chat (posts, reveals, admin warnings, group quiz steps) goes through the
chat platform's `Outbox`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core import answering, daily, quiz, standings
from bot.core.chatsettings import ChatSettings, apply_changes
from bot.core.commands import (
    AnswerQuiz,
    ChangeSettings,
    Command,
    ForgetMe,
    PostDaily,
    RevealPost,
    ShowHelp,
    ShowLeaderboard,
    ShowSettings,
    ShowStats,
    SkipPost,
    StartQuiz,
    SubmitAnswer,
)
from bot.core.context import Core, add_chat, chat_ref, settings_of
from bot.core.errors import NotAllowed, NotFound, NothingOpen
from bot.core.grading import Grader
from bot.core.planning import Planner
from bot.core.ports import Clock, Outbox, SystemClock
from bot.core.questions import QuestionBank
from bot.core.refs import ChatRef, Platform, UserRef
from bot.core.replies import HelpText, Notice, Reply, SettingsView
from bot.core.unicode import clean_strings
from storage import Database
from storage.records import ChatRecord

log = logging.getLogger(__name__)

ADMIN_ONLY = (PostDaily, RevealPost, SkipPost, ChangeSettings)
Handler = Callable[[Any, ChatRecord], Awaitable[list[Reply]]]


class StudyService:
    """The study core behind every adapter. See the module docstring for delivery rules."""

    def __init__(
        self,
        db: Database,
        bank: QuestionBank,
        grader: Grader,
        clock: Clock | None = None,
    ) -> None:
        self.core = Core(db=db, bank=bank, grader=grader, clock=clock or SystemClock())
        self._handlers: dict[type[Command], Handler] = {
            PostDaily: self._post_daily,
            SubmitAnswer: self._submit_answer,
            RevealPost: self._reveal,
            SkipPost: self._skip,
            ShowLeaderboard: self._leaderboard,
            ShowStats: self._stats,
            StartQuiz: self._start_quiz,
            AnswerQuiz: self._answer_quiz,
            ChangeSettings: self._change_settings,
            ShowSettings: self._show_settings,
            ShowHelp: self._help,
            ForgetMe: self._forget_me,
        }

    def register_outbox(self, platform: Platform, outbox: Outbox) -> None:
        self.core.outboxes[platform] = outbox

    def attach_planner(self, planner: Planner) -> None:
        """The scheduler registers itself here to be told when jobs need (re)planning."""
        self.core.planner = planner

    async def handle(self, command: Command) -> list[Reply]:
        """Run a member command. Raises `UserError` subclasses; nothing is changed then."""
        handler = self._handlers.get(type(command))
        if handler is None:
            raise TypeError(f"unknown command {type(command).__name__}")
        command = clean_strings(command)
        if isinstance(command, ADMIN_ONLY) and not command.is_admin:
            raise NotAllowed()
        chat = await self.core.ensure_chat(command.chat)
        return await handler(command, chat)

    async def chat_seen(self, chat: ChatRef) -> None:
        """Make sure the chat exists, refresh its title, and reactivate it if it was gone."""
        chat = clean_strings(chat)
        async with self.core.db.write() as store:
            record = await store.chats.find_chat(chat.platform, chat.chat_id)
            if record is None:
                record = await add_chat(store, chat, self.core.now())
                changed = True
            else:
                changed = not record.active
                if chat.title and chat.title != record.title:
                    await store.chats.set_chat_title(record.id, chat.title)
                if not record.active:
                    await store.chats.set_chat_active(record.id, True)
        if changed:
            self.core.planner.chat_changed(chat_ref(record), settings_of(record), True)

    async def chat_gone(self, chat: ChatRef) -> None:
        """The bot can no longer post in the chat: mark it inactive (data kept, jobs paused)."""
        async with self.core.db.read() as store:
            record = await store.chats.find_chat(chat.platform, chat.chat_id)
        if record is not None and record.active:
            await self.core.set_active(record, False)

    async def answer_target(self, chat: ChatRef) -> answering.AnswerTarget | None:
        """Read only: the post an answer that names none goes to (the chat's newest post that
        was not skipped), so a form can be refused before it is filled in; None if none."""
        async with self.core.db.read() as store:
            record = await store.chats.find_chat(chat.platform, chat.chat_id)
        if record is None:
            return None
        return await answering.find_answer_target(self.core, record)

    async def chat_moved(self, old: ChatRef, new: ChatRef) -> bool:
        """The platform gave the chat a new id (a Telegram group upgraded to a supergroup):
        its record, with settings, posts, answers and points, and its jobs move to the new id.
        False when nothing moved (already moved, or the new id has history of its own)."""
        async with self.core.db.write() as store:
            record = await store.chats.move_chat(old.platform, old.chat_id, new.chat_id)
        if record is None:
            return False
        log.info("chat %s:%s is now %s", old.platform, old.chat_id, new.chat_id)
        settings = settings_of(record)
        self.core.planner.chat_changed(old, settings, False)  # drops the old id's jobs
        self.core.planner.chat_changed(chat_ref(record), settings, record.active)
        if record.active:
            await daily.plan_open_reveals(self.core, record)
        return True

    async def active_quiz(self, chat: ChatRef, user: UserRef) -> int | None:
        """The member's running quiz in the chat (solo first, else the chat's group quiz)."""
        async with self.core.db.read() as store:
            record = await store.chats.find_chat(chat.platform, chat.chat_id)
            member = await store.members.find_member(user.platform, user.user_id)
        if record is None:
            return None
        return await quiz.active_session(self.core, record, member.id if member else None)

    async def run_daily(self, chat: ChatRef) -> None:
        """Scheduler entry point: post today's question once (idempotent per local date)."""
        record = await self._usable_chat(chat)
        if record is None or settings_of(record).paused:
            return
        revealed = await self._close_and_reveal(record)
        try:
            new = await daily.post_today(self.core, record)
        except NotFound as error:
            if error.key != "daily.no_questions":
                raise
            await self.core.send(record, Notice(error.key, {}, "admins"))
            return
        # A reveal that did not go out is retried first; the new post follows it, in order.
        if revealed and await daily.deliver_pending(self.core, record):
            await daily.warn_if_running_low(self.core, record, new)

    async def run_reveal(self, chat: ChatRef) -> None:
        """Scheduler entry point: reveal every post whose window has closed (idempotent)."""
        record = await self._usable_chat(chat)
        if record is not None:
            await self._close_and_reveal(record)
            await daily.plan_open_reveals(self.core, record)

    async def run_pending(self, chat: ChatRef) -> None:
        """Retry entry point: deliver stored posts and reveals that did not go out."""
        record = await self._usable_chat(chat)
        if record is not None:
            await daily.deliver_pending(self.core, record)

    async def advance_quiz(self, session_id: int, index: int) -> None:
        """Scheduler entry point: a group quiz step's time is up."""
        await quiz.advance_group(self.core, session_id, index)

    async def list_chats(self) -> list[tuple[ChatRef, ChatSettings, bool]]:
        """Every chat with its settings and whether it is active (for the scheduler)."""
        async with self.core.db.read() as store:
            records = await store.chats.list_chats()
        return [(chat_ref(r), settings_of(r), r.active) for r in records]

    async def start_up(self) -> None:
        """After a restart: post today's questions that are due, reveal what closed while down,
        deliver anything pending, and replan open reveals and group quiz timers."""
        async with self.core.db.read() as store:
            records = await store.chats.list_chats(active_only=True)
            pending = await store.posts.list_chats_with_pending_posts()
        now = self.core.now()
        for record in records:
            # Most chats have nothing to catch up on: skip them without a query each.
            if record.id not in pending and not due_today(settings_of(record), now):
                continue
            try:
                await self._catch_up(record)
            except Exception:
                log.exception("start-up catch-up failed for chat %s", record.id)
        await quiz.plan_running_groups(self.core)

    async def _catch_up(self, record: ChatRecord) -> None:
        await daily.close_due_posts(self.core, record)
        await daily.deliver_pending(self.core, record)
        if due_today(settings_of(record), self.core.now()):
            await self.run_daily(chat_ref(record))
        await daily.plan_open_reveals(self.core, record)

    async def _usable_chat(self, chat: ChatRef) -> ChatRecord | None:
        async with self.core.db.read() as store:
            record = await store.chats.find_chat(chat.platform, chat.chat_id)
        return record if record is not None and record.active else None

    async def _close_and_reveal(self, record: ChatRecord) -> bool:
        """Close the posts whose window has ended and send their reveals; True when all went."""
        await daily.close_due_posts(self.core, record)
        return await daily.deliver_reveals(self.core, record)

    # Command handlers. Each gets the command and the chat's record.

    async def _post_daily(self, command: PostDaily, chat: ChatRecord) -> list[Reply]:
        new = await daily.post_today(self.core, chat, command.query)
        question_id = new.post.question_id
        if not new.created and new.post.delivered_at is not None:
            return [Notice("daily.already_posted", {"question_id": question_id}, "user")]
        delivered = await daily.deliver_pending(self.core, chat)
        if delivered:
            await daily.warn_if_running_low(self.core, chat, new)
            key = "daily.posted"
        else:
            key = await self._undelivered_key(new.post.id)
        return [Notice(key, {"question_id": question_id}, "user")]

    async def _undelivered_key(self, post_id: int) -> str:
        """Why `/daily` did not post: a passing failure (retried) or a refusal (withdrawn)."""
        async with self.core.db.read() as store:
            kept = await store.posts.find_post(post_id)
        return "daily.delivery_pending" if kept is not None else "daily.withdrawn"

    async def _submit_answer(self, command: SubmitAnswer, chat: ChatRecord) -> list[Reply]:
        return [await answering.submit_answer(self.core, chat, command)]

    async def _reveal(self, command: RevealPost, chat: ChatRecord) -> list[Reply]:
        post = await daily.reveal_now(self.core, chat)
        return [Notice("reveal.done", {"question_id": post.question_id}, "user")]

    async def _skip(self, command: SkipPost, chat: ChatRecord) -> list[Reply]:
        now = self.core.now()
        async with self.core.db.write() as store:
            post = await store.posts.find_unrevealed_post(chat.id)
            if post is None or not await store.posts.mark_skipped(post.id, now):
                raise NothingOpen()
            answered = [a.member_id for a in await store.answers.list_scored_answers(post.id)]
            await store.answers.delete_answers_for_post(post.id)
            await store.ledger.delete_points_for_post(post.id)
            for member_id in answered:
                await answering.refresh_streak(self.core, store, chat, member_id)
        return [Notice("skip.done", {"question_id": post.question_id}, "chat")]

    async def _leaderboard(self, command: ShowLeaderboard, chat: ChatRecord) -> list[Reply]:
        return [await standings.leaderboard(self.core, chat, command)]

    async def _stats(self, command: ShowStats, chat: ChatRecord) -> list[Reply]:
        return [await standings.stats(self.core, chat, command)]

    async def _start_quiz(self, command: StartQuiz, chat: ChatRecord) -> list[Reply]:
        return await quiz.start_quiz(self.core, chat, command)

    async def _answer_quiz(self, command: AnswerQuiz, chat: ChatRecord) -> list[Reply]:
        return await quiz.answer_quiz(self.core, chat, command)

    async def _change_settings(self, command: ChangeSettings, chat: ChatRecord) -> list[Reply]:
        updated = apply_changes(settings_of(chat), command.changes)
        async with self.core.db.write() as store:
            await store.chats.set_chat_settings(chat.id, updated.to_dict())
        self.core.planner.chat_changed(chat_ref(chat), updated, chat.active)
        return [Notice("settings.saved", {}, "user"), settings_view(chat, updated)]

    async def _show_settings(self, command: ShowSettings, chat: ChatRecord) -> list[Reply]:
        return [settings_view(chat, settings_of(chat))]

    async def _help(self, command: ShowHelp, chat: ChatRecord) -> list[Reply]:
        return [HelpText(is_admin=command.is_admin)]

    async def _forget_me(self, command: ForgetMe, chat: ChatRecord) -> list[Reply]:
        if not command.confirmed:
            return [Notice("forgetme.confirm", {}, "user")]
        async with self.core.db.write() as store:
            member = await store.members.find_member(command.user.platform, command.user.user_id)
            if member is None:
                return [Notice("forgetme.nothing", {}, "user")]
            await store.members.delete_member(member.id)
        self.core.peers.clear()  # Their answers are gone: no copy check may see them.
        return [Notice("forgetme.done", {}, "user")]


def settings_view(chat: ChatRecord, settings: ChatSettings) -> SettingsView:
    return SettingsView(
        chat=chat_ref(chat),
        post_time=settings.post_time,
        timezone=settings.timezone,
        window_hours=settings.window_hours,
        topics=settings.effective_topics,
        difficulty_min=settings.difficulty_min,
        difficulty_max=settings.difficulty_max,
        paused=settings.paused,
        channel=settings.channel,
    )


def due_today(settings: ChatSettings, now: datetime) -> bool:
    """Whether today's post time has passed and its answer window is still running."""
    local_now = now.astimezone(settings.zone)
    scheduled = local_now.replace(
        hour=settings.hour, minute=settings.minute, second=0, microsecond=0
    )
    return scheduled <= local_now < scheduled + timedelta(hours=settings.window_hours)
