"""Discord's size limits, applied by cutting text cleanly instead of letting a send fail."""

from __future__ import annotations

import discord

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FIELDS = 25
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
CHOICE_NAME = 100
THREAD_NAME = 100
ELLIPSIS = "…"
FENCE_CLOSE = "\n```"


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with an ellipsis when it was cut.

    Cuts at the last whitespace near the end so a word is not split in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Clip every part of `embed` to its own limit, then drop fields until the total fits."""
    if embed.title:
        embed.title = clip(embed.title, EMBED_TITLE)
    if embed.description:
        embed.description = fit_text(embed.description, EMBED_DESCRIPTION)
    fields = [
        (clip(f.name or "-", EMBED_FIELD_NAME), clip(f.value or "-", EMBED_FIELD_VALUE), f.inline)
        for f in embed.fields[:EMBED_FIELDS]
    ]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=bool(inline))
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, EMBED_FOOTER))
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        spare = EMBED_TOTAL - (len(embed) - len(embed.description))
        embed.description = fit_text(embed.description, max(spare, 5))
    return embed


def fit_text(text: str, limit: int) -> str:
    """`text` clipped to `limit`; a code block the cut left open is closed again (room for the
    closing fence is kept), so the rest of the message is not swallowed into code."""
    if len(text) <= limit:
        return text
    cut = clip(text, limit - len(FENCE_CLOSE))
    return cut + FENCE_CLOSE if cut.count("```") % 2 else cut
