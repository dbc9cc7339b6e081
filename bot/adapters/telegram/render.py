"""Every core reply as Telegram messages (HTML parse mode).

Every piece of member or bank text goes through `html.escape`; member names also get a word
joiner after any `@`, so a name can never turn into a mention that pings someone. Nothing here
sends: the messenger does, after splitting texts at Telegram's limit.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import PollLimit

from bot.adapters import richtext
from bot.adapters.telegram import callbacks
from bot.core import messages
from bot.core.grading import Verdict
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
from bot.core.unicode import clean_text
from content.model import TOPIC_TITLES, TOPICS

OPTION_LETTERS = "ABCDEFGHIJKL"
VERDICT_ICONS = {Verdict.CORRECT: "✅", Verdict.PARTIAL: "🟡", Verdict.INCORRECT: "❌"}
WINDOW_TITLES = {"week": "this week", "month": "this month", "all": "all time"}
WORD_JOINER = "\u2060"
POST_HEADING = "📝 Question of the day"
QUIZ_HEADING = "Quiz "


@dataclass(frozen=True, slots=True)
class QuizMark:
    session_id: int
    index: int
    group: bool


@dataclass(frozen=True, slots=True)
class TextOut:
    """An HTML message for the chat. `quiz` marks a quiz step answered by replying to it."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None
    quiz: QuizMark | None = None


@dataclass(frozen=True, slots=True)
class PrivateOut:
    """Detail meant for one member: privately when possible, else the compact group version."""

    private_html: str
    fallback_html: str


@dataclass(frozen=True, slots=True)
class PollOut:
    """A quiz step as a native, non-anonymous poll (a quiz poll when the answer is known)."""

    quiz: QuizMark
    question: str
    options: tuple[str, ...]
    correct_option: int | None
    open_period: int


Outgoing = TextOut | PrivateOut | PollOut


def escape(text: str) -> str:
    """Text for HTML parse mode. Quotes need no escaping outside attributes, and leaving them
    keeps the text readable in notifications."""
    return html.escape(clean_text(text), quote=False)


def bank_html(text: str) -> str:
    """Question-bank Markdown as Telegram HTML: code blocks as `<pre>`, inline code, bold and
    headings kept; everything else escaped."""
    out: list[str] = []
    for block in richtext.parse(text):
        if isinstance(block, richtext.CodeBlock):
            out.append(_code_block_html(block))
        elif block.heading:
            # Telegram does not allow code inside bold reliably: a heading is bold text only.
            out.append("<b>" + escape("".join(span.text for span in block.spans)) + "</b>")
        else:
            out.append("".join(_span_html(span) for span in block.spans))
    return "\n".join(out)


def _code_block_html(block: richtext.CodeBlock) -> str:
    code = escape(block.code)
    if not block.language:
        return f"<pre>{code}</pre>"
    language = html.escape(block.language, quote=True)
    return f'<pre><code class="language-{language}">{code}</code></pre>'


def _span_html(span: richtext.Span) -> str:
    if span.kind == "bold":
        return f"<b>{escape(span.text)}</b>"
    if span.kind == "code":
        return f"<code>{escape(span.text)}</code>"
    return escape(span.text)


def name_html(name: str) -> str:
    """A member's name as inert text: escaped, and no `@` can start a mention."""
    return escape(name).replace("@", "@" + WORD_JOINER)


def is_question_post(text: str) -> bool:
    """Whether a message's text (as Telegram returns it, without markup) is a daily post."""
    return text.startswith(POST_HEADING)


def is_quiz_step(text: str) -> bool:
    return text.startswith(QUIZ_HEADING)


def topic_title(topic: str) -> str:
    return escape(TOPIC_TITLES.get(topic, topic))


def notice_text(key: str, **params: Any) -> str:
    # Parameters can be a member's input ("@someone" is not a time): no mention either.
    return name_html(messages.text(key, **params))


def render(reply: Reply, *, private_chat: bool) -> list[Outgoing]:
    """The messages for `reply`; an unknown reply type is a `TypeError`, never silence."""
    if isinstance(reply, AnswerFeedback):
        return render_feedback(reply, private_chat=private_chat)
    renderer = _RENDERERS.get(type(reply))
    if renderer is None:
        raise TypeError(f"no Telegram rendering for {type(reply).__name__}")
    return renderer(reply)


def render_post(post: PostQuestion) -> list[Outgoing]:
    stars = "★" * post.difficulty + "☆" * max(0, 3 - post.difficulty)
    closes = post.closes_at.strftime("%H:%M UTC")
    html = (
        f"<b>{POST_HEADING}</b> · {topic_title(post.topic)} · {stars}\n\n"
        f"{bank_html(post.prompt)}\n\n"
        f"<i>Reply to this message with your answer (or send /answer followed by it). "
        f"Answers close at {closes}.</i>"
    )
    return [TextOut(html)]


