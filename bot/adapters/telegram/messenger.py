"""Sending rendered replies: split texts, polls, keyboards, private detail with a group fallback.

A group upgraded to a supergroup gets a new chat id; a send to the old one fails with
`ChatMigrated`. The messenger then tells the core the chat moved, remembers the new id for
later sends that still name the old one, and sends again to the new id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Poll,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated

from bot.adapters.telegram.delivery import Courier
from bot.adapters.telegram.render import Outgoing, PollOut, PrivateOut, TextOut
from bot.adapters.telegram.split import split_html
from bot.adapters.telegram.tracking import Progress, QuizMessage, Tracking
from bot.core.ports import ChatUnavailable
from bot.core.refs import ChatRef

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# BadRequest descriptions meaning the forum topic cannot take messages (closed or deleted).
_TOPIC_UNUSABLE = ("thread not found", "topic_closed", "topic_deleted")

# Told when a chat got a new id: (old chat, new chat).
MoveHook = Callable[[ChatRef, ChatRef], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Place:
    """Where replies go: a chat (and forum topic), optionally as a reply to a member's message.
    `user_id` is the member who asked, for anything meant for them privately."""

    chat: ChatRef
    reply_to: int | None = None
    user_id: int | None = None
    private_chat: bool = False

    @property
    def chat_id(self) -> int:
        return int(self.chat.chat_id)

    @property
    def thread_id(self) -> int | None:
        return int(self.chat.thread_id) if self.chat.thread_id else None

    @classmethod
    def of_chat(cls, chat: ChatRef) -> Place:
        return cls(chat, private_chat=int(chat.chat_id) > 0)

    def without_topic(self) -> Place:
        return replace(self, chat=replace(self.chat, thread_id=None))

    def moved_to(self, chat_id: int) -> Place:
        """The same place in the chat's new id (a supergroup has no topics yet)."""
        return replace(self, chat=replace(self.chat, chat_id=str(chat_id), thread_id=None))


@dataclass(frozen=True, slots=True)
class _Item:
    """Which rendered item is being sent, and the delivery's progress to skip what went out."""

    index: int = 0
    progress: Progress | None = None

    async def part(self, number: int, send: Callable[[], Awaitable[int]]) -> int:
        """Send part `number` unless an earlier attempt of this delivery already did."""
        done = self.progress.get(self.index, number) if self.progress else None
        if done is not None:
            return done
        message_id = await send()
        if self.progress is not None:
            self.progress.record(self.index, number, message_id)
        return message_id


_WHOLE = _Item()


