"""Hostile text for property tests, and checks of what reaches each platform.

`telegram_problem` is a strict reading of Telegram's HTML parse mode (known tags, balanced,
every `<`, `>` and `&` part of a tag or an entity); `discord_problem` looks for mentions that
would ping and Discord's size limits.
"""

from __future__ import annotations

import html
import re

from hypothesis import strategies as st

from bot.adapters.discord import render as discord_render
from bot.adapters.discord.render import Outgoing as DiscordOut
from bot.adapters.telegram.render import Outgoing as TelegramOut
from bot.adapters.telegram.render import PollOut, PrivateOut, TextOut
from bot.adapters.telegram.split import split_html

# Pieces that break markup or ping people when they reach a platform unescaped.
NASTY = (
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "<b>",
    "</b>",
    "<i>",
    "<a href='https://example.com'>",
    "<script>",
    "@everyone",
    "@here",
    "@studybot_test",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```",
    "||",
    "\\",
    "> ",
    "# ",
    "[link](https://example.com)",
    "\u202e",
    "\u200b",
    "\u2060",
    "🙂",
    "\n",
    " ",
    "{}",
    "{name}",
    "%s",
    "/start",
)
WITHOUT_AT = tuple(piece for piece in NASTY if "@" not in piece)


def hostile(max_pieces: int = 25, pieces: tuple[str, ...] = NASTY) -> st.SearchStrategy[str]:
    """Text mixing markup, mentions and arbitrary unicode."""
    piece = st.one_of(st.sampled_from(pieces), st.text(max_size=8))
    return st.lists(piece, max_size=max_pieces).map("".join)


def bank_text() -> st.SearchStrategy[str]:
    """Question-bank text: markup characters, but no `@` (the bank has no mentions)."""
    piece = st.one_of(
        st.sampled_from(WITHOUT_AT),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="@"), max_size=8),
    )
    return st.lists(piece, min_size=1, max_size=25).map("".join)


TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_PIECE = re.compile(r"<[^<>]*>|&[^;&<>\s]*;?|[<>]")
_TAG = re.compile(r"<(/?)([a-z-]+)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
TELEGRAM_TEXT_LIMIT = 4096
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100


def telegram_problem(text: str) -> str | None:
    """Why Telegram would refuse (or misread) `text` in HTML parse mode; None when it is fine."""
    open_tags: list[str] = []
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece.startswith("&"):
            if not _ENTITY.fullmatch(piece):
                return f"bare & in {piece!r}"
            continue
        tag = _TAG.fullmatch(piece)
        if tag is None or tag.group(2) not in TELEGRAM_TAGS:
            return f"stray markup {piece!r}"
        if not tag.group(1):
            open_tags.append(tag.group(2))
        elif not open_tags or open_tags.pop() != tag.group(2):
            return f"unbalanced {piece!r}"
    return f"unclosed {open_tags}" if open_tags else None


def telegram_visible(text: str) -> str:
    """What members see: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


def telegram_messages(items: list[TelegramOut]) -> list[str]:
    """Every HTML text the messenger would send for `items`, split as it splits them."""
    texts: list[str] = []
    for item in items:
        if isinstance(item, TextOut):
            texts.append(item.html)
        elif isinstance(item, PrivateOut):
            texts.extend((item.private_html, item.fallback_html))
    return [part for text in texts for part in split_html(text)]


def telegram_item_problem(items: list[TelegramOut]) -> str | None:
    for part in telegram_messages(items):
        problem = telegram_problem(part)
        if problem is not None:
            return f"{problem} in {part!r}"
        if len(part.encode("utf-16-le")) // 2 > TELEGRAM_TEXT_LIMIT:
            return "a message over Telegram's limit"
        # A name's `@` is followed by a word joiner, so it can never become a mention.
        if re.search(r"@\w", telegram_visible(part)):
            return f"a live mention in {part!r}"
    for item in items:
        if isinstance(item, PollOut):
            if len(item.question) > POLL_QUESTION_LIMIT:
                return "a poll question over the limit"
            if any(len(option) > POLL_OPTION_LIMIT for option in item.options):
                return "a poll option over the limit"
    return None


# `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`: what Discord turns into a ping.
MASS_MENTION = re.compile(r"@(?:everyone|here)|<@[!&]?\d+>")
CONTENT_LIMIT = 2000
EMBED_TOTAL_LIMIT = 6000


def discord_texts(out: DiscordOut) -> list[str]:
    texts = [out.content or ""]
    if out.embed is not None:
        embed = out.embed
        texts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        texts += [embed.author.name or ""]
        texts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return texts


def discord_problem(out: DiscordOut) -> str | None:
    sent = out.kwargs()
    # (discord.py through the adapter, which silences its import-time deprecation warning)
    nobody = discord_render.discord.AllowedMentions.none()
    if sent["allowed_mentions"].to_dict() != nobody.to_dict():
        return "allowed_mentions is not none"
    if len(sent.get("content", "")) > CONTENT_LIMIT:
        return "content over Discord's limit"
    if out.embed is not None and len(out.embed) > EMBED_TOTAL_LIMIT:
        return "embed over Discord's limit"
    for text in discord_texts(out):
        if MASS_MENTION.search(text):
            return f"a live mention in {text!r}"
    return None
