"""Argument parsing shared by the text-command adapters (console, Telegram)."""

from __future__ import annotations

from bot.core.commands import QuizMode, Window
from bot.core.errors import BadInput
from bot.core.quiz import MAX_QUIZ_QUESTIONS
from content.model import TOPICS

DEFAULT_QUIZ_COUNT = 5
_WINDOWS: dict[str, Window] = {
    "": "week",
    "week": "week",
    "w": "week",
    "month": "month",
    "m": "month",
    "all": "all",
    "alltime": "all",
    "all-time": "all",
    "ever": "all",
}
_SWITCHES = {"pause": "yes", "resume": "no"}
_MODES: dict[str, QuizMode] = {
    "choice": "choice",
    "choices": "choice",
    "mc": "choice",
    "text": "text",
}


def parse_settings_args(text: str) -> tuple[tuple[str, str], ...]:
    """`key=value key=value` (or `key:value`) into pairs; a lone word continues the value
    before it, so `topics=cnn, rnn-and-sequences` works, except `pause` and `resume`, which
    stand for `paused=yes` and `paused=no`. Empty text gives no pairs."""
    pairs: list[list[str]] = []
    for token in text.split():
        if token.lower() in _SWITCHES:
            pairs.append(["paused", _SWITCHES[token.lower()]])
            continue
        separator = "=" if "=" in token else ":" if ":" in token else None
        if separator is None or token.startswith(separator):
            if not pairs:
                raise BadInput("settings.bad_pair", token=token[:40])
            pairs[-1][1] += f" {token}"
            continue
        key, value = token.split(separator, 1)
        pairs.append([key.lower(), value])
    return tuple((key, value.strip()) for key, value in pairs)


def parse_quiz_args(text: str) -> tuple[str | None, int, QuizMode]:
    """`[topic] [n] [choice|text]` in any order."""
    topic: str | None = None
    count = DEFAULT_QUIZ_COUNT
    mode: QuizMode = "text"
    for token in text.lower().split():
        if token.isdecimal():  # isdigit() also takes "²", which int() refuses
            count = int(token)
        elif token in _MODES:
            mode = _MODES[token]
        elif token in TOPICS:
            topic = token
        else:
            raise BadInput("quiz.bad_args", token=token[:40], topics=", ".join(TOPICS))
    if not 1 <= count <= MAX_QUIZ_QUESTIONS:
        raise BadInput("quiz.bad_count", max=MAX_QUIZ_QUESTIONS)
    return topic, count, mode


def parse_window(text: str) -> Window:
    """`week`, `month` or `all` (empty means week)."""
    window = _WINDOWS.get(text.strip().lower())
    if window is None:
        raise BadInput("leaderboard.bad_window", value=text.strip()[:40])
    return window
