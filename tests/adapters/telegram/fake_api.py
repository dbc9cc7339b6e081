"""A small fake Telegram Bot API server on 127.0.0.1 for driving the real PTB stack.

It records every call (method and decoded parameters), serves queued updates to the long poll,
answers `getChatMember` from configured statuses and can fail chosen methods on purpose (429 with
`retry_after`, 403, 5xx), and upgrade a group to a supergroup (a new chat id; sends to the old
one are refused with `migrate_to_chat_id`, as Telegram does).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:" + "A" * 35
BOT_USER: dict[str, Any] = {
    "id": 999000,
    "is_bot": True,
    "first_name": "StudyBot",
    "username": "studybot_test",
}
# PTB sends these as plain strings; everything else non-string arrives JSON-encoded.
RAW_FIELDS = frozenset(
    {"text", "caption", "question", "parse_mode", "callback_query_id", "explanation", "title"}
)
# Long polls are kept short so a test never waits on an idle poll for long.
MAX_POLL_SECONDS = 1.0
# How long a test waits for the bot to make an expected call before failing.
WAIT_SECONDS = 10.0

Params = dict[str, Any]


@dataclass
class Call:
    method: str
    params: Params
    at: float = field(default_factory=time.monotonic)  # when the request arrived


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    containing: str | None = None  # only for requests whose text contains this
    migrate_to_chat_id: int | None = None


@dataclass
class FakeTelegram:
    calls: list[Call] = field(default_factory=list)
    member_status: dict[tuple[int, int], str] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    upgraded: dict[int, int] = field(default_factory=dict)  # old group id -> supergroup id
    closing: bool = False

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._poll_ids = itertools.count(5000)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.max_poll_seconds = MAX_POLL_SECONDS
        self.polls_in_flight = 0

    # -- server lifecycle ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self.closing = True
        self._notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # -- what tests configure -------------------------------------------------------------

    def add_chat(
        self, chat_id: int, kind: str = "supergroup", title: str = "", **extra: Any
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind, **extra}
        if kind == "private":
            chat["first_name"] = title or "Someone"
        else:
            chat["title"] = title or f"Group {chat_id}"
        self.chats[chat_id] = chat
        return chat

    def set_status(self, chat_id: int, user_id: int, status: str) -> None:
        self.member_status[(chat_id, user_id)] = status

    def fail(self, method: str, failure: Failure, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([failure] * times)

    def upgrade(
        self, old_id: int, new_id: int, by: dict[str, Any], *, announce: bool = True
    ) -> None:
        """Upgrade the group `old_id` to the supergroup `new_id`. With `announce`, queue the
        service messages Telegram sends: `migrate_to_chat_id` in the old chat, then
        `migrate_from_chat_id` in the new one."""
        title = self._chat(old_id).get("title", "")
        self.add_chat(new_id, "supergroup", title)
        self.upgraded[old_id] = new_id
        if announce:
            self.service_message(old_id, by, migrate_to_chat_id=new_id)
            self.service_message(new_id, by, migrate_from_chat_id=old_id)

    def service_message(self, chat_id: int, user: dict[str, Any], **fields: Any) -> int:
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": user,
            **fields,
        }
        self.messages[(chat_id, message_id)] = message
        self._queue({"message": message})
        return message_id

    # -- updates tests inject ---------------------------------------------------------------

    def message(
        self,
        chat_id: int,
        user: dict[str, Any],
        text: str | None,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
        edit_of: int | None = None,
        sticker: bool = False,
    ) -> int:
        """Queue a member's message (or an edit of an earlier one); returns its message id."""
        message_id = edit_of if edit_of is not None else next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": user,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if sticker:
            message["sticker"] = _sticker()
        if reply_to is not None:
            message["reply_to_message"] = self.messages[(chat_id, reply_to)]
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if edit_of is not None:
            message["edit_date"] = int(time.time())
        self.messages[(chat_id, message_id)] = message
        self._queue({"edited_message" if edit_of is not None else "message": message})
        return message_id

    def callback(self, chat_id: int, user: dict[str, Any], data: str, message_id: int) -> None:
        query = {
            "id": str(next(self._update_ids) * 7),
            "from": user,
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": self.messages[(chat_id, message_id)],
        }
        self._queue({"callback_query": query})

    def poll_answer(self, poll_id: str, user: dict[str, Any], option_ids: list[int]) -> None:
        answer = {
            "poll_id": poll_id,
            "user": user,
            "option_ids": option_ids,
            "option_persistent_ids": [f"{poll_id}-{number}" for number in option_ids],
        }
        self._queue({"poll_answer": answer})

    def membership(self, chat_id: int, old: str, new: str, by: dict[str, Any]) -> None:
        update = {
            "chat": self._chat(chat_id),
            "from": by,
            "date": int(time.time()),
            "old_chat_member": _member_body(BOT_USER, old),
            "new_chat_member": _member_body(BOT_USER, new),
        }
        self._queue({"my_chat_member": update})

    def _queue(self, body: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **body})
        self._notify()

    # -- what tests read ------------------------------------------------------------------

    def times(self, method: str = "sendMessage", chat_id: int | None = None) -> list[float]:
        """When each matching call arrived (monotonic seconds), oldest first."""
        return [
            call.at
            for call in self.calls
            if call.method == method and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Params]:
        return [
            call.params
            for call in self.calls
            if call.method == method and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def bot_messages(self, chat_id: int, containing: str = "") -> list[dict[str, Any]]:
        """Messages the bot posted in `chat_id` (as stored, with their ids), oldest first."""
        return [
            message
            for (chat, _), message in sorted(self.messages.items(), key=lambda kv: kv[0][1])
            if chat == chat_id
            and message["from"]["id"] == BOT_USER["id"]
            and containing in message.get("text", "")
        ]

    async def wait_for(self, predicate: Callable[[FakeTelegram], bool]) -> None:
        async with asyncio.timeout(WAIT_SECONDS):
            await self._until(lambda: predicate(self))

    async def _until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            await self._changed.wait()

    async def wait_for_call(
        self, method: str, match: Callable[[Params], bool] = lambda _: True, count: int = 1
    ) -> list[Params]:
        def enough(fake: FakeTelegram) -> bool:
            return len([p for p in fake.sent(method) if match(p)]) >= count

        await self.wait_for(enough)
        return [p for p in self.sent(method) if match(p)]

    def _notify(self) -> None:
        # Waiters hold the old event; replacing it wakes all of them exactly once.
        self._changed.set()
        self._changed = asyncio.Event()

    # -- the HTTP side ----------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        prefix, _, method = request.path.rpartition("/")
        if not prefix.startswith(f"/bot{TOKEN}"):
            return _error(404, "Not Found")
        params = await _decode(request)
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        failure = (
            self._take_failure(method, params)
            or self._moved_away(params)
            or refusal(method, params)
        )
        if failure is not None:
            self._notify()
            if failure.status == DROP and request.transport is not None:
                request.transport.abort()  # the connection breaks with no answer at all
            return _failure_response(failure)
        handler = getattr(self, f"_api_{method}", None)
        result = await handler(params) if handler else True
        self._notify()
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, params: Params) -> Failure | None:
        queue = self.failures.get(method, [])
        for index, failure in enumerate(queue):
            if failure.chat_id not in (None, params.get("chat_id")):
                continue
            if failure.containing is None or failure.containing in str(params.get("text", "")):
                return queue.pop(index)
        return None

    def _moved_away(self, params: Params) -> Failure | None:
        new_id = self.upgraded.get(params.get("chat_id", 0))
        if new_id is None:
            return None
        description = "Bad Request: group chat was upgraded to a supergroup chat"
        return Failure(400, description, migrate_to_chat_id=new_id)

    async def _api_getMe(self, params: Params) -> Any:
        return BOT_USER

    async def _api_getUpdates(self, params: Params) -> Any:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), self.max_poll_seconds)
        if not self._updates and not self.closing and wait > 0:
            self.polls_in_flight += 1
            self._notify()
            try:
                async with asyncio.timeout(wait):
                    await self._until(lambda: bool(self._updates) or self.closing)
            except TimeoutError:
                pass
            finally:
                self.polls_in_flight -= 1
        return [] if self.closing else list(self._updates)

    async def _api_sendMessage(self, params: Params) -> Any:
        return self._store_bot_message(params, {"text": _as_shown(params)})

    async def _api_sendPoll(self, params: Params) -> Any:
        poll_id = str(next(self._poll_ids))
        options = [
            {
                "text": o if isinstance(o, str) else o["text"],
                "voter_count": 0,
                "persistent_id": f"{poll_id}-{number}",
            }
            for number, o in enumerate(params["options"])
        ]
        poll = {
            "id": poll_id,
            "question": params["question"],
            "options": options,
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        if "correct_option_ids" in params:
            poll["correct_option_ids"] = params["correct_option_ids"]
        self.polls[poll_id] = poll
        return self._store_bot_message(params, {"poll": poll})

    async def _api_editMessageText(self, params: Params) -> Any:
        stored = self.messages[(params["chat_id"], params["message_id"])]
        stored["text"] = _as_shown(params)
        return stored

    async def _api_editMessageReplyMarkup(self, params: Params) -> Any:
        return self.messages[(params["chat_id"], params["message_id"])]

    async def _api_getChatMember(self, params: Params) -> Any:
        status = self.member_status.get((params["chat_id"], params["user_id"]), "member")
        return _chat_member(params["user_id"], status)

    def _store_bot_message(self, params: Params, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": BOT_USER,
            **body,
        }
        if "message_thread_id" in params:
            message["message_thread_id"] = params["message_thread_id"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id not in self.chats:
            self.add_chat(chat_id, "supergroup" if chat_id < 0 else "private")
        return self.chats[chat_id]


async def _decode(request: web.Request) -> Params:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
        return raw
    form = await request.post()
    params: Params = {}
    for key, value in form.items():
        text = value if isinstance(value, str) else str(value)
        params[key] = text if key in RAW_FIELDS else _maybe_json(text)
    return params


def _as_shown(params: Params) -> str:
    """The text as Telegram stores it: markup parsed away, entities decoded."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _error(
    status: int,
    description: str,
    retry_after: int | None = None,
    migrate_to_chat_id: int | None = None,
) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    if migrate_to_chat_id is not None:
        body["parameters"] = {"migrate_to_chat_id": migrate_to_chat_id}
    return web.json_response(body, status=status)


def _failure_response(failure: Failure) -> web.Response:
    return _error(
        failure.status, failure.description, failure.retry_after, failure.migrate_to_chat_id
    )


# What Telegram's HTML parse mode accepts; anything else is "can't parse entities".
HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_HTML_PIECE = re.compile(r"<(/?)([a-zA-Z-]*)[^<>]*>|&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<>&]")
TEXT_LIMIT = 4096
DROP = 0  # a `Failure` status meaning "close the connection without answering"
CALLBACK_LIMIT = 64


def refusal(method: str, params: Params) -> Failure | None:
    """The 400 answer real Telegram gives for this request, or None when it is acceptable."""
    if method in ("sendMessage", "editMessageText"):
        text = str(params.get("text", ""))
        if not text.strip():
            return Failure(400, "Bad Request: message text is empty")
        problem = html_problem(text) if params.get("parse_mode") == "HTML" else None
        if problem:
            return Failure(400, f"Bad Request: can't parse entities: {problem}")
        if len(_as_shown(params).encode("utf-16-le")) // 2 > TEXT_LIMIT:
            return Failure(400, "Bad Request: message is too long")
    keyboard = params.get("reply_markup")
    if isinstance(keyboard, dict):
        for row in keyboard.get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > CALLBACK_LIMIT:
                    return Failure(400, "Bad Request: BUTTON_DATA_INVALID")
    return None


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode (unknown or unbalanced tags, a bare
    `<`, `>` or `&`), or None."""
    stack: list[str] = []
    for match in _HTML_PIECE.finditer(text):
        piece = match.group(0)
        if piece in ("<", ">", "&"):
            return f"unescaped {piece!r} at byte offset {match.start()}"
        if not piece.startswith("<"):
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name not in HTML_TAGS:
            return f"unsupported start tag {name!r} at byte offset {match.start()}"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"can't find end tag corresponding to start tag {name!r}"
    return f"can't find end tag for {stack[-1]!r}" if stack else None


def too_many_requests(retry_after: int = 1, chat_id: int | None = None) -> Failure:
    return Failure(429, f"Too Many Requests: retry after {retry_after}", retry_after, chat_id)


def blocked(chat_id: int | None = None) -> Failure:
    return Failure(403, "Forbidden: bot was blocked by the user", chat_id=chat_id)


def dropped_connection(chat_id: int | None = None) -> Failure:
    """The connection breaks before any answer: a network error on the client side."""
    return Failure(DROP, "connection dropped", chat_id=chat_id)


def server_error(chat_id: int | None = None) -> Failure:
    return Failure(500, "Internal Server Error", chat_id=chat_id)


def _chat_member(user_id: int, status: str) -> dict[str, Any]:
    return _member_body({"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}, status)


def _member_body(user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    if status == "administrator":
        member.update(
            {
                key: False
                for key in (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                )
            }
        )
    if status == "restricted":
        member.update({"is_member": True, "until_date": 0})
    if status == "kicked":
        member["until_date"] = 0
    return member


def _sticker() -> dict[str, Any]:
    return {
        "file_id": "sticker-file",
        "file_unique_id": "sticker-unique",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }


def member(user_id: int, name: str) -> dict[str, Any]:
    """A Telegram user as updates carry it."""
    return {"id": user_id, "is_bot": False, "first_name": name}
