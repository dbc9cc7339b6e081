"""Buttons and modals. Buttons are dynamic items: their state lives in the custom id, so a
button posted before a restart still works after it, and no per-message view is kept."""

from __future__ import annotations

import re
import secrets
from typing import Any, Self

import discord

from bot.adapters.discord import ids
from bot.adapters.discord.boundary import handle_error
from bot.adapters.discord.limits import BUTTON_LABEL, clip
from bot.adapters.discord.runtime import Interaction, origin, runner_of
from bot.core.commands import AnswerQuiz, ForgetMe, SubmitAnswer, Window
from bot.core.errors import UserError

ANSWER_MAX = 4000
Button = discord.ui.Button[discord.ui.View]
Match = re.Match[str]
AnyItem = discord.ui.Item[Any]


MODAL_TIMEOUT_S = 3600.0
PRACTICE_TITLE = "Practice answer (no points: closed)"


class NotYours(UserError):
    """A button meant for one member, pressed by another."""

    key = "discord.not_yours"


def form_id(kind: str, *parts: int | None) -> str:
    """A custom id unique to one opening of a form.

    discord.py keeps open forms by custom id and forgets one once it is submitted, so two
    members answering the same post at once must not share an id."""
    fields = ":".join("-" if part is None else str(part) for part in parts)
    return f"{ids.PREFIX}:{kind}:{fields}:{secrets.token_hex(6)}"


class GuardedModal(discord.ui.Modal):
    """A modal whose failures go through the adapter's error boundary.

    Discord never tells the bot that a member closed a form unsent, so a form is forgotten
    after an hour instead of being kept forever."""

    # discord.py's own Modal.on_error drops the base class's `item` parameter.
    async def on_error(  # type: ignore[override]
        self, interaction: Interaction, error: Exception, /
    ) -> None:
        await handle_error(interaction, error)


class AnswerModal(GuardedModal, title="Your answer"):
    """A long answer to a daily post; `post_id` None means the chat's open post. A `practice`
    form says so in its title: the post's window has closed, the answer earns no points."""

    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Answer in your own words",
        style=discord.TextStyle.paragraph,
        max_length=ANSWER_MAX,
    )

    def __init__(self, post_id: int | None, *, practice: bool = False) -> None:
        super().__init__(
            title=PRACTICE_TITLE if practice else AnswerModal.title,
            custom_id=form_id("answerform", post_id),
            timeout=MODAL_TIMEOUT_S,
        )
        self.post_id = post_id

    async def on_submit(self, interaction: Interaction, /) -> None:
        chat, user, admin = origin(interaction)
        command = SubmitAnswer(chat, user, admin, text=self.answer.value, post_id=self.post_id)
        await runner_of(interaction).run(interaction, command)


class QuizAnswerModal(GuardedModal, title="Quiz answer"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your answer", style=discord.TextStyle.paragraph, max_length=ANSWER_MAX
    )

    def __init__(self, session_id: int, index: int) -> None:
        custom_id = form_id("quizform", session_id, index)
        super().__init__(custom_id=custom_id, timeout=MODAL_TIMEOUT_S)
        self.session_id = session_id

    async def on_submit(self, interaction: Interaction, /) -> None:
        chat, user, admin = origin(interaction)
        command = AnswerQuiz(chat, user, admin, session_id=self.session_id, text=self.answer.value)
        await runner_of(interaction).run(interaction, command)


class GuardedButton(discord.ui.DynamicItem[Button], template=rf"{ids.PREFIX}:never"):
    """A dynamic button whose failures go through the adapter's error boundary.

    Dynamic items bypass `View.on_error`, so the boundary is applied here."""

    async def callback(self, interaction: Interaction) -> None:
        try:
            await self.clicked(interaction)
        except Exception as error:
            await handle_error(interaction, error)

    async def clicked(self, interaction: Interaction) -> None:
        raise NotImplementedError


