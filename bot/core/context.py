"""What every use case shares: the database, bank, grader, clock, outboxes and planner."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from bot.core.chatsettings import ChatSettings
from bot.core.grading import Grader
from bot.core.messages import text
from bot.core.peers import PeerCache
from bot.core.planning import NoPlanner, Planner
from bot.core.ports import ChatUnavailable, Clock, Outbox, Undeliverable
from bot.core.questions import QuestionBank, missing_question
from bot.core.refs import ChatRef, Platform, UserRef
from bot.core.replies import Reply
from content.model import Question
from storage import Database
from storage.records import ChatRecord, MemberRecord
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one message handed to an outbox."""

    delivered: bool
    message_id: str | None = None
    refused: bool = False
    """The platform will not take it here until someone acts (`Undeliverable`); not retried."""


@dataclass
class Core:
    db: Database
    bank: QuestionBank
    grader: Grader
    clock: Clock
    outboxes: dict[str, Outbox] = field(default_factory=dict)
    planner: Planner = field(default_factory=NoPlanner)
    delivery_locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    peers: PeerCache = field(default_factory=PeerCache)

    def now(self) -> datetime:
        return self.clock.now()

    def delivery_lock(self, chat_row_id: int) -> asyncio.Lock:
        """Deliveries to one chat run one at a time, so two jobs (a late reveal and the next
        post, a retry) never send the same message twice and messages keep their order."""
        return self.delivery_locks.setdefault(chat_row_id, asyncio.Lock())

    def question(self, question_id: str) -> Question:
        return self.bank.find(question_id) or missing_question(
            question_id, text("question.missing", question_id=question_id)
        )

    async def send(self, chat: ChatRecord, reply: Reply) -> tuple[bool, str | None]:
        """Deliver through the chat's outbox: (delivered, platform message id). See `deliver`."""
        result = await self.deliver(chat, reply)
        return result.delivered, result.message_id

    async def deliver(self, chat: ChatRecord, reply: Reply) -> Delivery:
        """Deliver through the chat's outbox.

        A chat the platform says is gone is marked inactive; one the bot may not post in right
        now (`Undeliverable`) is left to its admins, who were told, with no retry; any other
        failure is logged and left for a retry, so nothing already stored is lost."""
        outbox = self.outboxes.get(chat.platform)
        ref = chat_ref(chat)
        if outbox is None:
            log.warning("no outbox for %s; delivery to chat %s waits", chat.platform, chat.id)
            return Delivery(False)
        try:
            return Delivery(True, await outbox.send(ref, reply))
        except ChatUnavailable:
            log.info("chat %s:%s is unavailable; marking it inactive", chat.platform, chat.id)
            await self.set_active(chat, False)
            return Delivery(False)
        except Undeliverable as error:
            log.info("%s cannot go to chat %s now: %s", type(reply).__name__, chat.id, error)
            return Delivery(False, refused=True)
        except Exception:
            log.exception("delivery of %s to chat %s failed", type(reply).__name__, chat.id)
            self.planner.retry_later(ref)
            return Delivery(False)

    async def set_active(self, chat: ChatRecord, active: bool) -> None:
        async with self.db.write() as store:
            await store.chats.set_chat_active(chat.id, active)
        self.planner.chat_changed(chat_ref(chat), settings_of(chat), active)

    async def ensure_chat(self, ref: ChatRef) -> ChatRecord:
        """The chat's record, created with default settings on first sight."""
        found = await self.db.run_read(
            lambda store: store.chats.find_chat(ref.platform, ref.chat_id)
        )
        if found is not None:
            return found
        async with self.db.write() as store:
            return await add_chat(store, ref, self.now())

    async def ensure_member(self, store: Store, user: UserRef) -> MemberRecord:
        return await store.members.add_member(user.platform, user.user_id, user.name, self.now())


async def add_chat(store: Store, ref: ChatRef, now: datetime) -> ChatRecord:
    return await store.chats.add_chat(
        ref.platform, ref.chat_id, ref.thread_id, ref.title, ChatSettings().to_dict(), now
    )


def chat_ref(chat: ChatRecord) -> ChatRef:
    return ChatRef(cast(Platform, chat.platform), chat.chat_id, chat.thread_id, chat.title)


def settings_of(chat: ChatRecord) -> ChatSettings:
    return ChatSettings.from_dict(chat.settings)


def user_ref(member: MemberRecord) -> UserRef:
    return UserRef(cast(Platform, member.platform), member.user_id, member.name)
