"""kill -9 in the middle of an answer burst: every answer the bot acknowledged survives.

A real `python -m bot chat` process reads a burst of answers on stdin and prints each member's
feedback after the answer is stored. The test SIGKILLs it mid-burst, reads every line it had
printed, reopens the database and checks each acknowledged answer is there with its text.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BURST = 400
KILL_AFTER = 40
WAIT_S = 20.0
# The first feedback line, printed once the answer is committed: "bot: NAME: 42/100, verdict".
ACK = re.compile(r"^bot: (m\d+): \d+/100, ")


def answer_text(number: int) -> str:
    return (
        f"Dropout randomly zeroes activations while training, marker-{number}, so units "
        "cannot co-adapt; at test time all units are used with scaled weights."
    )


def start_chat(db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def pump(process: subprocess.Popen[str], lines: list[str]) -> queue.Queue[str | None]:
    """Feed `lines` on a thread; stream stdout lines into a queue (None at end of output)."""
    out: queue.Queue[str | None] = queue.Queue()

    def write() -> None:
        assert process.stdin is not None
        try:
            for line in lines:
                process.stdin.write(line + "\n")
            process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # killed while we were still writing: expected

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            out.put(line.rstrip("\n"))
        out.put(None)

    threading.Thread(target=write, daemon=True).start()
    threading.Thread(target=read, daemon=True).start()
    return out


def acked_members(output: list[str]) -> list[str]:
    return [match.group(1) for line in output if (match := ACK.match(line))]


def stored_answers(db: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = connection.execute(
            "SELECT m.user_id, a.text FROM answers a JOIN members m ON m.id = a.member_id"
        ).fetchall()
    return {str(user): str(text) for user, text in rows}


def test_kill_9_mid_burst_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    db = tmp_path / "burst.db"
    burst = [f"m{n}: /answer {answer_text(n)}" for n in range(BURST)]
    seen: list[str] = []
    with start_chat(db) as process:
        out = pump(process, ["admin: /daily", *burst])
        try:
            while len(acked_members(seen)) < KILL_AFTER:
                line = out.get(timeout=WAIT_S)
                assert line is not None, f"the chat ended early: {seen[-5:]}"
                seen.append(line)
            process.send_signal(signal.SIGKILL)
            # Whatever it printed before dying was told to a member: read it all.
            while (line := out.get(timeout=WAIT_S)) is not None:
                seen.append(line)
        finally:
            process.kill()
            process.wait(timeout=WAIT_S)
    assert process.returncode == -signal.SIGKILL
    acked = acked_members(seen)
    assert KILL_AFTER <= len(acked) < BURST, "the kill landed mid-burst"

    stored = stored_answers(db)
    missing = [member for member in acked if member not in stored]
    assert missing == []
    for member in acked:
        assert stored[member] == answer_text(int(member[1:]))

    # The bot starts again on the same file and keeps taking answers.
    with start_chat(db) as again:
        output, _ = again.communicate(f"late: /answer {answer_text(9999)}\n", timeout=WAIT_S)
    assert again.returncode == 0
    assert re.search(r"^bot: late: \d+/100, ", output, re.MULTILINE)
    assert stored_answers(db)["late"] == answer_text(9999)
