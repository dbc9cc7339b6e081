"""Updates in, commands out: each slash command, reply, private message and poll vote becomes a
core command; the replies go back through the messenger. Errors are left to the error boundary.

Edited messages: an edited reply to the question (or an edited `/answer`) is submitted again,
as a new answer; the core decides whether it replaces the first one or refuses. Any other edit is
ignored, since nothing else a member writes is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.adapters.telegram import render
from bot.adapters.telegram.identity import (
    AdminCheck,
    Origin,
    Service,
    chat_ref,
    origin_of,
    user_ref,
)
from bot.adapters.telegram.messenger import Messenger, Place
from bot.adapters.telegram.render import TextOut
from bot.adapters.telegram.tracking import Tracking
from bot.core import parsing
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
from bot.core.replies import QuizAnswerResult, Reply

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Builder = Callable[[Origin, str], Awaitable[Command]]
GROUP_WORD = "group"
CONFIRM_WORD = "confirm"
GONE_STATUSES = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
PRESENT_STATUSES = (
    ChatMemberStatus.MEMBER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.RESTRICTED,
)


class Intake:
    def __init__(
        self,
        service: Service,
        messenger: Messenger,
        tracking: Tracking,
        admins: AdminCheck,
        bot_id: Callable[[], int],
    ) -> None:
        self._service = service
        self._messenger = messenger
        self._tracking = tracking
        self._admins = admins
        self._bot_id = bot_id
        self.builders: dict[str, Builder] = {
            "start": self._help,
            "help": self._help,
            "daily": self._daily,
            "answer": self._answer,
            "reveal": self._reveal,
            "skip": self._skip,
            "quiz": self._quiz,
            "leaderboard": self._leaderboard,
            "stats": self._stats,
            "settings": self._settings,
            "forgetme": self._forget,
        }

    # -- slash commands -------------------------------------------------------------------

    def command(self, name: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        builder = self.builders[name]

        async def callback(update: Update, context: Context) -> None:
            origin = self._origin(update)
            if origin is None:
                return
            await self._service.chat_seen(origin.chat)
            command = await builder(origin, command_argument(origin.message))
            replies = await self._service.handle(command)
            confirm = isinstance(command, ForgetMe) and not command.confirmed
            # Only admins may toggle topics: the others see the settings without buttons.
            read_only = isinstance(command, ShowSettings) and not command.is_admin
            await self.send(origin.place, replies, confirm_forget=confirm, buttons=not read_only)

        return callback

    async def _help(self, origin: Origin, argument: str) -> Command:
        is_admin = await self._admins.of_message(origin.message)
        return ShowHelp(origin.chat, origin.user, is_admin=is_admin)

    async def _daily(self, origin: Origin, argument: str) -> Command:
        is_admin = await self._admins.of_message(origin.message)
        return PostDaily(origin.chat, origin.user, is_admin=is_admin, query=argument)

    async def _answer(self, origin: Origin, argument: str) -> Command:
        reply_to = self._replied_post(origin.message)
        return SubmitAnswer(origin.chat, origin.user, text=argument, reply_to=reply_to)

    async def _reveal(self, origin: Origin, argument: str) -> Command:
        is_admin = await self._admins.of_message(origin.message)
        return RevealPost(origin.chat, origin.user, is_admin=is_admin)

    async def _skip(self, origin: Origin, argument: str) -> Command:
        is_admin = await self._admins.of_message(origin.message)
        return SkipPost(origin.chat, origin.user, is_admin=is_admin)

    async def _quiz(self, origin: Origin, argument: str) -> Command:
        words = argument.split()
        # `group` makes one shared quiz for the whole chat; otherwise it is the member's own.
        group = GROUP_WORD in (word.lower() for word in words) and not origin.private_chat
        rest = " ".join(word for word in words if word.lower() != GROUP_WORD)
        topic, count, mode = parsing.parse_quiz_args(rest)
        return StartQuiz(origin.chat, origin.user, topic=topic, count=count, mode=mode, group=group)

    async def _leaderboard(self, origin: Origin, argument: str) -> Command:
        window = parsing.parse_window(argument)
        return ShowLeaderboard(origin.chat, origin.user, window=window)

    async def _stats(self, origin: Origin, argument: str) -> Command:
        replied = origin.message.reply_to_message
        target = None
        if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
            target = user_ref(replied.from_user)
        return ShowStats(origin.chat, origin.user, target=target)

    async def _settings(self, origin: Origin, argument: str) -> Command:
        is_admin = await self._admins.of_message(origin.message)
        if not argument.strip():
            return ShowSettings(origin.chat, origin.user, is_admin=is_admin)
        changes = parsing.parse_settings_args(argument)
        return ChangeSettings(origin.chat, origin.user, is_admin=is_admin, changes=changes)

    async def _forget(self, origin: Origin, argument: str) -> Command:
        confirmed = argument.strip().lower() == CONFIRM_WORD
        return ForgetMe(origin.chat, origin.user, confirmed=confirmed)

    # -- answers that are not commands -----------------------------------------------------

    async def on_reply(self, update: Update, context: Context) -> None:
        """A reply: an answer to a quiz step or to a daily post. In a private chat any other
        reply counts as plain text."""
        origin = self._origin(update)
        if origin is None:
            return
        text = origin.message.text or origin.message.caption
        if not text:
            return  # a sticker or a bare photo is a reaction, not an answer
        if self._replies_to_us(origin.message) and await self._submit(origin, text):
            return
        if origin.private_chat:
            await self._private_text(origin, text)

    async def on_private_text(self, update: Update, context: Context) -> None:
        origin = self._origin(update)
        if origin is not None and origin.message.text:
            await self._private_text(origin, origin.message.text)

    async def _private_text(self, origin: Origin, text: str) -> None:
        """Plain text in a private chat: the running quiz's answer, else the open post's."""
        session = await self._service.active_quiz(origin.chat, origin.user)
        command: Command
        if session is not None:
            command = AnswerQuiz(origin.chat, origin.user, session_id=session, text=text)
        else:
            command = SubmitAnswer(origin.chat, origin.user, text=text)
        await self.send(origin.place, await self._service.handle(command))

    async def on_edit(self, update: Update, context: Context) -> None:
        origin = self._origin(update)
        if origin is None or not origin.message.text:
            return
        name = addressed_command(origin.message, context.bot.username)
        if name == "answer":
            command = await self._answer(origin, command_argument(origin.message))
            await self.send(origin.place, await self._service.handle(command))
        elif name is None and self._replies_to_us(origin.message):
            await self._submit(origin, origin.message.text)

    async def _submit(self, origin: Origin, text: str) -> bool:
        """An answer by reply to a quiz step or to a question post; False for a reply to
        anything else we posted (a leaderboard, help), which is conversation, not an answer."""
        replied = origin.message.reply_to_message
        assert replied is not None
        step = self._tracking.quiz_messages.get((replied.chat.id, replied.message_id))
        if step is not None:
            answer = AnswerQuiz(origin.chat, origin.user, session_id=step.session_id, text=text)
            replies = await self._service.handle(answer)
            await self.send(origin.place, _without_spoilers(replies) if step.group else replies)
            return True
        if self._is_question_post(replied):
            reply_to = self._replied_post(origin.message)
            command = SubmitAnswer(origin.chat, origin.user, text=text, reply_to=reply_to)
            await self.send(origin.place, await self._service.handle(command))
            return True
        if render.is_quiz_step(replied.text or ""):
            # A step posted before a restart: the member's running quiz is the one meant.
            session = await self._service.active_quiz(origin.chat, origin.user)
            if session is not None:
                answer = AnswerQuiz(origin.chat, origin.user, session_id=session, text=text)
                await self.send(origin.place, await self._service.handle(answer))
                return True
        return False

    def _is_question_post(self, message: Message) -> bool:
        key = (message.chat.id, message.message_id)
        return (
            render.is_question_post(message.text or "")
            or self._tracking.first_part.get(key) is not None
        )

    async def on_poll_answer(self, update: Update, context: Context) -> None:
        answer = update.poll_answer
        if answer is None or answer.user is None or not answer.option_ids:
            return  # a retracted vote, or a vote cast as a channel
        step = self._tracking.polls.get(answer.poll_id)
        if step is None:
            log.info("vote on unknown poll %s ignored", answer.poll_id)
            return
        command = AnswerQuiz(
            step.chat,
            user_ref(answer.user),
            session_id=step.session_id,
            choice=answer.option_ids[0],
        )
        replies = await self._service.handle(command)
        if step.group:
            # Telegram shows each voter whether they were right; the chat sees the results
            # when the quiz ends, so other voters learn nothing early.
            return
        place = Place(step.chat, user_id=answer.user.id, private_chat=int(step.chat.chat_id) > 0)
        await self.send(place, replies)

    # -- the bot joining and leaving chats ------------------------------------------------

    async def on_membership(self, update: Update, context: Context) -> None:
        change = update.my_chat_member
        if change is None:
            return
        chat = chat_ref(change.chat)
        status = change.new_chat_member.status
        if change.chat.type == ChatType.PRIVATE:
            # A member blocking or unblocking the bot in their private chat.
            self._tracking.private_reach.put(chat.chat_id, status in PRESENT_STATUSES)
        if status in GONE_STATUSES:
            log.info("removed from chat %s (%s)", chat.chat_id, status)
            await self._service.chat_gone(chat)
        elif status in PRESENT_STATUSES:
            log.info("present in chat %s (%s)", chat.chat_id, status)
            await self._service.chat_seen(chat)

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group upgraded to a supergroup: Telegram says so in both chats (`migrate_to_chat_id`
        in the old one, `migrate_from_chat_id` in the new one); the first of the two moves the
        chat, with its settings, history and jobs, to the new id."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            await self._messenger.chat_moved(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            await self._messenger.chat_moved(message.migrate_from_chat_id, message.chat.id)

    # -- sending --------------------------------------------------------------------------

    async def send(
        self,
        place: Place,
        replies: list[Reply],
        *,
        confirm_forget: bool = False,
        buttons: bool = True,
    ) -> None:
        items = [
            item
            for reply in replies
            for item in render.render(reply, private_chat=place.private_chat)
        ]
        if not buttons:
            items = [replace(i, keyboard=None) if isinstance(i, TextOut) else i for i in items]
        if confirm_forget and items and isinstance(items[-1], TextOut) and place.user_id:
            items[-1] = TextOut(items[-1].html, render.forget_keyboard(str(place.user_id)))
        await self._messenger.deliver(place, items)

    def _origin(self, update: Update) -> Origin | None:
        message = update.effective_message
        origin = origin_of(message) if message is not None else None
        if origin is not None and origin.private_chat:
            # Whoever writes to the bot privately can get their feedback there.
            self._tracking.private_reach.put(origin.user.user_id, True)
        return origin

    def _replies_to_us(self, message: Message) -> bool:
        replied = message.reply_to_message
        return (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == self._bot_id()
        )

    def _replied_post(self, message: Message) -> str | None:
        """The message id the core knows for the post `message` replies to (the first part of a
        split post), or None when it is not a reply to us."""
        if not self._replies_to_us(message):
            return None
        replied = message.reply_to_message
        assert replied is not None
        first = self._tracking.first_part.get((replied.chat.id, replied.message_id))
        return str(first if first is not None else replied.message_id)


def _without_spoilers(replies: list[Reply]) -> list[Reply]:
    """A shared quiz's answer results, minus what would tell the others the answer."""
    return [
        replace(reply, correct_option=None, missed=())
        if isinstance(reply, QuizAnswerResult)
        else reply
        for reply in replies
    ]


def command_argument(message: Message) -> str:
    """Everything after `/command` (line breaks inside kept)."""
    text = message.text or ""
    parts = text.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def addressed_command(message: Message, bot_username: str) -> str | None:
    """The command name in `message`, or None when it has none or names another bot."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    name, _, addressee = text.split(None, 1)[0][1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower()
