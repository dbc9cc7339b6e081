"""The console group chat: `NAME: TEXT` lines in, `bot: ...` lines out.

Members appear on first use; the first one to speak is the chat's admin. This loop is the
adapter's one error boundary: a `UserError` becomes a friendly line, anything else is logged
and answered with a short apology, and the chat goes on.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from bot.adapters.console.commands import CONSOLE_CHAT, member, parse_line, to_command
from bot.adapters.console.prompt import InteractivePrompt
from bot.adapters.console.render import render
from bot.core.commands import AnswerQuiz, Command
from bot.core.errors import UserError
from bot.core.messages import text
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Reply
from bot.core.service import StudyService

log = logging.getLogger(__name__)

HINT_LINE = 'Write lines as "NAME: TEXT", e.g. "ada: /help" or "ada: /answer Dropout is ..."'
HINT_TEXT = "Use /answer YOUR ANSWER to answer the question, or /help for the commands."
HINT_COMMAND = "I do not know that command. Send /help for the list."
WELCOME_TEXT = (
    "Welcome to the study group. Each line is NAME: TEXT, a message from member NAME;\n"
    "the first member to speak is the admin. Try `alice: /daily`, then "
    "`bob: /answer ...`, then `alice: /reveal`.\n"
    "/help lists the commands; Ctrl-D leaves."
)


class ConsoleOutbox:
    """Prints what the core pushes (posts, reveals, warnings) as bot lines."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._next_id = 0

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        self._write(render(reply))
        self._next_id += 1
        return str(self._next_id)


class ConsoleChat:
    def __init__(self, service: StudyService, out: TextIO | None = None) -> None:
        self.service = service
        self._out = out or sys.stdout
        self.outbox = ConsoleOutbox(self.say)
        self._admin: str | None = None
        self._prompt: InteractivePrompt | None = None

    def say(self, message: str) -> None:
        lines = [f"bot: {line}" for line in message.splitlines() or [""]]
        if self._prompt is not None:
            self._prompt.show(lines)
            return
        for line in lines:
            print(line, file=self._out, flush=True)

    async def handle_line(self, raw: str) -> None:
        """One input line, with the error boundary around it."""
        if not raw.strip():
            return
        line = parse_line(raw)
        if line is None:
            self.say(HINT_LINE)
            return
        user = member(line.name)
        self._admin = self._admin or user.user_id
        try:
            await self.service.chat_seen(CONSOLE_CHAT)
            replies = await self._dispatch(user, user.user_id == self._admin, line.text)
        except UserError as error:
            self.say(text(error.key, **error.params))
            return
        except Exception:
            log.exception("console message from %s failed", user.name)
            self.say(text("error.internal"))
            return
        for reply in replies:
            self.say(render(reply))

    async def _dispatch(self, user: UserRef, is_admin: bool, message: str) -> list[Reply]:
        command: Command | None
        if message.startswith("/"):
            command = to_command(user, is_admin, message)
            if command is None:
                self.say(HINT_COMMAND)
                return []
            return await self.service.handle(command)
        session = await self.service.active_quiz(CONSOLE_CHAT, user)
        if session is None:
            self.say(HINT_TEXT)
            return []
        # A number answers a multiple-choice step; the core reads it.
        command = AnswerQuiz(CONSOLE_CHAT, user, is_admin, session_id=session, text=message)
        return await self.service.handle(command)

    async def run(self, source: TextIO | None = None) -> None:
        """Read lines until end of input. A terminal gets a prompt, line editing and history."""
        stream = source or sys.stdin
        if stream.isatty():
            await self._run_interactive()
        else:
            await self._run_script(stream)

    async def _run_script(self, stream: TextIO) -> None:
        if isinstance(stream, io.TextIOWrapper):
            # A stray byte that is not UTF-8 becomes "?" in its line, not the end of the chat.
            stream.reconfigure(errors="replace")
        # Reading happens in a thread so the scheduler keeps running while input waits.
        lines = await _thread_lines(lambda: stream.readline() or None)
        while (raw := await lines.get()) is not None:
            await self.handle_line(raw)

    async def _run_interactive(self) -> None:
        # A newcomer at a bare prompt would not know the NAME: TEXT form; scripts need no hint.
        self.say(WELCOME_TEXT)
        prompt = InteractivePrompt(self._out)
        self._prompt = prompt
        try:
            lines = await _thread_lines(prompt.read)
            while (raw := await lines.get()) is not None:
                await self.handle_line(raw)
                prompt.handled()
        finally:
            self._prompt = None
            prompt.close()


async def _thread_lines(read: Callable[[], str | None]) -> asyncio.Queue[str | None]:
    """A queue of the lines `read` returns (None marks the end), filled by a daemon thread, so
    a read blocked on the terminal never holds up the exit."""
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        try:
            while (raw := read()) is not None:
                loop.call_soon_threadsafe(lines.put_nowait, raw.rstrip("\n"))
        except (EOFError, KeyboardInterrupt, OSError, ValueError):
            pass
        finally:
            loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=pump, name="console-input", daemon=True).start()
    return lines
