"""Plain-text rendering of every reply type for the terminal. Unknown types are a TypeError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.messages import help_lines, text
from bot.core.replies import (
    AnswerFeedback,
    HelpText,
    Leaderboard,
    LeaderRow,
    Notice,
    PostQuestion,
    QuizAnswerResult,
    QuizFinished,
    QuizStep,
    Reply,
    Reveal,
    SettingsView,
    Stats,
)
from content.model import TOPIC_TITLES, TOPICS

_WINDOW_TITLES = {"week": "this week", "month": "this month", "all": "all time"}
_DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}


def render(reply: Reply) -> str:
    """The reply as plain text lines."""
    renderer = _RENDERERS.get(type(reply))
    if renderer is None:
        raise TypeError(f"no console rendering for {type(reply).__name__}")
    result: str = renderer(reply)
    return result


def _post(reply: PostQuestion) -> str:
    closes = reply.closes_at.strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        (
            f"Question of the day ({reply.local_date}), "
            f"{TOPIC_TITLES.get(reply.topic, reply.topic)}, "
            f"{_DIFFICULTY.get(reply.difficulty, reply.difficulty)} [{reply.question_id}]",
            reply.prompt,
            f"Answer with /answer YOUR ANSWER before {closes}.",
        )
    )


def _feedback(reply: AnswerFeedback) -> str:
    lines = [f"{reply.user.name}: {reply.score}/100, {reply.verdict.value}"]
    if reply.covered:
        lines.append("Covered: " + ", ".join(reply.covered))
    if reply.missed:
        lines.append("Missed: " + ", ".join(reply.missed))
    if reply.hint:
        lines.append("Hint: " + reply.hint)
    if reply.flags:
        lines.append("Flags: " + ", ".join(reply.flags))
    if not reply.counted:
        lines.append("The window has closed: graded for practice, no points.")
    else:
        replaced = " (replaces your earlier answer)" if reply.replaced else ""
        lines.append(f"Points: {reply.points}{replaced}")
    return "\n".join(lines)


def _reveal(reply: Reveal) -> str:
    lines = [f"Answer time for [{reply.question_id}]: {reply.prompt}", reply.reference]
    if reply.key_points:
        lines.append("Key points: " + ", ".join(reply.key_points))
    lines.append(f"{reply.answer_count} answered.")
    lines.extend(f"  {entry.name}: {entry.score}/100" for entry in reply.best)
    return "\n".join(lines)


def _row(row: LeaderRow) -> str:
    return f"  {row.rank}. {row.name}: {row.points} points, answers: {row.answers}"


def _leaderboard(reply: Leaderboard) -> str:
    scope = "Global leaderboard" if reply.scope == "global" else "Leaderboard"
    lines = [f"{scope}, {_WINDOW_TITLES[reply.window]}:"]
    lines.extend(_row(row) for row in reply.rows)
    if not reply.rows:
        lines.append("  No points yet.")
    if reply.me is not None:
        lines.append("  ...")
        lines.append(_row(reply.me))
    return "\n".join(lines)


def _stats(reply: Stats) -> str:
    rank = f"#{reply.rank}" if reply.rank is not None else "unranked"
    return "\n".join(
        (
            f"Stats for {reply.user.name} ({rank}):",
            f"  answered {reply.answered}, average score {reply.average_score:.1f}/100, "
            f"{reply.points} points",
            f"  daily streak: {reply.current_streak} (longest {reply.longest_streak})",
            "  best topics: " + (", ".join(reply.best_topics) or "-"),
            "  weakest topics: " + (", ".join(reply.weakest_topics) or "-"),
        )
    )


def _quiz_step(reply: QuizStep) -> str:
    lines = [
        f"Quiz {reply.session_id}, question {reply.index + 1}/{reply.total} "
        f"({reply.time_limit_s} s) [{reply.question_id}]:",
        reply.prompt,
    ]
    lines.extend(f"  {number}. {option}" for number, option in enumerate(reply.options, 1))
    lines.append("Reply with the option's number." if reply.options else "Reply with your answer.")
    return "\n".join(lines)


def _quiz_result(reply: QuizAnswerResult) -> str:
    lines = [f"{reply.user.name}: {reply.score}/100, {reply.verdict.value}"]
    if reply.timed_out:
        lines[0] += " (too late: time was up)"
    if reply.correct_option is not None:
        lines.append(f"The right option was {reply.correct_option + 1}.")
    if reply.missed:
        lines.append("Missed: " + ", ".join(reply.missed))
    return "\n".join(lines)


def _quiz_finished(reply: QuizFinished) -> str:
    who = f"{reply.user.name}: " if reply.user else ""
    return (
        f"{who}quiz {reply.session_id} finished: {reply.correct}/{reply.total} correct, "
        f"average {reply.average_score:.1f}/100"
    )


def _settings(reply: SettingsView) -> str:
    topics = "all" if set(reply.topics) == set(TOPICS) else ", ".join(reply.topics)
    return "\n".join(
        (
            "Settings:",
            f"  time={reply.post_time}  timezone={reply.timezone}  window={reply.window_hours}",
            f"  topics={topics}",
            f"  difficulty={reply.difficulty_min}-{reply.difficulty_max}  "
            f"paused={'yes' if reply.paused else 'no'}  channel={reply.channel or 'none'}",
        )
    )


def _help(reply: HelpText) -> str:
    return "\n".join(help_lines(reply.is_admin))


def _notice(reply: Notice) -> str:
    prefix = "(to admins) " if reply.audience == "admins" else ""
    return prefix + text(reply.key, **reply.params)


_RENDERERS: dict[type[Reply], Callable[[Any], str]] = {
    PostQuestion: _post,
    AnswerFeedback: _feedback,
    Reveal: _reveal,
    Leaderboard: _leaderboard,
    Stats: _stats,
    QuizStep: _quiz_step,
    QuizAnswerResult: _quiz_result,
    QuizFinished: _quiz_finished,
    SettingsView: _settings,
    HelpText: _help,
    Notice: _notice,
}