class AnswerButton(GuardedButton, template=ids.ANSWER_TEMPLATE):
    """**Answer** under a daily post: opens the answer form."""

    def __init__(self, post_id: int) -> None:
        button: Button = discord.ui.Button(
            label="Answer", style=discord.ButtonStyle.primary, custom_id=ids.answer(post_id)
        )
        super().__init__(button)
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: AnyItem, match: Match, /) -> Self:
        return cls(int(match["post_id"]))

    async def clicked(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(AnswerModal(self.post_id))


class QuizChoiceButton(GuardedButton, template=ids.QUIZ_CHOICE_TEMPLATE):
    def __init__(self, session_id: int, index: int, choice: int, label: str = "") -> None:
        custom_id = ids.quiz_choice(session_id, index, choice)
        label = clip(label or str(choice + 1), BUTTON_LABEL)
        super().__init__(discord.ui.Button(label=label, custom_id=custom_id))
        self.session_id, self.choice = session_id, choice

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: AnyItem, match: Match, /) -> Self:
        return cls(int(match["session_id"]), int(match["index"]), int(match["choice"]))

    async def clicked(self, interaction: Interaction) -> None:
        chat, user, admin = origin(interaction)
        command = AnswerQuiz(chat, user, admin, session_id=self.session_id, choice=self.choice)
        await runner_of(interaction).run(interaction, command)


class QuizTextButton(GuardedButton, template=ids.QUIZ_TEXT_TEMPLATE):
    def __init__(self, session_id: int, index: int) -> None:
        button: Button = discord.ui.Button(
            label="Answer",
            style=discord.ButtonStyle.primary,
            custom_id=ids.quiz_text(session_id, index),
        )
        super().__init__(button)
        self.session_id, self.index = session_id, index

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: AnyItem, match: Match, /) -> Self:
        return cls(int(match["session_id"]), int(match["index"]))

    async def clicked(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(QuizAnswerModal(self.session_id, self.index))


class LeaderboardPageButton(GuardedButton, template=ids.LEADERBOARD_TEMPLATE):
    """Previous/Next under a leaderboard: asks the core again and shows that page."""

    def __init__(self, window: Window, page: int, label: str = "", disabled: bool = False) -> None:
        button: Button = discord.ui.Button(
            label=label or str(page + 1),
            custom_id=ids.leaderboard(window, page),
            disabled=disabled,
        )
        super().__init__(button)
        self.window, self.page = window, page

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: AnyItem, match: Match, /) -> Self:
        window = next(w for w in ids.WINDOWS if w == match["window"])
        return cls(window, int(match["page"]))

    async def clicked(self, interaction: Interaction) -> None:
        await runner_of(interaction).show_leaderboard_page(interaction, self.window, self.page)


class ForgetConfirmButton(GuardedButton, template=ids.FORGET_TEMPLATE):
    """The confirm step of `/forgetme`; only the member who asked can press it."""

    def __init__(self, user_id: int) -> None:
        button: Button = discord.ui.Button(
            label="Delete my data", style=discord.ButtonStyle.danger, custom_id=ids.forget(user_id)
        )
        super().__init__(button)
        self.user_id = user_id

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: AnyItem, match: Match, /) -> Self:
        return cls(int(match["user_id"]))

    async def clicked(self, interaction: Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotYours()
        chat, user, admin = origin(interaction)
        await runner_of(interaction).run(interaction, ForgetMe(chat, user, admin, confirmed=True))


def view_of(*items: AnyItem) -> discord.ui.View:
    """A view for a message: no timeout, so its buttons keep working."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def forget_view(user_id: int) -> discord.ui.View:
    return view_of(ForgetConfirmButton(user_id))


DYNAMIC_ITEMS: tuple[type[GuardedButton], ...] = (
    AnswerButton,
    QuizChoiceButton,
    QuizTextButton,
    LeaderboardPageButton,
    ForgetConfirmButton,
)
