"""Who and where, from Telegram objects: refs for the core, admin rights, the service port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from telegram import Bot, Chat, Message, User
from telegram.constants import ChatMemberStatus, ChatType

from bot.adapters.telegram.delivery import Courier
from bot.adapters.telegram.messenger import Place
from bot.core.commands import Command
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Reply

ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


class Service(Protocol):
    """The part of the core service the adapter uses."""

    async def handle(self, command: Command) -> list[Reply]: ...

    async def chat_seen(self, chat: ChatRef) -> None: ...

    async def chat_gone(self, chat: ChatRef) -> None: ...

    async def chat_moved(self, old: ChatRef, new: ChatRef) -> bool: ...

    async def active_quiz(self, chat: ChatRef, user: UserRef) -> int | None: ...


def user_ref(user: User) -> UserRef:
    return UserRef("telegram", str(user.id), user.full_name)


def chat_ref(chat: Chat, thread_id: int | None = None) -> ChatRef:
    title = chat.title or chat.full_name or ""
    thread = str(thread_id) if thread_id is not None else None
    return ChatRef("telegram", str(chat.id), thread_id=thread, title=title)


def message_chat(message: Message) -> ChatRef:
    """The chat of `message`; in a forum the topic it was written in, so replies stay there."""
    thread = message.message_thread_id if message.is_topic_message else None
    return chat_ref(message.chat, thread)


@dataclass(frozen=True, slots=True)
class Origin:
    """A member's message: who wrote it, where, and where the answer goes."""

    chat: ChatRef
    user: UserRef
    place: Place
    message: Message

    @property
    def private_chat(self) -> bool:
        return self.message.chat.type == ChatType.PRIVATE


def origin_of(message: Message) -> Origin | None:
    sender = message.from_user
    if sender is None:
        return None
    chat = message_chat(message)
    private = message.chat.type == ChatType.PRIVATE
    place = Place(chat, reply_to=message.message_id, user_id=sender.id, private_chat=private)
    return Origin(chat, user_ref(sender), place, message)


class AdminCheck:
    """Telegram's rule: the chat's creator and administrators (asked with `getChatMember`);
    an anonymous admin posting as the group; anyone in their own private chat."""

    def __init__(self, bot: Bot, courier: Courier) -> None:
        self._bot = bot
        self._courier = courier

    async def of_message(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
            return True
        if message.from_user is None:
            return False
        return await self.of_user(message.chat.id, message.from_user.id)

    async def of_user(self, chat_id: int, user_id: int) -> bool:
        if chat_id == user_id:
            return True
        member = await self._courier.call(
            chat_id, lambda: self._bot.get_chat_member(chat_id, user_id), limited=False
        )
        return member.status in ADMIN_STATUSES
