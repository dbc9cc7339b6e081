"""Inline buttons: quiz choices, topic toggles under `/settings`, the `/forgetme` confirmation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode

from bot.adapters.telegram import callbacks, render
from bot.adapters.telegram.delivery import Courier
from bot.adapters.telegram.identity import AdminCheck, Service, message_chat, user_ref
from bot.adapters.telegram.intake import Context, Intake
from bot.adapters.telegram.messenger import Place
from bot.adapters.telegram.tracking import Tracking
from bot.core.commands import AnswerQuiz, ChangeSettings, ForgetMe, ShowSettings
from bot.core.errors import NotAllowed
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import QuizAnswerResult, Reply, SettingsView
from content.model import TOPICS

Handler = Callable[[CallbackQuery, Message, tuple[str, ...]], Awaitable[None]]


class Buttons:
    def __init__(
        self,
        service: Service,
        intake: Intake,
        admins: AdminCheck,
        courier: Courier,
        tracking: Tracking,
    ) -> None:
        self._service = service
        self._tracking = tracking
        self._intake = intake
        self._admins = admins
        self._courier = courier
        self._handlers: dict[str, Handler] = {
            "qc": self._quiz_choice,
            "tp": self._toggle_topic,
            "fm": self._forget,
        }

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        message = query.message
        data = callbacks.decode(query.data)
        handler = self._handlers.get(data.kind)
        if handler is None or not isinstance(message, Message):
            await self.answer(query)  # an old or foreign button: just stop the spinner
            return
        await handler(query, message, data.fields)

    async def answer(
        self, query: CallbackQuery, text: str | None = None, alert: bool = True
    ) -> None:
        """Stop the button's spinner; `text` shows only to the member who pressed it."""
        chat_id = query.from_user.id
        await self._courier.call(
            chat_id, lambda: query.answer(text, show_alert=alert and bool(text)), limited=False
        )

    async def _quiz_choice(
        self, query: CallbackQuery, message: Message, fields: tuple[str, ...]
    ) -> None:
        session_id, _index, choice = (int(field) for field in fields)
        chat = message_chat(message)
        command = AnswerQuiz(chat, user_ref(query.from_user), session_id=session_id, choice=choice)
        replies = await self._service.handle(command)
        step = self._tracking.quiz_messages.get((message.chat.id, message.message_id))
        if step is not None and step.group:
            # The chat's shared quiz: only the member learns how their choice went.
            await self.answer(query, _private_result(replies), alert=False)
            return
        await self.answer(query)
        place = Place(chat, user_id=query.from_user.id, private_chat=message.chat.id > 0)
        await self._intake.send(place, replies)

    async def _toggle_topic(
        self, query: CallbackQuery, message: Message, fields: tuple[str, ...]
    ) -> None:
        if not await self._admins.of_user(message.chat.id, query.from_user.id):
            raise NotAllowed()
        chat, user = message_chat(message), user_ref(query.from_user)
        current = await self._settings(chat, user)
        active = set(current.topics) or set(TOPICS)
        active ^= {fields[0]}
        if not active:
            await self.answer(query, "Keep at least one topic.")
            return
        value = "all" if active == set(TOPICS) else ",".join(t for t in TOPICS if t in active)
        change = ChangeSettings(chat, user, is_admin=True, changes=(("topics", value),))
        await self._service.handle(change)
        updated = await self._settings(chat, user)
        await self.answer(query)
        (view,) = render.render_settings(updated)
        assert isinstance(view, render.TextOut)
        await self._courier.call(
            message.chat.id,
            lambda: message.edit_text(
                view.html, parse_mode=ParseMode.HTML, reply_markup=view.keyboard
            ),
        )

    async def _settings(self, chat: ChatRef, user: UserRef) -> SettingsView:
        for reply in await self._service.handle(ShowSettings(chat, user, is_admin=True)):
            if isinstance(reply, SettingsView):
                return reply
        raise TypeError("ShowSettings answered without a SettingsView")

    async def _forget(
        self, query: CallbackQuery, message: Message, fields: tuple[str, ...]
    ) -> None:
        owner, choice = fields
        if owner != str(query.from_user.id):
            raise NotAllowed()
        await self._courier.call(message.chat.id, lambda: message.edit_reply_markup(None))
        if choice != "yes":
            await self.answer(query, "Nothing was deleted.")
            return
        chat = message_chat(message)
        command = ForgetMe(chat, user_ref(query.from_user), confirmed=True)
        replies = await self._service.handle(command)
        await self.answer(query)
        place = Place(chat, user_id=query.from_user.id, private_chat=message.chat.id > 0)
        await self._intake.send(place, replies)


def _private_result(replies: list[Reply]) -> str | None:
    for reply in replies:
        if isinstance(reply, QuizAnswerResult):
            return f"{reply.score}/100 · {reply.verdict.value}"
    return None
