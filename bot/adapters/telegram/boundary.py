"""The one place every handler failure lands (`Application.add_error_handler`).

A `UserError` becomes the core's friendly text; a chat that is gone is marked inactive; anything
else is logged with context (update type, chat id, user id; never the token) and answered with a
short apology. Nothing escapes: the process keeps running.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.adapters.telegram.delivery import Courier
from bot.adapters.telegram.identity import Service, message_chat
from bot.adapters.telegram.intake import Context
from bot.adapters.telegram.messenger import Messenger, Place
from bot.adapters.telegram.render import name_html
from bot.core import messages
from bot.core.errors import UserError
from bot.core.ports import ChatUnavailable

log = logging.getLogger(__name__)

UPDATE_KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "poll_answer",
    "my_chat_member",
    "chat_member",
)
APOLOGY_KEY = "error.internal"


class ErrorBoundary:
    def __init__(self, service: Service, messenger: Messenger, courier: Courier) -> None:
        self._service = service
        self._messenger = messenger
        self._courier = courier

    async def on_error(self, update: object, context: Context) -> None:
        error = context.error
        if not isinstance(update, Update):
            # Polling-level failures (update is None): PTB retries them itself.
            log.warning("Telegram error outside an update: %s", _describe(error))
            return
        try:
            await self._handle(update, error)
        except Exception as failure:
            log.error(
                "answering a failed %s also failed: %s", update_kind(update), _describe(failure)
            )

    async def _handle(self, update: Update, error: BaseException | None) -> None:
        if isinstance(error, UserError):
            log.debug("%s: %s", update_kind(update), error.key)
            await self._tell(update, messages.text(error.key, **error.params))
            return
        message = update.effective_message
        if isinstance(error, ChatUnavailable) and message is not None:
            log.info("chat %s is no longer reachable: %s", message.chat.id, error)
            await self._service.chat_gone(message_chat(message))
            return
        chat = update.effective_chat
        user = update.effective_user
        log.error(
            "handling a %s failed (chat %s, user %s): %s",
            update_kind(update),
            chat.id if chat else "-",
            user.id if user else "-",
            _describe(error),
            exc_info=error if not isinstance(error, TelegramError) else None,
        )
        await self._tell(update, messages.text(APOLOGY_KEY))

    async def _tell(self, update: Update, text: str) -> None:
        query = update.callback_query
        if query is not None:
            await self._courier.call(
                query.from_user.id, lambda: query.answer(text[:200], show_alert=True), limited=False
            )
            return
        message = update.effective_message
        if message is None or message.from_user is None:
            return  # poll votes have no chat to answer in; the log has it
        place = Place(
            message_chat(message),
            reply_to=message.message_id,
            user_id=message.from_user.id,
            private_chat=message.chat.id > 0,
        )
        await self._messenger.send_text(place, name_html(text))


def update_kind(update: Update) -> str:
    for kind in UPDATE_KINDS:
        if getattr(update, kind, None) is not None:
            return kind
    return "update"


def _describe(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}" if error is not None else "unknown error"
