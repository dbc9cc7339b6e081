"""The interactive terminal: readline editing, history kept between sessions, and a prompt that
comes back only once the bot has answered the line before.

Messages the bot pushes on its own (the scheduled question, a reveal) may arrive while the member
is typing: they are printed above the prompt, which is then drawn again with what was typed.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TextIO

PROMPT = "> "
HISTORY_FILE = ".studybot_history"
HISTORY_LENGTH = 1000
_CLEAR_LINE = "\r\x1b[K"


def default_history() -> Path:
    return Path.home() / HISTORY_FILE


class InteractivePrompt:
    """Reads typed lines (from the input thread) and prints bot lines (from the event loop)."""

    def __init__(self, out: TextIO, history: Path | None = None) -> None:
        import readline  # line editing and history for input(); only a terminal needs it

        self._readline = readline
        self._out = out
        self._history = history or default_history()
        self._handled = threading.Event()
        self._handled.set()
        self._typing = False
        self._print_lock = threading.Lock()
        # No history yet, or not readable: start without it.
        with contextlib.suppress(OSError):
            readline.read_history_file(self._history)
        readline.set_history_length(HISTORY_LENGTH)

    def read(self) -> str | None:
        """The next typed line, once the previous one was answered; None at end of input."""
        self._handled.wait()
        self._handled.clear()
        self._typing = True
        try:
            return input(PROMPT)
        except EOFError:
            self._write("\n")
            return None
        finally:
            self._typing = False

    def handled(self) -> None:
        """The last line's replies are printed: show the prompt again."""
        self._handled.set()

    def show(self, lines: list[str]) -> None:
        """Print bot lines; when the member is at the prompt, keep it (and their typing) below."""
        with self._print_lock:
            if not self._typing:
                self._write("".join(f"{line}\n" for line in lines))
                return
            typed = self._readline.get_line_buffer()
            self._write(_CLEAR_LINE + "".join(f"{line}\n" for line in lines) + PROMPT + typed)

    def close(self) -> None:
        """Keep the history for the next session (and leave the terminal on a fresh line when
        the chat was stopped at the prompt, by Ctrl-C or a signal)."""
        if self._typing:
            self._write("\n")
        # A read-only home: history is a convenience, not worth an error.
        with contextlib.suppress(OSError):
            self._readline.write_history_file(self._history)

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()
