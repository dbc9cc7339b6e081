"""A scripted `studybot chat` session, end to end, as a subprocess, and again after a restart."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST_SESSION = """\
ada: /settings time={post_time} window=23
ada: /daily pooling layers
bob: /answer Pooling down-samples feature maps; max pooling keeps the largest value per window,
carol: /answer no idea
this line has no name
bob: just chatting
carol: /settings time=25:61
ada: /dance
ada: /reveal
ada: /leaderboard
"""

SECOND_SESSION = """\
dave: /leaderboard all
dave: /stats
dave: /quiz 1 choice
dave: 7
dave: 1
"""


def an_hour_ago() -> str:
    """A post time that passed an hour ago: today's post is due and stays open (23 h window)
    whenever the test runs, even across midnight."""
    return (datetime.now(UTC) - timedelta(hours=1)).strftime("%H:%M")


def play(db: Path, script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db)],
        input=script,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_scripted_chat_and_its_leaderboard_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    first = play(db, FIRST_SESSION.format(post_time=an_hour_ago()), tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert all(line.startswith("bot: ") for line in out.splitlines())
    assert "Question of the day" in out
    assert "bob: " in out and "/100" in out
    assert "carol: " in out
    assert 'Write lines as "NAME: TEXT"' in out
    assert "Use /answer" in out
    assert "Only the chat's admins can do that." in out
    assert "I do not know that command" in out
    assert "Answer time for" in out and "2 answered." in out and "Key points: " in out
    assert re.search(r"bot: bob: \d{1,3}/100, (correct|partial|incorrect)", out)
    board = out[out.index("Leaderboard, this week:") :]
    assert board.index("1. bob") < board.index("carol")

    second = play(db, SECOND_SESSION, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Leaderboard, all time:" in second.stdout
    assert "1. bob" in second.stdout and "carol" in second.stdout
    assert "Question of the day" not in second.stdout, "no second post after the restart"
    assert "Answer with the number of an option, 1 to 4." in second.stdout
    assert "quiz 1 finished" in second.stdout


def test_studybot_run_without_tokens_is_the_console_chat(tmp_path: Path) -> None:
    """Also a script saved with a byte order mark and holding a byte that is not UTF-8: it
    plays to the end, and its first speaker is the admin."""
    db = tmp_path / "run.db"
    script = "\ufeffada: /settings pause\n".encode() + b"bob: caf\xe9\nada: /settings resume\n"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "PYTHONIOENCODING": "utf-8:strict",
        "STUDYBOT_DATABASE": str(db),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=script + b"bob: /leaderboard all\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "console chat" in err and db.exists(), "the database named by STUDYBOT_DATABASE"
    assert " INFO " not in err and "level=INFO" not in err, "no log chatter in the chat terminal"
    assert "paused=yes" in out and "Use /answer" in out
    assert "paused=no" in out, "ada of the first line (not '\\ufeffada') is the admin"
    assert "bot: Leaderboard, all time:" in out


def test_a_community_deck_from_content_import_is_posted_and_graded(tmp_path: Path) -> None:
    """The admin's own Q&A document, imported into a deck in STUDYBOT_EXTRA_DECKS, is part of
    the bank the chat posts from."""
    document = tmp_path / "notes.md"
    document.write_text(
        "Q: What does a learning-rate warm-up do?\n"
        "A: A warm-up starts training with a small learning rate and raises it over the first "
        "steps, which keeps early updates stable before the optimizer statistics settle.\n",
        encoding="utf-8",
    )
    decks = tmp_path / "decks"
    decks.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "content",
            "import",
            str(document),
            "--output",
            str(decks / "ours.yaml"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    script = (
        "ada: /daily learning-rate warm-up\n"
        "bob: /answer It starts with a small learning rate and raises it over the first steps "
        "so early updates stay stable.\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "c.db")],
        input=script,
        env={**env, "HOME": str(tmp_path), "STUDYBOT_EXTRA_DECKS": str(decks)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "What does a learning-rate warm-up do?" in done.stdout
    score = re.search(r"bot: bob: (\d+)/100", done.stdout)
    assert score is not None and int(score.group(1)) >= 70, done.stdout
