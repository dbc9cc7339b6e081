"""Whatever members type (names, values echoed in messages) and whatever the bank holds, what
reaches Telegram is valid HTML with no live mention, and what reaches Discord pings nobody.

Replies are built with hostile text and rendered through the real Telegram and Discord renderers
(and Telegram's splitter), exactly what the adapters send.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.adapters.discord import render as discord_render
from bot.adapters.telegram import render as telegram_render
from bot.core.grading import Verdict
from bot.core.messages import MESSAGES
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import (
    AnswerFeedback,
    Leaderboard,
    LeaderRow,
    Notice,
    PostQuestion,
    QuizFinished,
    QuizStep,
    Reply,
    Reveal,
    RevealEntry,
    Stats,
)
from content.model import TOPICS
from tests.properties.markup import (
    bank_text,
    discord_problem,
    hostile,
    telegram_item_problem,
    telegram_visible,
)

EXAMPLES = settings(max_examples=40, deadline=None)
CHAT = ChatRef("telegram", "-100123")
WHEN = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def users() -> st.SearchStrategy[UserRef]:
    return st.builds(UserRef, st.just("telegram"), st.just("42"), hostile())


def fields_of(key: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(MESSAGES[key]) if name]


@st.composite
def notices(draw: st.DrawFn) -> Notice:
    """Any message, its parameters filled with what a member could have typed."""
    key = draw(st.sampled_from(sorted(MESSAGES)))
    params = {name: draw(hostile()) for name in fields_of(key)}
    return Notice(key, params, draw(st.sampled_from(["chat", "user", "admins"])))


def rows() -> st.SearchStrategy[LeaderRow]:
    return st.builds(
        LeaderRow,
        st.integers(1, 99),
        st.just("42"),
        hostile(),
        st.integers(0, 10**6),
        st.integers(0, 999),
    )


def replies() -> st.SearchStrategy[Reply]:
    small = st.lists(bank_text(), max_size=4).map(tuple)
    return st.one_of(
        st.builds(
            PostQuestion,
            st.just(CHAT),
            st.integers(1, 9),
            st.just("q-1"),
            bank_text(),
            st.sampled_from(TOPICS),
            st.integers(1, 3),
            st.just(date(2026, 3, 2)),
            st.just(WHEN),
        ),
        st.builds(
            AnswerFeedback,
            st.integers(1, 9),
            st.just("q-1"),
            users(),
            st.integers(0, 100),
            st.sampled_from(list(Verdict)),
            small,
            small,
            bank_text(),
            st.lists(st.sampled_from(["too_short", "keywords", "copied"]), max_size=2).map(tuple),
            st.booleans(),
            st.booleans(),
            st.integers(0, 300),
        ),
        st.builds(
            Reveal,
            st.just(CHAT),
            st.integers(1, 9),
            st.just("q-1"),
            bank_text(),
            bank_text(),
            small,
            st.integers(0, 50),
            st.lists(st.builds(RevealEntry, hostile(), st.integers(0, 100)), max_size=3).map(tuple),
        ),
        st.builds(
            Leaderboard,
            st.sampled_from(["chat", "global"]),
            st.sampled_from(["week", "month", "all"]),
            st.lists(rows(), max_size=10).map(tuple),
            st.one_of(st.none(), rows()),
        ),
        st.builds(
            Stats,
            users(),
            st.integers(0, 500),
            st.floats(0, 100),
            st.integers(0, 10**6),
            st.integers(0, 99),
            st.integers(0, 99),
            st.lists(st.sampled_from(TOPICS), max_size=3).map(tuple),
            st.lists(st.sampled_from(TOPICS), max_size=3).map(tuple),
            st.one_of(st.none(), st.integers(1, 999)),
        ),
        st.builds(
            QuizStep,
            st.integers(1, 9),
            st.one_of(st.none(), users()),
            st.integers(0, 4),
            st.just(5),
            st.just("q-1"),
            bank_text(),
            st.sampled_from(["text", "choice"]),
            st.lists(bank_text(), min_size=2, max_size=4).map(tuple),
        ),
        st.builds(
            QuizFinished,
            st.integers(1, 9),
            st.one_of(st.none(), users()),
            st.integers(1, 20),
            st.integers(0, 20),
            st.floats(0, 100),
        ),
    )


@EXAMPLES
@given(reply=replies(), private_chat=st.booleans())
def test_telegram_gets_valid_html_and_no_live_mentions(reply: Reply, private_chat: bool) -> None:
    items = telegram_render.render(reply, private_chat=private_chat)
    assert items, "every reply renders to something"
    assert telegram_item_problem(items) is None


@EXAMPLES
@given(reply=replies())
def test_discord_pings_nobody_and_stays_within_limits(reply: Reply) -> None:
    assert discord_problem(discord_render.render(reply)) is None


@settings(max_examples=60, deadline=None)
@given(notice=notices())
@example(Notice("settings.bad_time", {"value": "@everyone <@123456789012345678>"}))
@example(Notice("daily.no_match", {"query": "<b>&"}))
def test_messages_echoing_member_input_are_inert_on_both_platforms(notice: Notice) -> None:
    assert telegram_item_problem(telegram_render.render(notice, private_chat=False)) is None
    assert discord_problem(discord_render.render(notice)) is None


@EXAMPLES
@given(name=hostile())
def test_a_hostile_name_is_shown_as_typed(name: str) -> None:
    """Escaping keeps the name readable: Telegram shows it as typed (less the word joiners)."""
    reveal = Reveal(CHAT, 1, "q-1", "Prompt?", "Reference.", (), 1, (RevealEntry(name, 80),))
    [item] = telegram_render.render(reveal, private_chat=False)
    assert isinstance(item, telegram_render.TextOut)
    shown = telegram_visible(item.html).replace(telegram_render.WORD_JOINER, "")
    assert name.replace(telegram_render.WORD_JOINER, "") in shown
