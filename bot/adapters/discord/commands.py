"""The slash commands. Each turns its options into one core command; the tree's error handler
answers anything that goes wrong."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, Literal

import discord
from discord import app_commands

from bot.adapters.discord.components import AnswerModal, forget_view
from bot.adapters.discord.limits import CHOICE_NAME
from bot.adapters.discord.outbox import no_permission
from bot.adapters.discord.runtime import Interaction, chat_of, origin, runner_of, user_of
from bot.core.chatsettings import MAX_WINDOW_HOURS, MIN_WINDOW_HOURS
from bot.core.commands import (
    ChangeSettings,
    ForgetMe,
    PostDaily,
    RevealPost,
    ShowHelp,
    ShowLeaderboard,
    ShowSettings,
    ShowStats,
    SkipPost,
    StartQuiz,
    Window,
)
from bot.core.errors import NothingOpen
from bot.core.quiz import MAX_QUIZ_QUESTIONS
from content.model import TOPIC_TITLES, TOPICS

MAX_CHOICES = 25
Choice = app_commands.Choice[str]


@cache
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def timezone_choices(interaction: Interaction, current: str) -> list[Choice]:
    needle = current.strip().lower().replace(" ", "_")
    found = [zone for zone in all_timezones() if needle in zone.lower()]
    return [Choice(name=zone, value=zone) for zone in found[:MAX_CHOICES]]


async def topic_choices(interaction: Interaction, current: str) -> list[Choice]:
    """Completes the last of comma-separated topics, keeping the ones already typed."""
    typed, _, last = current.rpartition(",")
    prefix = f"{typed}," if typed else ""
    needle = last.strip().lower()
    found = [topic for topic in TOPICS if needle in topic or needle in TOPIC_TITLES[topic].lower()]
    return [
        Choice(name=(prefix + topic)[:CHOICE_NAME], value=(prefix + topic)[:CHOICE_NAME])
        for topic in found[:MAX_CHOICES]
    ]


admin_only = app_commands.default_permissions(manage_guild=True)
# `default_permissions` is only Discord's default; servers can change it, so check again here.
requires_manage_server = app_commands.checks.has_permissions(manage_guild=True)


@app_commands.command(name="daily", description="Post a question now: today's, or one you pick.")
@app_commands.describe(question="A question id or a few search words")
@app_commands.guild_only()
@admin_only
@requires_manage_server
async def daily(interaction: Interaction, question: str = "") -> None:
    command = PostDaily(*origin(interaction), query=question)
    await runner_of(interaction).run(interaction, command)


@app_commands.command(name="answer", description="Answer the open question in a long form.")
@app_commands.guild_only()
async def answer(interaction: Interaction) -> None:
    # Refused before the form opens, not after the member has written a long answer. The form
    # is tied to that post, so a question posted meanwhile does not take the answer.
    target = await runner_of(interaction).service.answer_target(chat_of(interaction))
    if target is None:
        raise NothingOpen()
    form = AnswerModal(post_id=target.post_id, practice=not target.counted)
    await interaction.response.send_modal(form)


@app_commands.command(name="reveal", description="Close the open question now and reveal it.")
@app_commands.guild_only()
@admin_only
@requires_manage_server
async def reveal(interaction: Interaction) -> None:
    await runner_of(interaction).run(interaction, RevealPost(*origin(interaction)))


@app_commands.command(name="skip", description="Withdraw the open question without scoring.")
@app_commands.guild_only()
@admin_only
@requires_manage_server
async def skip(interaction: Interaction) -> None:
    # The core words this for the whole server: the open question is withdrawn.
    command = SkipPost(*origin(interaction))
    await runner_of(interaction).run(interaction, command, ephemeral=False)


@app_commands.command(name="quiz", description="A quiz: free text or multiple choice.")
@app_commands.describe(
    topic="Topic (all topics if empty)",
    n="How many questions",
    mode="Answer in your own words, or pick from options",
    group="One shared quiz for the whole channel instead of a private one",
)
@app_commands.autocomplete(topic=topic_choices)
@app_commands.guild_only()
async def quiz(
    interaction: Interaction,
    topic: str | None = None,
    n: app_commands.Range[int, 1, MAX_QUIZ_QUESTIONS] = 5,
    mode: Literal["text", "choice"] = "text",
    group: bool = False,
) -> None:
    command = StartQuiz(*origin(interaction), topic=topic, count=n, mode=mode, group=group)
    await runner_of(interaction).run(interaction, command, ephemeral=not group)


@app_commands.command(name="leaderboard", description="Who has the most points.")
@app_commands.describe(window="Time window")
@app_commands.guild_only()
async def leaderboard(interaction: Interaction, window: Window = "week") -> None:
    command = ShowLeaderboard(*origin(interaction), window=window)
    await runner_of(interaction).run(interaction, command, ephemeral=False)


@app_commands.command(name="stats", description="Your progress, or another member's.")
@app_commands.describe(member="The member to look at (you if empty)")
@app_commands.guild_only()
async def stats(interaction: Interaction, member: discord.Member | None = None) -> None:
    target = user_of(member) if member is not None else None
    command = ShowStats(*origin(interaction), target=target)
    await runner_of(interaction).run(interaction, command)


@app_commands.command(name="settings", description="Show or change this server's settings.")
@app_commands.describe(
    channel="Channel for the daily question",
    time="Post time, HH:MM",
    timezone="Time zone, e.g. Europe/Berlin",
    window="Hours the answers stay open",
    topics="Comma-separated topics, or all",
    difficulty="1, 2, 3 or a range like 1-2",
    pause="Pause the daily question",
)
@app_commands.autocomplete(timezone=timezone_choices, topics=topic_choices)
@app_commands.guild_only()
@admin_only
@requires_manage_server
async def settings(
    interaction: Interaction,
    channel: discord.TextChannel | None = None,
    time: str | None = None,
    timezone: str | None = None,
    window: app_commands.Range[int, MIN_WINDOW_HOURS, MAX_WINDOW_HOURS] | None = None,
    topics: str | None = None,
    difficulty: str | None = None,
    pause: bool | None = None,
) -> None:
    given = {
        "channel": str(channel.id) if channel is not None else None,
        "time": time,
        "timezone": timezone,
        "window": str(window) if window is not None else None,
        "topics": topics,
        "difficulty": difficulty,
        "paused": None if pause is None else ("yes" if pause else "no"),
    }
    changes = tuple((key, value) for key, value in given.items() if value is not None)
    runner = runner_of(interaction)
    if not changes:
        await runner.run(interaction, ShowSettings(*origin(interaction)))
        return
    await runner.run(interaction, ChangeSettings(*origin(interaction), changes=changes))
    if channel is not None:
        await warn_if_bot_cannot_post(interaction, channel, threads=runner.threads)


async def warn_if_bot_cannot_post(
    interaction: Interaction, channel: discord.TextChannel, *, threads: bool
) -> None:
    """Tell the admin now, rather than at the first daily post, that the channel is closed."""
    me = channel.guild.me
    if me is None:
        return
    allowed = channel.permissions_for(me)
    if not (allowed.view_channel and allowed.send_messages and allowed.embed_links):
        action = "post"
    elif threads and not allowed.create_public_threads:
        action = "open a thread"
    else:
        return
    await interaction.followup.send(
        no_permission(action, channel),
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


@app_commands.command(name="forgetme", description="Delete everything stored about you.")
@app_commands.guild_only()
async def forgetme(interaction: Interaction) -> None:
    confirm = forget_view(interaction.user.id)
    command = ForgetMe(*origin(interaction))
    await runner_of(interaction).run(interaction, command, extra_view=confirm)


@app_commands.command(name="help", description="What this bot does and its commands.")
@app_commands.guild_only()
async def help_command(interaction: Interaction) -> None:
    await runner_of(interaction).run(interaction, ShowHelp(*origin(interaction)))


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (
    daily,
    answer,
    reveal,
    skip,
    quiz,
    leaderboard,
    stats,
    settings,
    forgetme,
    help_command,
)
