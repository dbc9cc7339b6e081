"""Turning a console line (`NAME: TEXT`) into a member and a core command."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.commands import (
    ChangeSettings,
    Command,
    ForgetMe,
    PostDaily,
    RevealPost,
    Scope,
    ShowHelp,
    ShowLeaderboard,
    ShowSettings,
    ShowStats,
    SkipPost,
    StartQuiz,
    SubmitAnswer,
)
from bot.core.parsing import parse_quiz_args, parse_settings_args, parse_window
from bot.core.refs import ChatRef, UserRef

CONSOLE_CHAT = ChatRef("console", "console", title="console")
_LINE = re.compile(r"^\s*([^:/\s][^:]{0,39}?)\s*:\s*(.*)$")
_CONFIRM = ("confirm", "yes")


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    text: str


def parse_line(raw: str) -> Line | None:
    """`NAME: TEXT`, or None for a line that is not one."""
    match = _LINE.match(raw.lstrip("\ufeff"))  # a script saved with a byte order mark
    if match is None or not match.group(2).strip():
        return None
    return Line(match.group(1).strip(), match.group(2).strip())


def member(name: str) -> UserRef:
    return UserRef("console", name.casefold(), name)


def to_command(user: UserRef, is_admin: bool, text: str) -> Command | None:
    """The command a `/...` message asks for; None when it names no command we know."""
    word, _, rest = text.partition(" ")
    name = word.lstrip("/").lower()
    rest = rest.strip()
    chat = CONSOLE_CHAT
    simple: dict[str, Command] = {
        "reveal": RevealPost(chat, user, is_admin),
        "skip": SkipPost(chat, user, is_admin),
        "help": ShowHelp(chat, user, is_admin),
        "start": ShowHelp(chat, user, is_admin),
    }
    if name in simple:
        return simple[name]
    if name == "stats":
        target = member(rest) if rest else None
        return ShowStats(chat, user, is_admin, target=target)
    if name == "daily":
        return PostDaily(chat, user, is_admin, query=rest)
    if name == "answer":
        return SubmitAnswer(chat, user, is_admin, text=rest)
    if name == "leaderboard":
        return _leaderboard(user, is_admin, rest)
    if name == "settings":
        changes = parse_settings_args(rest)
        if not changes:
            return ShowSettings(chat, user, is_admin)
        return ChangeSettings(chat, user, is_admin, changes=changes)
    if name == "quiz":
        return _quiz(user, is_admin, rest)
    if name == "forgetme":
        return ForgetMe(chat, user, is_admin, confirmed=rest.lower() in _CONFIRM)
    return None


def _leaderboard(user: UserRef, is_admin: bool, rest: str) -> Command:
    words = rest.lower().split()
    scope: Scope = "global" if "global" in words else "chat"
    window = parse_window(" ".join(word for word in words if word != "global"))
    return ShowLeaderboard(CONSOLE_CHAT, user, is_admin, window=window, scope=scope)


def _quiz(user: UserRef, is_admin: bool, rest: str) -> Command:
    words = rest.split()
    group = "group" in (word.lower() for word in words)
    topic, count, mode = parse_quiz_args(" ".join(w for w in words if w.lower() != "group"))
    return StartQuiz(CONSOLE_CHAT, user, is_admin, topic=topic, count=count, mode=mode, group=group)
