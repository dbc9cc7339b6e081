"""Sending rendered replies: split texts, polls, keyboards, private detail with a group fallback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
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
from telegram.error import BadRequest

from bot.adapters.telegram.delivery import Courier
from bot.adapters.telegram.render import Outgoing, PollOut, PrivateOut, TextOut
from bot.adapters.telegram.split import split_html
from bot.adapters.telegram.tracking import QuizMessage, Tracking
from bot.core.ports import ChatUnavailable
from bot.core.refs import ChatRef

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# BadRequest descriptions meaning the forum topic cannot take messages (closed or deleted).
_TOPIC_UNUSABLE = ("thread not found", "topic_closed", "topic_deleted")


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


class Messenger:
    def __init__(self, bot: Bot, courier: Courier, tracking: Tracking) -> None:
        self._bot = bot
        self._courier = courier
        self._tracking = tracking

    async def deliver(self, place: Place, items: list[Outgoing]) -> list[int]:
        """Send every item; returns the ids of the messages posted in `place`'s chat."""
        ids: list[int] = []
        for item in items:
            ids.extend(await self._deliver_one(place, item))
        return ids

    async def _deliver_one(self, place: Place, item: Outgoing) -> list[int]:
        if isinstance(item, TextOut):
            ids = await self.send_text(place, item.html, item.keyboard)
            if item.quiz is not None:
                mark = item.quiz
                step = QuizMessage(place.chat, mark.session_id, mark.index, mark.group)
                for message_id in ids:
                    self._tracking.quiz_messages.put((place.chat_id, message_id), step)
            return ids
        if isinstance(item, PrivateOut):
            return await self._send_private(place, item)
        if isinstance(item, PollOut):
            return [await self._send_poll(place, item)]
        raise TypeError(f"cannot send {type(item).__name__}")

    async def send_text(
        self, place: Place, html: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> list[int]:
        parts = split_html(html) if html.strip() else []  # Telegram refuses empty texts
        ids: list[int] = []
        for number, part in enumerate(parts):
            last = number == len(parts) - 1
            message = await self._send_part(place, part, keyboard if last else None, number == 0)
            ids.append(message.message_id)
        for extra in ids[1:]:
            self._tracking.first_part.put((place.chat_id, extra), ids[0])
        return ids

    async def _send_part(
        self, place: Place, html: str, keyboard: InlineKeyboardMarkup | None, first: bool
    ) -> Message:
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

        return await self._in_topic(place, send)

    async def _in_topic(self, place: Place, send: Callable[[Place], Awaitable[Message]]) -> Message:
        """Send into `place`'s forum topic; when that topic was closed or deleted, into the
        chat's general topic instead, so a daily post does not fail every day."""
        try:
            return await self._courier.call(place.chat_id, lambda: send(place))
        except BadRequest as error:
            if place.thread_id is None or not _topic_unusable(error):
                raise
            log.info(
                "topic %s of chat %s is closed or gone: %s", place.thread_id, place.chat_id, error
            )
            general = place.without_topic()
            return await self._courier.call(general.chat_id, lambda: send(general))

    async def _send_private(self, place: Place, item: PrivateOut) -> list[int]:
        """The full version in a private chat with the member; the compact one in the group
        when the member has not started the bot (or blocked it)."""
        if place.private_chat or place.user_id is None:
            return await self.send_text(place, item.private_html)
        key = str(place.user_id)
        if self._tracking.private_reach.get(key) is not False:
            direct = Place(ChatRef("telegram", key), private_chat=True)
            try:
                await self.send_text(direct, item.private_html)
                return []
            except ChatUnavailable:
                log.info("member %s cannot be reached privately; answering in the group", key)
                self._tracking.private_reach.put(key, False)
        return await self.send_text(place, item.fallback_html)

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
        self._tracking.quiz_messages.put((place.chat_id, message.message_id), step)
        return message.message_id


def _topic_unusable(error: BadRequest) -> bool:
    description = error.message.lower()
    return any(phrase in description for phrase in _TOPIC_UNUSABLE)