def render_feedback(feedback: AnswerFeedback, *, private_chat: bool) -> list[Outgoing]:
    ack = _acknowledgement(feedback)
    detail = _feedback_detail(feedback)
    if private_chat:
        return [TextOut(f"{ack}\n\n{detail}")]
    total = len(feedback.covered) + len(feedback.missed)
    compact = (
        f"{name_html(feedback.user.name)}: {len(feedback.covered)} of {total} key points "
        "covered. Start a private chat with me (send /start there) to get full feedback."
    )
    return [TextOut(ack), PrivateOut(f"{ack}\n\n{detail}", compact)]


def _acknowledgement(feedback: AnswerFeedback) -> str:
    icon = VERDICT_ICONS[feedback.verdict]
    parts = [f"{icon} {name_html(feedback.user.name)}: <b>{feedback.score}/100</b>"]
    parts.append(feedback.verdict.value)
    if feedback.counted:
        parts.append(f"+{feedback.points} pts")
    else:
        parts.append("practice, not counted")
    if feedback.replaced:
        parts.append("replaces your earlier answer")
    return " · ".join(parts)


def _feedback_detail(feedback: AnswerFeedback) -> str:
    sections = []
    if feedback.covered:
        sections.append("<b>Covered</b>\n" + _bullets(feedback.covered))
    if feedback.missed:
        sections.append("<b>Missed</b>\n" + _bullets(feedback.missed))
    if feedback.hint:
        sections.append(f"<b>Hint</b>: {escape(feedback.hint)}")
    if feedback.flags:
        sections.append("<i>Held down for: " + escape(", ".join(feedback.flags)) + "</i>")
    return "\n\n".join(sections) or "No key points matched."


def render_reveal(reveal: Reveal) -> list[Outgoing]:
    lines = [
        f"<b>🔔 Answer time</b> · {reveal.answer_count} answer(s)",
        f"<b>Q:</b> {bank_html(reveal.prompt)}",
        f"<b>Model answer</b>\n{bank_html(reveal.reference)}",
    ]
    if reveal.key_points:
        lines.append("<b>Key points</b>\n" + _bullets(reveal.key_points))
    if reveal.best:
        best = (
            f"{number}. {name_html(entry.name)}: {entry.score}/100"
            for number, entry in enumerate(reveal.best, 1)
        )
        lines.append("<b>Best answers</b>\n" + "\n".join(best))
    return [TextOut("\n\n".join(lines))]


def render_leaderboard(board: Leaderboard) -> list[Outgoing]:
    where = "everywhere" if board.scope == "global" else "this chat"
    title = f"<b>🏆 Leaderboard</b> · {WINDOW_TITLES.get(board.window, board.window)} · {where}"
    if not board.rows:
        return [TextOut(f"{title}\n\nNo scores yet.")]
    rows = [_leader_row(row) for row in board.rows]
    if board.me is not None:
        rows += ["…", _leader_row(board.me)]
    return [TextOut(title + "\n\n" + "\n".join(rows))]


def _leader_row(row: LeaderRow) -> str:
    return f"{row.rank}. {name_html(row.name)}: <b>{row.points}</b> pts · {row.answers} answer(s)"


def render_stats(stats: Stats) -> list[Outgoing]:
    lines = [
        f"<b>📊 {name_html(stats.user.name)}</b>",
        f"Answered: {stats.answered} · average {stats.average_score:.0f}/100",
        f"Points: {stats.points}" + (f" · rank {stats.rank}" if stats.rank else ""),
        f"Streak: {stats.current_streak} day(s) (longest {stats.longest_streak})",
    ]
    if stats.best_topics:
        lines.append("Strongest: " + ", ".join(topic_title(t) for t in stats.best_topics))
    if stats.weakest_topics:
        lines.append("To practise: " + ", ".join(topic_title(t) for t in stats.weakest_topics))
    return [TextOut("\n".join(lines))]


def render_quiz_step(step: QuizStep) -> list[Outgoing]:
    heading = f"{QUIZ_HEADING}{step.index + 1}/{step.total}"
    mark = QuizMark(step.session_id, step.index, group=step.user is None)
    if step.mode == "choice" and step.options:
        # A poll question shows no formatting: Markdown markers would show as stars.
        question = f"{heading}: {richtext.plain_text(step.prompt)}"
        if _fits_poll(question, step.options):
            return [
                PollOut(
                    mark,
                    question,
                    step.options,
                    step.correct_option,
                    _open_period(step.time_limit_s),
                )
            ]
        return [_choice_message(step, heading, mark)]
    html = (
        f"<b>{heading}</b>\n{bank_html(step.prompt)}\n\n"
        f"<i>Reply to this message with your answer ({step.time_limit_s} s).</i>"
    )
    return [TextOut(html, quiz=mark)]


