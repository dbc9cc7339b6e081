"""The daily post and its reveal: created in the database first, then delivered.

A post row is written before delivery and marked delivered after, so a failed delivery is
retried later and nothing acknowledged is lost. The reveal works the same way. A post the
platform refuses until someone acts (`Undeliverable`) is withdrawn instead: it never counted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.chatsettings import ChatSettings
from bot.core.context import Core, chat_ref, settings_of
from bot.core.errors import NothingOpen
from bot.core.replies import Notice, PostQuestion, Reveal, RevealEntry
from bot.core.selection import LOW_STOCK, eligible, find_chosen, pick_daily
from content.model import Question
from storage.records import ChatRecord, PostRecord
from storage.store import Store

log = logging.getLogger(__name__)

BEST_IN_REVEAL = 3


def local_today(chat: ChatRecord, now: datetime) -> date:
    return now.astimezone(settings_of(chat).zone).date()


@dataclass(frozen=True, slots=True)
class NewPost:
    post: PostRecord
    created: bool
    unseen_left: int | None
    """After an automatic pick: how many questions in range the chat has never had."""


async def post_today(core: Core, chat: ChatRecord, query: str = "") -> NewPost:
    """Create today's post (the daily one, or an extra one for a chosen question when today's
    daily already exists). Delivery is separate: see `deliver_posts`."""
    now = core.now()
    today = local_today(chat, now)
    chosen = find_chosen(core.bank, query) if query.strip() else None
    closes = closing_time(settings_of(chat), today, now)
    async with core.db.write() as store:
        existing = await store.posts.find_daily_post(chat.id, today)
        if existing is not None and chosen is None:
            return NewPost(existing, False, None)
        question, unseen_left = await _choose(core, store, chat, chosen, today)
        kind = "daily" if existing is None else "extra"
        post = await store.posts.add_post(chat.id, question.id, kind, today, now, closes)
        if post is None:  # Another caller made today's daily post between the two statements.
            again = await store.posts.find_daily_post(chat.id, today)
            if again is None:
                raise RuntimeError("daily post vanished")
            return NewPost(again, False, None)
    return NewPost(post, True, unseen_left)


def closing_time(settings: ChatSettings, today: date, now: datetime) -> datetime:
    """The end of the answer window of a post made `now`: `window_hours` later, but never after
    the next day's post, so a late post (a catch-up after downtime, an admin's evening
    `/daily`) is closed and revealed before the next question arrives."""
    closes = now + timedelta(hours=settings.window_hours)
    if settings.paused:
        return closes
    return min(closes, settings.post_moment(today + timedelta(days=1)))


async def warn_if_running_low(core: Core, chat: ChatRecord, new: NewPost) -> None:
    """Tell the admins when few questions the chat has not had are left."""
    if new.created and new.unseen_left is not None and new.unseen_left < LOW_STOCK:
        if new.unseen_left:
            notice = Notice("daily.low_stock", {"left": new.unseen_left}, "admins")
        else:
            notice = Notice("daily.none_left", {}, "admins")
        await core.send(chat, notice)


async def _choose(
    core: Core, store: Store, chat: ChatRecord, chosen: Question | None, today: date
) -> tuple[Question, int | None]:
    if chosen is not None:
        return chosen, None
    last_asked = await store.posts.last_asked(chat.id)
    pick = pick_daily(
        eligible(core.bank, settings_of(chat)),
        last_asked,
        f"{chat.platform}:{chat.chat_id}:{today}",
    )
    return pick.question, pick.unseen_left


def post_reply(core: Core, chat: ChatRecord, post: PostRecord) -> PostQuestion:
    question = core.question(post.question_id)
    return PostQuestion(
        chat=chat_ref(chat),
        post_id=post.id,
        question_id=question.id,
        prompt=question.prompt,
        topic=question.topic,
        difficulty=question.difficulty,
        local_date=post.local_date,
        closes_at=post.closes_at,
    )


async def deliver_pending(core: Core, chat: ChatRecord) -> bool:
    """Send what the chat has not received yet, oldest first: the reveals of closed posts,
    then new posts, and the posts only once every reveal is out, so a question never arrives
    before the previous answer. True when everything went out."""
    async with core.delivery_lock(chat.id):
        return await _send_reveals(core, chat) and await _send_posts(core, chat)


async def deliver_posts(core: Core, chat: ChatRecord) -> bool:
    """Send every stored, undelivered post of the chat. True when all went out."""
    async with core.delivery_lock(chat.id):
        return await _send_posts(core, chat)


async def _send_posts(core: Core, chat: ChatRecord) -> bool:
    async with core.db.read() as store:
        pending = await store.posts.list_undelivered_posts(chat.id)
    for post in pending:
        result = await core.deliver(chat, post_reply(core, chat, post))
        if not result.delivered:
            if result.refused:
                # Nobody saw it: it does not count, so `/daily` after the fix posts again.
                async with core.db.write() as store:
                    await store.posts.withdraw_post(post.id)
            return False
        async with core.db.write() as store:
            await store.posts.set_delivered(post.id, result.message_id, core.now())
        core.planner.reveal_at(chat_ref(chat), post.closes_at)
    return True


async def close_due_posts(core: Core, chat: ChatRecord) -> None:
    """Mark every post whose window has closed as revealed (delivery follows)."""
    now = core.now()
    async with core.db.write() as store:
        for post in await store.posts.list_unrevealed_posts(chat.id):
            if post.closes_at <= now:
                await store.posts.mark_revealed(post.id, now)


async def deliver_reveals(core: Core, chat: ChatRecord) -> bool:
    """Send every reveal not yet delivered. True when all went out."""
    async with core.delivery_lock(chat.id):
        return await _send_reveals(core, chat)


async def _send_reveals(core: Core, chat: ChatRecord) -> bool:
    async with core.db.read() as store:
        pending = await store.posts.list_undelivered_reveals(chat.id)
        reveals = [(post, await _reveal(core, store, chat, post)) for post in pending]
    for post, reveal in reveals:
        # A post nobody ever saw needs no reveal.
        if post.delivered_at is not None:
            delivered, _ = await core.send(chat, reveal)
            if not delivered:
                return False
        async with core.db.write() as store:
            await store.posts.set_reveal_delivered(post.id, core.now())
    return True


async def _reveal(core: Core, store: Store, chat: ChatRecord, post: PostRecord) -> Reveal:
    question = core.question(post.question_id)
    answers = await store.answers.list_scored_answers(post.id)
    return Reveal(
        chat=chat_ref(chat),
        post_id=post.id,
        question_id=question.id,
        prompt=question.prompt,
        reference=question.reference,
        key_points=tuple(point.text for point in question.key_points),
        answer_count=len(answers),
        best=tuple(RevealEntry(a.name, a.score) for a in answers[:BEST_IN_REVEAL]),
    )


async def reveal_now(core: Core, chat: ChatRecord) -> PostRecord:
    """`/reveal`: close the chat's newest open post now; `NothingOpen` if there is none."""
    async with core.db.write() as store:
        post = await store.posts.find_unrevealed_post(chat.id)
        if post is None or not await store.posts.mark_revealed(post.id, core.now()):
            raise NothingOpen()
    await deliver_reveals(core, chat)
    return post


async def plan_open_reveals(core: Core, chat: ChatRecord) -> None:
    """Tell the planner when each still-open post of the chat closes."""
    async with core.db.read() as store:
        open_posts = await store.posts.list_unrevealed_posts(chat.id)
    for post in open_posts:
        core.planner.reveal_at(chat_ref(chat), post.closes_at)
