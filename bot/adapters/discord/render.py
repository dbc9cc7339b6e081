"""Every core reply as a Discord message: content, embed and buttons, within Discord's limits.

Core strings are plain text; anything a member typed (names) is escaped so it cannot break
markup, and every send also carries `AllowedMentions.none()` so nothing pings anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord

from bot.adapters import richtext
from bot.adapters.discord import wording
from bot.adapters.discord.components import (
    AnswerButton,
    LeaderboardPageButton,
    QuizChoiceButton,
    QuizTextButton,
    view_of,
)
from bot.adapters.discord.limits import (
    CONTENT,
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    clip,
    fit_embed,
    fit_text,
)
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
from content.model import TOPIC_TITLES

LEADERBOARD_PAGE = 5
OPTION_LETTERS = "ABCDEFGHIJ"
COLOURS = {
    Verdict.CORRECT: discord.Colour.green(),
    Verdict.PARTIAL: discord.Colour.gold(),
    Verdict.INCORRECT: discord.Colour.red(),
}
BRAND = discord.Colour.blurple()


@dataclass(frozen=True)
class Outgoing:
    """One Discord message, ready for `send(**outgoing.kwargs())`."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def kwargs(self) -> dict[str, Any]:
        # discord.py wants these keys absent rather than None on several send paths.
        sent: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            sent["content"] = clip(self.content, CONTENT)
        if self.embed is not None:
            sent["embed"] = self.embed
        if self.view is not None:
            sent["view"] = self.view
        return sent


def plain(text: str) -> str:
    """Core or bank text shown literally: an asterisk in a formula stays an asterisk."""
    return discord.utils.escape_markdown(text)


def bank_markdown(text: str) -> str:
    """Question-bank Markdown as Discord shows it: code blocks, inline code, bold and headings
    (as bold lines) kept; every other Markdown character escaped, so `28 * 28` stays a product."""
    out: list[str] = []
    for block in richtext.parse(text):
        if isinstance(block, richtext.CodeBlock):
            # Three backticks inside the code would end the block early.
            code = block.code.replace("```", "`\u200b``")
            out.append(f"```{block.language}\n{code}\n```")
        elif block.heading:
            out.append("**" + plain("".join(span.text for span in block.spans)) + "**")
        else:
            out.append("".join(_span_markdown(span) for span in block.spans))
    return discord.utils.escape_mentions("\n".join(out))


def _span_markdown(span: richtext.Span) -> str:
    if span.kind == "bold":
        return f"**{plain(span.text)}**"
    if span.kind == "code":
        return f"`{span.text}`"
    return plain(span.text)


