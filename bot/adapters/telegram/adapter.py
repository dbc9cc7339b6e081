"""The Telegram adapter: a PTB Application run inside the bot's own event loop.

`start()` initialises the application, registers the command menu and starts long polling;
`stop()` undoes it in reverse. No job queue: the bot's scheduler is the only one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.adapters.telegram import render
from bot.adapters.telegram.boundary import ErrorBoundary
from bot.adapters.telegram.buttons import Buttons
from bot.adapters.telegram.delivery import Courier, RetryPolicy
from bot.adapters.telegram.flood import FloodControl, FloodLimits
from bot.adapters.telegram.identity import AdminCheck, Service
from bot.adapters.telegram.intake import Intake
from bot.adapters.telegram.messenger import Messenger, Place
from bot.adapters.telegram.ordering import PerChatProcessor
from bot.adapters.telegram.redaction import TokenRedaction
from bot.adapters.telegram.tracking import Progress, Tracking
from bot.core.ports import Outbox
from bot.core.refs import ChatRef, Platform
from bot.core.replies import PostQuestion, Reply, Reveal

log = logging.getLogger(__name__)

ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.POLL_ANSWER,
    Update.MY_CHAT_MEMBER,
)
COMMAND_MENU = (
    ("daily", "Post today's question now (admins; optional id or search words)"),
    ("answer", "Answer the open question: /answer your answer"),
    ("quiz", "Start a quiz: /quiz [topic] [n]"),
    ("leaderboard", "Scores: /leaderboard [week|month|all]"),
    ("stats", "Your progress"),
    ("reveal", "Close the open question and show the answer (admins)"),
    ("skip", "Withdraw the open question (admins)"),
    ("settings", "Time, timezone, window, topics, difficulty (admins)"),
    ("forgetme", "Delete your data"),
    ("help", "How it works"),
    ("start", "Start"),
)


@dataclass(frozen=True, slots=True)
class AdapterOptions:
    """Tuning knobs; tests and benches shrink the poll timeout and the flood windows."""

    poll_timeout: float = 10.0
    flood: FloodLimits = field(default_factory=FloodLimits)
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class TelegramOutbox:
    """`Outbox` for Telegram: the core's own posts (daily question, reveal, admin notices).

    A long reply goes out in several messages. When one fails for good, the core delivers the
    same reply again later; the parts that already went out are remembered per chat and reply
    (in memory: after a restart the whole reply is sent again) and are not sent twice."""

    def __init__(self, messenger: Messenger, tracking: Tracking) -> None:
        self._messenger = messenger
        self._tracking = tracking

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        place = Place.of_chat(chat)
        key = (self._messenger.current(place).chat_id, delivery_key(reply))
        # Taken out while in use: the same reply sent twice at once is two deliveries.
        progress = self._tracking.progress.pop(key) or Progress()
        items = render.render(reply, private_chat=place.private_chat)
        try:
            ids = await self._messenger.deliver(place, items, progress)
        except BaseException:
            if progress.sent:
                self._tracking.progress.put(key, progress)
            raise
        return str(ids[0]) if ids else None


def delivery_key(reply: Reply) -> str:
    """Equal for the same reply delivered again: a post or reveal by its post id (its text may
    differ slightly between attempts), anything else by its content."""
    if isinstance(reply, PostQuestion | Reveal):
        return f"{type(reply).__name__}:{reply.post_id}"
    return repr(reply)


class TelegramAdapter:
    platform: Platform = "telegram"

    def __init__(
        self,
        token: str,
        service: Service,
        *,
        api_url: str | None = None,
        options: AdapterOptions | None = None,
    ) -> None:
        self._options = options or AdapterOptions()
        # Installed before the application exists: PTB logs its API URLs while building.
        self._redaction = TokenRedaction(token)
        self._redaction.install()
        # Owned here so they are closed even when start-up fails before PTB would close them.
        self._requests = (HTTPXRequest(connection_pool_size=256), HTTPXRequest())
        tracking = Tracking()
        processor = PerChatProcessor(_chat_key(tracking))
        self._app = _build_application(token, api_url, self._requests, processor)
        bot = self._app.bot
        courier = Courier(FloodControl(self._options.flood), self._options.retry)
        messenger = Messenger(bot, courier, tracking, on_moved=service.chat_moved)
        admins = AdminCheck(bot, courier)
        intake = Intake(service, messenger, tracking, admins, lambda: bot.id)
        buttons = Buttons(service, intake, admins, courier, tracking)
        self._outbox = TelegramOutbox(messenger, tracking)
        _add_handlers(self._app, intake, buttons, ErrorBoundary(service, messenger, courier))

    @property
    def outbox(self) -> Outbox:
        return self._outbox

    @property
    def application(self) -> Application[Any, Any, Any, Any, Any, Any]:
        return self._app

    async def start(self) -> None:
        self._redaction.install()
        try:
            await self._app.initialize()
            await self._app.start()
            await self._register_commands()
            updater = self._app.updater
            assert updater is not None
            await updater.start_polling(
                timeout=timedelta(seconds=self._options.poll_timeout),
                allowed_updates=list(ALLOWED_UPDATES),
                error_callback=_polling_failed,
            )
        except BaseException:
            await self.stop()
            raise
        log.info("Telegram adapter running as @%s", self._app.bot.username)

    async def stop(self) -> None:
        updater = self._app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self._app.running:
            await self._app.stop()
        await self._app.shutdown()
        for request in self._requests:
            await request.shutdown()
        self._redaction.remove()

    async def _register_commands(self) -> None:
        menu = [BotCommand(name, description) for name, description in COMMAND_MENU]
        try:
            await self._app.bot.set_my_commands(menu)
        except TelegramError as error:
            # The menu is a convenience; commands work without it.
            log.warning("could not register the command menu: %s", error)


def _build_application(
    token: str,
    api_url: str | None,
    requests: tuple[HTTPXRequest, HTTPXRequest],
    processor: PerChatProcessor,
) -> Application[Any, Any, Any, Any, Any, Any]:
    general, polling = requests
    builder = (
        ApplicationBuilder()
        .token(token)
        .job_queue(None)
        .request(general)
        .get_updates_request(polling)
        .concurrent_updates(processor)
    )
    if api_url:
        builder = builder.base_url(api_url).base_file_url(file_url(api_url))
    return builder.build()


def _chat_key(tracking: Tracking) -> Callable[[object], Hashable]:
    """Which chat an update belongs to; a poll vote belongs to the chat of its poll."""

    def key(update: object) -> Hashable:
        if not isinstance(update, Update):
            return None
        if update.poll_answer is not None:
            step = tracking.polls.get(update.poll_answer.poll_id)
            if step is not None:
                return int(step.chat.chat_id)
        chat = update.effective_chat
        if chat is not None:
            return chat.id
        user = update.effective_user
        return user.id if user is not None else None

    return key


def file_url(api_url: str) -> str:
    """The file download base for a Bot API base URL (`.../bot` becomes `.../file/bot`)."""
    scheme, netloc, path, query, fragment = urlsplit(api_url)
    head, _, last = path.rstrip("/").rpartition("/")
    path = f"{head}/file/{last}" if last else "/file/bot"
    return urlunsplit((scheme, netloc, path, query, fragment))


def _add_handlers(
    app: Application[Any, Any, Any, Any, Any, Any],
    intake: Intake,
    buttons: Buttons,
    boundary: ErrorBoundary,
) -> None:
    new_message = filters.UpdateType.MESSAGE
    for name in intake.builders:
        app.add_handler(CommandHandler(name, intake.command(name), filters=new_message))
    # A command the bot does not know, in a private chat, gets the help; in a group it may
    # be meant for another bot.
    private_command = new_message & filters.ChatType.PRIVATE & filters.COMMAND
    app.add_handler(MessageHandler(private_command, intake.command("help")))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, intake.on_migrate))
    app.add_handler(MessageHandler(new_message & filters.REPLY & ~filters.COMMAND, intake.on_reply))
    private_text = new_message & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(private_text, intake.on_private_text))
    app.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, intake.on_edit)
    )
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(PollAnswerHandler(intake.on_poll_answer))
    app.add_handler(ChatMemberHandler(intake.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(boundary.on_error)


def _polling_failed(error: TelegramError) -> None:
    log.warning("fetching updates failed, retrying: %s: %s", type(error).__name__, error)