def _choice_message(step: QuizStep, heading: str, mark: QuizMark) -> TextOut:
    """Options too long for a poll: a message with one button per option."""
    letters = OPTION_LETTERS[: len(step.options)]
    listed = "\n".join(
        f"{letter}. {escape(o)}" for letter, o in zip(letters, step.options, strict=True)
    )
    buttons = [
        InlineKeyboardButton(
            letter, callback_data=callbacks.quiz_choice(step.session_id, step.index, n)
        )
        for n, letter in enumerate(letters)
    ]
    keyboard = InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])
    html = f"<b>{heading}</b>\n{bank_html(step.prompt)}\n\n{listed}"
    return TextOut(html, keyboard, quiz=mark)


def _fits_poll(question: str, options: tuple[str, ...]) -> bool:
    return (
        len(question) <= PollLimit.MAX_QUESTION_LENGTH
        and 2 <= len(options) <= min(PollLimit.MAX_OPTION_NUMBER, len(OPTION_LETTERS))
        and all(0 < len(option) <= PollLimit.MAX_OPTION_LENGTH for option in options)
    )


def _open_period(seconds: int) -> int:
    return max(int(PollLimit.MIN_OPEN_PERIOD), min(seconds, int(PollLimit.MAX_OPEN_PERIOD)))


def render_quiz_result(result: QuizAnswerResult) -> list[Outgoing]:
    icon = VERDICT_ICONS[result.verdict]
    text = f"{icon} {name_html(result.user.name)}: {result.score}/100 · {result.verdict.value}"
    if result.timed_out:
        text += " · time was up"
    if result.correct_option is not None and result.correct_option < len(OPTION_LETTERS):
        text += f"\nRight answer: {OPTION_LETTERS[result.correct_option]}"
    if result.missed:
        text += "\nMissed: " + escape("; ".join(result.missed))
    return [TextOut(text)]


def render_quiz_finished(finished: QuizFinished) -> list[Outgoing]:
    who = f"{name_html(finished.user.name)}: " if finished.user else ""
    html = (
        f"<b>🏁 Quiz finished</b>\n{who}{finished.correct}/{finished.total} correct · "
        f"average {finished.average_score:.0f}/100"
    )
    return [TextOut(html)]


def render_settings(view: SettingsView) -> list[Outgoing]:
    topics = ", ".join(topic_title(t) for t in view.topics) if view.topics else "all topics"
    lines = [
        "<b>⚙️ Settings</b>",
        f"time = {escape(view.post_time)} ({escape(view.timezone)})",
        f"window = {view.window_hours} h",
        f"difficulty = {view.difficulty_min}-{view.difficulty_max}",
        f"paused = {'yes' if view.paused else 'no'}",
        f"topics = {topics}",
        "",
        "<i>Change with /settings key=value (time, timezone, window, topics, difficulty, "
        "paused); the buttons toggle topics.</i>",
    ]
    return [TextOut("\n".join(lines), topic_keyboard(view.topics))]


def topic_keyboard(chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    active = set(chosen) or set(TOPICS)
    buttons = [
        InlineKeyboardButton(
            ("✅ " if topic in active else "▫️ ") + TOPIC_TITLES.get(topic, topic),
            callback_data=callbacks.toggle_topic(topic),
        )
        for topic in TOPICS
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def forget_keyboard(user_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "Yes, delete my data", callback_data=callbacks.forget(user_id, True)
                ),
                InlineKeyboardButton("Cancel", callback_data=callbacks.forget(user_id, False)),
            ]
        ]
    )


def render_help(help_text: HelpText) -> list[Outgoing]:
    return [TextOut("\n".join(escape(line) for line in messages.help_lines(help_text.is_admin)))]


def render_notice(notice: Notice) -> list[Outgoing]:
    return [TextOut(notice_text(notice.key, **notice.params))]


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


_RENDERERS: dict[type[Reply], Callable[[Any], list[Outgoing]]] = {
    PostQuestion: render_post,
    Reveal: render_reveal,
    Leaderboard: render_leaderboard,
    Stats: render_stats,
    QuizStep: render_quiz_step,
    QuizAnswerResult: render_quiz_result,
    QuizFinished: render_quiz_finished,
    SettingsView: render_settings,
    HelpText: render_help,
    Notice: render_notice,
}
