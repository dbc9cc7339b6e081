"""Component custom ids. They are the only state a button carries across a restart.

Discord allows at most 100 characters; every id here is a short prefix plus a few integers.
"""

from __future__ import annotations

from typing import get_args

from bot.core.commands import Window

MAX_CUSTOM_ID = 100
PREFIX = "studybot"
WINDOWS: tuple[Window, ...] = get_args(Window)

ANSWER_TEMPLATE = rf"{PREFIX}:answer:(?P<post_id>\d+)"
QUIZ_CHOICE_TEMPLATE = rf"{PREFIX}:quiz:(?P<session_id>\d+):(?P<index>\d+):(?P<choice>\d+)"
QUIZ_TEXT_TEMPLATE = rf"{PREFIX}:quiztext:(?P<session_id>\d+):(?P<index>\d+)"
LEADERBOARD_TEMPLATE = rf"{PREFIX}:board:(?P<window>{'|'.join(WINDOWS)}):(?P<page>\d+)"
FORGET_TEMPLATE = rf"{PREFIX}:forget:(?P<user_id>\d+)"


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"custom id longer than {MAX_CUSTOM_ID} characters: {custom_id[:40]}...")
    return custom_id


def answer(post_id: int) -> str:
    return _checked(f"{PREFIX}:answer:{post_id}")


def quiz_choice(session_id: int, index: int, choice: int) -> str:
    return _checked(f"{PREFIX}:quiz:{session_id}:{index}:{choice}")


def quiz_text(session_id: int, index: int) -> str:
    return _checked(f"{PREFIX}:quiztext:{session_id}:{index}")


def leaderboard(window: Window, page: int) -> str:
    return _checked(f"{PREFIX}:board:{window}:{page}")


def forget(user_id: int) -> str:
    return _checked(f"{PREFIX}:forget:{user_id}")
