"""Every user-visible string of the core, in one place. Plain text: adapters escape it.

`text(key, **params)` words a `Notice` or a `UserError`; `help_lines(is_admin)` is the help.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

MESSAGES: dict[str, str] = {
    # Errors the member can fix.
    "error.generic": "That did not work. Please try again.",
    "error.not_found": "I could not find that.",
    "error.not_allowed": "Only the chat's admins can do that.",
    "error.already_answered": "You have already answered that.",
    "error.window_closed": "The answer window for that question has closed.",
    "error.bad_input": "I did not understand that. Send /help for the commands.",
    "error.nothing_open": "There is no open question right now. An admin can post one with /daily.",
    "error.chat_unknown": "I do not know this chat yet. Send /help to get started.",
    "error.member_unknown": "I do not know that member yet.",
    "error.post_unknown": "I could not find that question post.",
    "error.quiz_unknown": "I could not find that quiz.",
    "error.internal": "Sorry, something went wrong on my side. Please try again later.",
    "error.storage_full": "I could not save that: my storage is full, so nothing was "
    "changed. Please tell an admin, and send it again once they have made room.",
    "error.storage_busy": "I could not save that because my database is busy, so nothing was "
    "changed. Please send it again in a moment.",
    "question.missing": "(question {question_id} is no longer in the question bank)",
    # Daily posts.
    "daily.posted": "Posted question {question_id}.",
    "daily.already_posted": "Today's question is already posted ({question_id}). "
    "Use /daily ID or /daily search words to post another one.",
    "daily.delivery_pending": "Question {question_id} is saved but could not be delivered yet; "
    "I will keep trying.",
    "daily.withdrawn": "Question {question_id} could not be posted: I may not post in this "
    "chat's channel, so it does not count. The admins have been told what to fix; "
    "send /daily again afterwards.",
    "daily.low_stock": "Only {left} questions this chat has not had are left in its topics and "
    "difficulty range. After that, questions repeat, oldest first. "
    "Widen the range with /settings topics=all difficulty=1-3.",
    "daily.none_left": "That was the last question this chat had not had in its topics and "
    "difficulty range. From now on, questions repeat, oldest first. "
    "Widen the range with /settings topics=all difficulty=1-3.",
    "daily.no_questions": "No questions match this chat's topics and difficulty range. "
    "Change them with /settings topics=all difficulty=1-3.",
    "daily.no_match": 'No question matches "{query}". Try a question id or other words.',
    "reveal.done": "Revealed the answer to {question_id}.",
    "skip.done": "Skipped question {question_id}; it will not be scored.",
    # Answers.
    "answer.empty": "Your answer is empty. Write your answer after /answer.",
    "answer.too_long": "Your answer is {length} characters; the limit is {limit}. "
    "Please shorten it.",
    # Settings.
    "settings.saved": "Settings saved.",
    "settings.empty": "Give settings as key=value. Keys: {keys}.",
    "settings.bad_pair": '"{token}" is not key=value. Example: /settings time=09:00',
    "settings.bad_key": 'There is no setting "{name}". Settings: {keys}.',
    "settings.bad_time": '"{value}" is not a time. Use HH:MM from 00:00 to 23:59, e.g. 09:00.',
    "settings.bad_timezone": '"{value}" is not a timezone I know. '
    "Use an IANA name such as Europe/Berlin, America/New_York or UTC.",
    "settings.bad_window": '"{value}" is not an answer window. Use a whole number of hours '
    "from {min} to {max}; the window closes before the next day's post.",
    "settings.bad_topics": '"{value}" is not a topic list. Use "all" or a comma list of: {topics}.',
    "settings.bad_difficulty": '"{value}" is not a difficulty range. Use 1, 2 or 3, or a '
    "range such as 1-3.",
    "settings.bad_paused": '"{value}" is not yes or no. Use paused=yes or paused=no.',
    "settings.bad_channel": '"{value}" is not a channel id. Use the channel\'s id, or '
    "channel=none.",
    # Leaderboard and stats.
    "leaderboard.bad_window": '"{value}" is not a period. Use week, month or all.',
    "stats.unknown_member": "{name} has not answered anything here yet.",
    # Quizzes.
    "quiz.bad_topic": '"{topic}" is not a topic. Topics: {topics}.',
    "quiz.bad_count": "A quiz has 1 to {max} questions.",
    "quiz.bad_args": 'I did not understand "{token}". Use /quiz [topic] [number] [choice]. '
    "Topics: {topics}.",
    "quiz.no_questions": "There are no questions for that quiz.",
    "quiz.group_running": "A group quiz is already running in this chat.",
    "quiz.already_answered": "You have already answered this quiz question.",
    "quiz.not_running": "That quiz has ended. Start a new one with /quiz.",
    "quiz.not_yours": "That quiz belongs to another member. Start your own with /quiz.",
    "quiz.bad_choice": "Answer with the number of an option, 1 to {count}.",
    # Forget me.
    "forgetme.confirm": "This deletes your answers, points and streaks in every chat. "
    "Send /forgetme confirm to go ahead.",
    "forgetme.done": "Done: I have deleted everything I stored about you.",
    "forgetme.nothing": "I have nothing stored about you.",
}

_HELP_MEMBER = (
    "Commands:",
    "/answer TEXT - answer the open question (or reply to the question message)",
    "/leaderboard [week|month|all] - the chat's points table (weeks start Monday)",
    "/stats - your answers, average score, points, streaks and topics",
    "/quiz [topic] [n] [choice] - a quiz of n questions (default 5, at most 20)",
    "/settings - show this chat's settings",
    "/forgetme - delete everything stored about you",
    "/help - this help",
    "Points: a counted answer earns its score (0-100) times the difficulty weight "
    "(easy 1.0, medium 1.5, hard 2.0), rounded, plus a streak bonus of 10 points per "
    "consecutive day answered before today (at most 50).",
    "Answering again before the reveal replaces your answer; the last one counts. "
    "Answers after the window closes are graded for practice and earn no points.",
)

_HELP_ADMIN = (
    "Admin commands:",
    "/daily [ID or words] - post today's question now, or a chosen one",
    "/reveal - close the open question and show the model answer",
    "/skip - withdraw the open question without scoring it",
    "/settings key=value ... - time=HH:MM timezone=Area/City window=HOURS topics=all|a,b "
    "difficulty=1-3 paused=yes|no channel=ID (or /settings pause, /settings resume)",
)


def text(key: str, **params: Any) -> str:
    """The message for `key` with its parameters filled in."""
    template = MESSAGES.get(key)
    if template is None:
        log.warning("no message for key %r", key)
        template = MESSAGES["error.generic"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        log.warning("message %r is missing parameters", key)
        return template


def help_lines(is_admin: bool) -> list[str]:
    """The help text, line by line: the member commands, the points formula, admin commands."""
    lines = list(_HELP_MEMBER)
    if is_admin:
        lines.extend(_HELP_ADMIN)
    return lines
