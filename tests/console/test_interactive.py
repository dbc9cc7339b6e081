"""`studybot chat` in a terminal (a real pseudo-terminal): a prompt that returns after the bot's
answer, readline history kept between sessions, and Ctrl-D ending the chat cleanly."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 30.0


class Terminal:
    def __init__(self, db: Path, home: Path) -> None:
        self.master, slave = pty.openpty()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "PYTHONPATH": str(ROOT),
            "TERM": "dumb",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--db", str(db)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def read_until(self, text: str) -> str:
        """Everything printed until `text` appears (after what was already read)."""
        start = len(self.seen)
        deadline = time.monotonic() + TIMEOUT_S
        while text not in self.seen[start:]:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} did not appear; got {self.seen[start:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the other side closed
                    chunk = b""
                assert chunk, f"the chat ended before {text!r}; got {self.seen[start:]!r}"
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        end = self.seen.index(text, start) + len(text)
        return self.seen[start:end]

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            return self.process.wait(timeout=TIMEOUT_S)
        finally:
            os.close(self.master)


def test_prompt_history_and_ctrl_d(tmp_path: Path) -> None:
    db = tmp_path / "tty.db"
    terminal = Terminal(db, tmp_path)
    try:
        welcome = terminal.read_until("> ")
        assert "Each line is NAME: TEXT" in welcome, "a newcomer is told how to talk"
        terminal.type("ada: /help\n")
        shown = terminal.read_until("\n> ")
        assert "bot: Commands:" in shown and "bot: /help - this help" in shown
        assert shown.index("bot: /help - this help") < shown.rindex("> "), "prompt comes after"
        terminal.type("bob: /leaderboard\n")
        assert "bot: Leaderboard, this week:" in terminal.read_until("\n> ")
        terminal.type("\x04")  # Ctrl-D
        assert terminal.close() == 0
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
    history = (tmp_path / ".studybot_history").read_text(encoding="utf-8").splitlines()
    assert history[-2:] == ["ada: /help", "bob: /leaderboard"]

    again = Terminal(db, tmp_path)
    try:
        again.read_until("> ")
        again.type("\x1b[A\n")  # the up arrow brings back the last line of the last session
        assert "bot: Leaderboard, this week:" in again.read_until("\n> ")
        again.type("\x04")
        assert again.close() == 0
    finally:
        if again.process.poll() is None:
            again.process.kill()