def member_text(text: str) -> str:
    """Text a member chose (a display name) made inert: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def topic_title(topic: str) -> str:
    return TOPIC_TITLES.get(topic, topic)


def bullets(items: Iterable[str]) -> str:
    lines = [f"• {plain(item)}" for item in items]
    return clip("\n".join(lines), EMBED_FIELD_VALUE) if lines else "-"


def render(reply: Reply) -> Outgoing:
    """The message for `reply`. A reply type without a renderer is a `TypeError`."""
    for reply_type, renderer in _RENDERERS:
        if isinstance(reply, reply_type):
            rendered: Outgoing = renderer(reply)
            return rendered
    raise TypeError(f"no Discord rendering for {type(reply).__name__}")


def render_post(post: PostQuestion) -> Outgoing:
    embed = discord.Embed(
        title=f"Question of the day · {topic_title(post.topic)}",
        description=fit_text(bank_markdown(post.prompt), EMBED_DESCRIPTION),
        colour=BRAND,
    )
    embed.add_field(name="Difficulty", value="★" * post.difficulty, inline=True)
    closes = discord.utils.format_dt(post.closes_at, "R")
    embed.add_field(name="Answers close", value=closes, inline=True)
    embed.set_footer(text=f"{post.question_id} · {post.local_date.isoformat()}")
    return Outgoing(embed=fit_embed(embed), view=view_of(AnswerButton(post.post_id)))


def render_feedback(feedback: AnswerFeedback) -> Outgoing:
    embed = discord.Embed(
        title=f"{feedback.score}/100 · {feedback.verdict.value}",
        colour=COLOURS[feedback.verdict],
    )
    if feedback.counted:
        summary = f"+{feedback.points} points."
        if feedback.replaced:
            summary += " This answer replaces your earlier one."
    else:
        summary = "Practice only: the answer window is closed, so this does not count."
    embed.description = summary
    embed.add_field(name="Covered", value=bullets(feedback.covered), inline=False)
    embed.add_field(name="Missed", value=bullets(feedback.missed), inline=False)
    if feedback.hint:
        embed.add_field(name="Hint", value=plain(feedback.hint), inline=False)
    if feedback.flags:
        embed.add_field(name="Held down by", value=", ".join(feedback.flags), inline=False)
    embed.set_footer(text=feedback.question_id)
    return Outgoing(embed=fit_embed(embed))


def render_reveal(reveal: Reveal) -> Outgoing:
    embed = discord.Embed(
        title="Answer revealed",
        description=f"**{clip(plain(reveal.prompt), 1000)}**\n\n{bank_markdown(reveal.reference)}",
        colour=BRAND,
    )
    embed.add_field(name="Key points", value=bullets(reveal.key_points), inline=False)
    best = [
        f"{index}. {member_text(entry.name)} · {entry.score}/100"
        for index, entry in enumerate(reveal.best, start=1)
    ]
    embed.add_field(name="Best answers", value="\n".join(best) or "No answers.", inline=False)
    embed.set_footer(text=f"{reveal.question_id} · {reveal.answer_count} answers")
    return Outgoing(embed=fit_embed(embed))


def leader_line(row: LeaderRow) -> str:
    return f"**{row.rank}.** {member_text(row.name)} · {row.points} pts ({row.answers} answers)"


def render_leaderboard(board: Leaderboard, page: int = 0) -> Outgoing:
    pages = max(1, -(-len(board.rows) // LEADERBOARD_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = board.rows[page * LEADERBOARD_PAGE : (page + 1) * LEADERBOARD_PAGE]
    lines = [leader_line(row) for row in shown] or ["No points yet."]
    if board.me is not None:
        # The asking member's own row, when they are outside the top rows.
        lines += ["…", leader_line(board.me)]
    embed = discord.Embed(
        title=f"Leaderboard · {board.window}", description="\n".join(lines), colour=BRAND
    )
    if pages == 1:
        return Outgoing(embed=fit_embed(embed))
    embed.set_footer(text=f"Page {page + 1}/{pages}")
    return Outgoing(embed=fit_embed(embed), view=page_buttons(board, page, pages))


def page_buttons(board: Leaderboard, page: int, pages: int) -> discord.ui.View:
    # The two ids must differ, so a disabled button points one step past the edge.
    before = page - 1 if page else pages
    previous = LeaderboardPageButton(board.window, before, "Previous", disabled=page == 0)
    following = LeaderboardPageButton(board.window, page + 1, "Next", disabled=page + 1 >= pages)
    return view_of(previous, following)


def render_stats(stats: Stats) -> Outgoing:
    embed = discord.Embed(title=f"Stats · {member_text(stats.user.name)}", colour=BRAND)
    embed.add_field(name="Answered", value=str(stats.answered))
    embed.add_field(name="Average score", value=f"{stats.average_score:.0f}/100")
    embed.add_field(name="Points", value=str(stats.points))
    embed.add_field(name="Streak", value=f"{stats.current_streak} (best {stats.longest_streak})")
    embed.add_field(name="Rank", value=f"#{stats.rank}" if stats.rank else "-")
    strong = ", ".join(topic_title(t) for t in stats.best_topics) or "-"
    weak = ", ".join(topic_title(t) for t in stats.weakest_topics) or "-"
    embed.add_field(name="Strongest topics", value=strong, inline=False)
    embed.add_field(name="Topics to practise", value=weak, inline=False)
    return Outgoing(embed=fit_embed(embed))


def render_quiz_step(step: QuizStep) -> Outgoing:
    embed = discord.Embed(
        title=f"Quiz · question {step.index + 1}/{step.total}",
        description=fit_text(bank_markdown(step.prompt), 3000),
        colour=BRAND,
    )
    if step.mode == "choice" and step.options:
        letters = OPTION_LETTERS[: len(step.options)]
        options = "\n".join(
            f"**{letter}.** {plain(option)}"
            for letter, option in zip(letters, step.options, strict=True)
        )
        embed.add_field(name="Options", value=clip(options, EMBED_FIELD_VALUE), inline=False)
        buttons: list[discord.ui.Item[Any]] = [
            QuizChoiceButton(step.session_id, step.index, number, letter)
            for number, letter in enumerate(letters)
        ]
    else:
        buttons = [QuizTextButton(step.session_id, step.index)]
    embed.set_footer(text=f"{step.question_id} · answer within {step.time_limit_s} s")
    return Outgoing(embed=fit_embed(embed), view=view_of(*buttons))


def render_quiz_result(result: QuizAnswerResult) -> Outgoing:
    scored = f"{result.score}/100 · {result.verdict.value}"
    title = "Time is up" if result.timed_out else scored
    embed = discord.Embed(title=title, colour=COLOURS[result.verdict])
    if result.correct_option is not None and result.correct_option < len(OPTION_LETTERS):
        embed.add_field(name="Correct option", value=OPTION_LETTERS[result.correct_option])
    if result.missed:
        embed.add_field(name="Missed", value=bullets(result.missed), inline=False)
    return Outgoing(embed=fit_embed(embed))


def render_quiz_finished(finished: QuizFinished) -> Outgoing:
    # A group quiz ends with one summary per member, so name whose it is.
    whose = f" · {member_text(finished.user.name)}" if finished.user is not None else ""
    embed = discord.Embed(
        title=f"Quiz finished{whose}",
        description=(
            f"{finished.correct}/{finished.total} correct · "
            f"average {finished.average_score:.0f}/100"
        ),
        colour=BRAND,
    )
    return Outgoing(embed=fit_embed(embed))


def render_settings(view: SettingsView) -> Outgoing:
    embed = discord.Embed(title="Settings", colour=BRAND)
    embed.add_field(name="Channel", value=f"<#{view.channel}>" if view.channel else "not set")
    embed.add_field(name="Time", value=f"{view.post_time} ({view.timezone})")
    embed.add_field(name="Answer window", value=f"{view.window_hours} h")
    topics = ", ".join(topic_title(t) for t in view.topics) or "all"
    embed.add_field(name="Topics", value=topics, inline=False)
    embed.add_field(name="Difficulty", value=f"{view.difficulty_min}-{view.difficulty_max}")
    embed.add_field(name="Paused", value="yes" if view.paused else "no")
    return Outgoing(embed=fit_embed(embed))


def render_help(help_text: HelpText) -> Outgoing:
    lines = wording.help_lines(help_text.is_admin)
    description = "\n".join(plain(line) for line in lines)
    embed = discord.Embed(title="studybot", description=description, colour=BRAND)
    return Outgoing(embed=fit_embed(embed))


def render_notice(notice: Notice) -> Outgoing:
    return Outgoing(content=wording.text(notice.key, **notice.params))


_RENDERERS: tuple[tuple[type[Any], Any], ...] = (
    (PostQuestion, render_post),
    (AnswerFeedback, render_feedback),
    (Reveal, render_reveal),
    (Leaderboard, render_leaderboard),
    (Stats, render_stats),
    (QuizStep, render_quiz_step),
    (QuizAnswerResult, render_quiz_result),
    (QuizFinished, render_quiz_finished),
    (SettingsView, render_settings),
    (HelpText, render_help),
    (Notice, render_notice),
)
