"""Discord's wording where the core's text describes another platform's way of doing things.

The core's messages (`bot.core.messages`) are written for typed commands (`/settings time=09:00`,
`/forgetme confirm`, answering by reply). On Discord the same actions are slash-command options,
forms and buttons, so those few messages, and the help's command lines, are worded here. Every
other message is the core's own text.
"""

from __future__ import annotations

import logging
from typing import Any

from discord.utils import escape_markdown, escape_mentions

from bot.core import messages

log = logging.getLogger(__name__)

SETTINGS_HINT = "/settings topics:all difficulty:1-3"

OVERRIDES: dict[str, str] = {
    "error.not_allowed": "Only the server's admins (Manage Server permission) can do that.",
    "discord.not_yours": "This button belongs to the member who asked for it.",
    "answer.empty": "Your answer is empty. Write it in the answer form.",
    "forgetme.confirm": "This deletes your answers, points and streaks in every server and "
    "group. Press **Delete my data** below to go ahead.",
    "daily.already_posted": "Today's question is already posted ({question_id}). "
    "Use /daily with a question id or search words to post another one.",
    "daily.withdrawn": "Question {question_id} could not be posted: studybot may not post in "
    "this server's daily channel, so it does not count. The admins have been told what to fix; "
    "use /daily again afterwards.",
    "daily.low_stock": "Only {left} questions this server has not had are left in its topics "
    "and difficulty range. After that, questions repeat, oldest first. "
    f"Widen the range with {SETTINGS_HINT}.",
    "daily.no_questions": "No questions match this server's topics and difficulty range. "
    f"Change them with {SETTINGS_HINT}.",
}

# The help's line for each slash command, in Discord's option syntax.
USAGE: dict[str, str] = {
    "answer": "/answer - answer the open question in a form (or press Answer under it)",
    "leaderboard": "/leaderboard [window] - the server's points table: week, month or all "
    "(weeks start Monday)",
    "stats": "/stats [member] - answers, average score, points, streaks and topics",
    "quiz": "/quiz [topic] [n] [mode] [group] - a private quiz of n questions (default 5); "
    "mode choice for multiple choice, group for one quiz the whole channel plays",
    "forgetme": "/forgetme - delete everything stored about you (asks first)",
    "help": "/help - this help",
    "daily": "/daily [question] - post today's question now, or one you pick by id or words",
    "reveal": "/reveal - close the open question and show the model answer",
    "skip": "/skip - withdraw the open question without scoring it",
    "settings": "/settings [channel] [time] [timezone] [window] [topics] [difficulty] [pause] "
    "- show or change this server's settings",
}
ADMIN_COMMANDS = frozenset({"daily", "reveal", "skip", "settings"})


def text(key: str, **params: Any) -> str:
    """The message for `key` as Discord markdown: the core's plain text shown literally, or
    this module's wording with the values (which may be a member's input) escaped."""
    template = OVERRIDES.get(key)
    if template is None:
        # The values can be a member's input ("@everyone" is not a time): never a mention.
        return escape_mentions(escape_markdown(messages.text(key, **params)))
    values = {name: escape_mentions(escape_markdown(str(value))) for name, value in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("message %r is missing parameters", key)
        return template


def help_lines(is_admin: bool) -> list[str]:
    """The core's help with each command line in Discord's syntax.

    Commands Discord hides from members (those needing Manage Server) leave the member part."""
    member_part = messages.help_lines(False)
    admin_part = messages.help_lines(True)[len(member_part) :] if is_admin else []
    lines = [_discord_line(line, admin=False) for line in member_part]
    lines += [_discord_line(line, admin=True) for line in admin_part]
    return [line for line in lines if line is not None]


def _discord_line(line: str, *, admin: bool) -> str | None:
    if not line.startswith("/"):
        return line
    name = line[1:].split(maxsplit=1)[0]
    if name not in USAGE or (name in ADMIN_COMMANDS and not admin):
        return None
    return USAGE[name]