class Messenger:
    def __init__(
        self, bot: Bot, courier: Courier, tracking: Tracking, on_moved: MoveHook | None = None
    ) -> None:
        self._bot = bot
        self._courier = courier
        self._tracking = tracking
        self._on_moved = on_moved

    async def deliver(
        self, place: Place, items: list[Outgoing], progress: Progress | None = None
    ) -> list[int]:
        """Send every item; returns the ids of the messages posted in `place`'s chat. With
        `progress`, parts a failed earlier attempt already posted are skipped (their ids
        are returned again), and the parts posted now are recorded in it."""
        ids: list[int] = []
        for index, item in enumerate(items):
            ids.extend(await self._deliver_one(place, item, _Item(index, progress)))
        return ids

    def current(self, place: Place) -> Place:
        """`place`, in the chat's new id when the group was upgraded to a supergroup."""
        new_id = self._tracking.moved.get(place.chat_id)
        return place if new_id is None else place.moved_to(new_id)

    async def chat_moved(self, old_id: int, new_id: int) -> None:
        """Telegram moved the chat `old_id` to `new_id`: later sends go there, and the core
        moves the chat's record and jobs (a failure there is logged; sending goes on)."""
        self._tracking.moved.put(old_id, new_id)
        old, new = ChatRef("telegram", str(old_id)), ChatRef("telegram", str(new_id))
        if self._on_moved is not None:
            try:
                await self._on_moved(old, new)
            except Exception:
                log.exception("moving chat %s to %s failed", old_id, new_id)

    async def _deliver_one(self, place: Place, item: Outgoing, at: _Item) -> list[int]:
        if isinstance(item, TextOut):
            ids = await self.send_text(place, item.html, item.keyboard, at)
            if item.quiz is not None:
                mark = item.quiz
                step = QuizMessage(place.chat, mark.session_id, mark.index, mark.group)
                chat_id = self.current(place).chat_id
                for message_id in ids:
                    self._tracking.quiz_messages.put((chat_id, message_id), step)
            return ids
        if isinstance(item, PrivateOut):
            return await self._send_private(place, item, at)
        if isinstance(item, PollOut):
            return [await at.part(0, lambda: self._send_poll(place, item))]
        raise TypeError(f"cannot send {type(item).__name__}")

    async def send_text(
        self,
        place: Place,
        html: str,
        keyboard: InlineKeyboardMarkup | None = None,
        at: _Item = _WHOLE,
    ) -> list[int]:
        parts = split_html(html) if html.strip() else []  # Telegram refuses empty texts
        ids: list[int] = []
        for number, part in enumerate(parts):
            markup = keyboard if number == len(parts) - 1 else None

            send = partial(self._send_part, place, part, markup, number == 0)
            ids.append(await at.part(number, send))
        chat_id = self.current(place).chat_id
        for extra in ids[1:]:
            self._tracking.first_part.put((chat_id, extra), ids[0])
        return ids

    async def _send_part(
        self, place: Place, html: str, keyboard: InlineKeyboardMarkup | None, first: bool
    ) -> int:
        reply = None
        if first and place.reply_to is not None:
            reply = ReplyParameters(place.reply_to, allow_sending_without_reply=True)

        def send(where: Place) -> Awaitable[Message]:
            return self._bot.send_message(
                where.chat_id,
                html,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                message_thread_id=where.thread_id,
                reply_parameters=reply,
                link_preview_options=_NO_PREVIEW,
            )

        return (await self._in_topic(place, send)).message_id

    async def _in_topic(self, place: Place, send: Callable[[Place], Awaitable[Message]]) -> Message:
        """Send into `place`'s forum topic; when that topic was closed or deleted, into the
        chat's general topic instead, so a daily post does not fail every day."""
        place = self.current(place)
        try:
            return await self._post(place, send)
        except BadRequest as error:
            if place.thread_id is None or not _topic_unusable(error):
                raise
            log.info(
                "topic %s of chat %s is closed or gone: %s", place.thread_id, place.chat_id, error
            )
            return await self._post(place.without_topic(), send)

    async def _post(self, place: Place, send: Callable[[Place], Awaitable[Message]]) -> Message:
        try:
            return await self._courier.call(place.chat_id, lambda: send(place))
        except ChatMigrated as error:
            log.info("chat %s is now supergroup %s", place.chat_id, error.new_chat_id)
            await self.chat_moved(place.chat_id, int(error.new_chat_id))
            moved = place.moved_to(int(error.new_chat_id))
            return await self._courier.call(moved.chat_id, lambda: send(moved))

    async def _send_private(self, place: Place, item: PrivateOut, at: _Item) -> list[int]:
        """The full version in a private chat with the member; the compact one in the group
        when the member has not started the bot (or blocked it)."""
        if place.private_chat or place.user_id is None:
            return await self.send_text(place, item.private_html, at=at)
        key = str(place.user_id)
        if self._tracking.private_reach.get(key) is not False:
            direct = Place(ChatRef("telegram", key), private_chat=True)
            try:
                await self.send_text(direct, item.private_html)
                return []
            except ChatUnavailable:
                log.info("member %s cannot be reached privately; answering in the group", key)
                self._tracking.private_reach.put(key, False)
        return await self.send_text(place, item.fallback_html, at=at)

    async def _send_poll(self, place: Place, item: PollOut) -> int:
        options: dict[str, Any] = {}
        if item.correct_option is not None:
            options = {"type": Poll.QUIZ, "correct_option_ids": [item.correct_option]}
        message = await self._in_topic(
            place,
            lambda where: self._bot.send_poll(
                where.chat_id,
                item.question,
                list(item.options),
                is_anonymous=False,
                open_period=item.open_period,
                message_thread_id=where.thread_id,
                **options,
            ),
        )
        mark = item.quiz
        step = QuizMessage(place.chat, mark.session_id, mark.index, mark.group)
        if message.poll is not None:
            self._tracking.polls.put(message.poll.id, step)
        self._tracking.quiz_messages.put((message.chat_id, message.message_id), step)
        return message.message_id


def _topic_unusable(error: BadRequest) -> bool:
    description = error.message.lower()
    return any(phrase in description for phrase in _TOPIC_UNUSABLE)
