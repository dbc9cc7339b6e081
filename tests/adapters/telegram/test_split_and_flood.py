"""Message splitting at Telegram's limit and the flood limiter, without the network."""

from __future__ import annotations

import asyncio
import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.telegram.flood import FloodControl, FloodLimits, Limit
from bot.adapters.telegram.split import TELEGRAM_LIMIT, split_html, telegram_length


class TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.broken = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.broken = True


def balanced(part: str) -> bool:
    parser = TagBalance()
    parser.feed(part)
    parser.close()
    return not parser.broken and not parser.stack


def visible(part: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", part))


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", visible(text))


def words(text: str) -> list[str]:
    return visible(text).split()


def test_short_text_is_one_part() -> None:
    assert split_html("<b>hi</b> there") == ["<b>hi</b> there"]


def test_long_text_splits_at_paragraphs_within_the_limit() -> None:
    paragraph = "<b>Point</b>: " + "gradient &amp; descent " * 40
    text = "\n\n".join([paragraph] * 40)
    parts = split_html(text)
    assert len(parts) > 1
    assert all(telegram_length(part) <= TELEGRAM_LIMIT for part in parts)
    assert all(part.startswith("<b>Point</b>") for part in parts)  # cut at paragraph starts
    assert words("".join(parts)) == words(text)


def test_a_cut_inside_a_tag_closes_and_reopens_it() -> None:
    text = "<b>" + "word " * 2000 + "</b>"
    parts = split_html(text)
    assert len(parts) == 3
    assert all(part.startswith("<b>") and part.endswith("</b>") for part in parts)
    assert all(balanced(part) for part in parts)


def test_emoji_count_twice() -> None:
    parts = split_html("🙂" * 3000)
    assert [telegram_length(part) for part in parts] == [4096, 1904]


TOKENS = st.sampled_from(["word", "x", " ", "\n", "\n\n", "&amp;", "&lt;", "🙂", "é", "<b>"])


@st.composite
def markup(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(TOKENS, min_size=1, max_size=400))
    out: list[str] = []
    open_tags: list[str] = []
    for piece in pieces:
        if piece == "<b>":
            tag = draw(st.sampled_from(["b", "i", "code"]))
            if tag in open_tags:
                closing = open_tags.pop()
                out.append(f"</{closing}>")
            else:
                open_tags.append(tag)
                out.append(f"<{tag}>")
        else:
            out.append(piece)
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(text=markup(), limit=st.integers(min_value=40, max_value=300))
def test_split_properties(text: str, limit: int) -> None:
    parts = split_html(text, limit)
    for part in parts:
        assert telegram_length(part) <= limit
        assert balanced(part)
        assert not re.search(r"&\w*$", re.sub(r"<[^>]+>", "", part))  # no half entity
    # Only whitespace at a cut may go; every other character survives, in order.
    assert squeezed("".join(parts)) == squeezed(text)


class VirtualClock:
    """Time that moves only when someone sleeps: deterministic flood tests."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def test_overall_limit_spreads_a_fan_out_over_seconds() -> None:
    clock = VirtualClock()
    flood = FloodControl(FloodLimits(), clock, clock.sleep)
    sent_at = []
    for chat in range(1, 101):  # 100 private chats, one message each
        await flood.wait_turn(chat)
        sent_at.append(clock.now)
    assert sent_at[29] == 0.0
    assert sent_at[30] >= 1.0
    assert sent_at[-1] >= 3.0
    assert max(sum(1 for t in sent_at if s <= t < s + 1.0) for s in sent_at) <= 30


async def test_one_group_gets_twenty_a_minute() -> None:
    clock = VirtualClock()
    flood = FloodControl(FloodLimits(), clock, clock.sleep)
    sent_at = []
    for _ in range(41):
        await flood.wait_turn(-100)
        sent_at.append(clock.now)
    assert sent_at[19] < 60.0 <= sent_at[20]
    assert sent_at[40] >= 120.0


async def test_a_busy_group_does_not_hold_up_other_chats() -> None:
    clock = VirtualClock()
    flood = FloodControl(FloodLimits(group=Limit(1, 60.0)), clock, clock.sleep)
    await flood.wait_turn(-100)
    other = asyncio.create_task(flood.wait_turn(-200))
    await other
    assert clock.now == 0.0


def test_scaled_limits_keep_counts() -> None:
    fast = FloodLimits().scaled(0.01)
    assert fast.group == Limit(20, 0.6)
    assert fast.overall.count == 30
