"""Members, and small readers of what the fake Discord recorded."""

from __future__ import annotations

import re
from typing import Any

from bot.core.refs import ChatRef
from tests.adapters.discord.discord_payloads import (
    ADMIN_ID,
    ADMIN_PERMISSIONS,
    DAILY_CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MEMBER_ID,
    MEMBER_PERMISSIONS,
)
from tests.adapters.discord.fake_discord import Call, FakeDiscord

ADMIN: dict[str, Any] = {"user_id": ADMIN_ID, "user_name": "Ada", "permissions": ADMIN_PERMISSIONS}
MEMBER: dict[str, Any] = {
    "user_id": MEMBER_ID,
    "user_name": "Bob",
    "permissions": MEMBER_PERMISSIONS,
}
CHAT = ChatRef("discord", str(GUILD_ID), title="Study Group")
SCORE = re.compile(r"\b(\d{1,3})/100\b")


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        component["custom_id"]
        for row in message.get("components", [])
        for component in row.get("components", [])
        if "custom_id" in component
    ]


def texts(body: dict[str, Any]) -> str:
    """Everything a member reads in a message body: content and every embed part."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def callback(fake: FakeDiscord, token: str) -> Call:
    (call,) = [c for c in fake.interaction_calls(token) if c.path.endswith("/callback")]
    return call


def followups(fake: FakeDiscord, token: str) -> list[Call]:
    return [
        c
        for c in fake.interaction_calls(token)
        if c.path.startswith("/webhooks/") and c.method in ("POST", "PATCH")
    ]


async def answered(fake: FakeDiscord, token: str, count: int = 1) -> list[Call]:
    """Wait for `count` follow-up messages (or edits) to the interaction with `token`."""
    result: list[Call] = await fake.wait_for(
        lambda: len(followups(fake, token)) >= count and followups(fake, token)
    )
    return result


def member(user_id: int, name: str) -> dict[str, Any]:
    return {"user_id": user_id, "user_name": name, "permissions": MEMBER_PERMISSIONS}


def is_ephemeral(call: Call) -> bool:
    return bool((call.body.get("flags") or 0) & EPHEMERAL)


async def choose_daily_channel(
    fake: FakeDiscord, channel_id: int = DAILY_CHANNEL_ID, replies: int = 2
) -> list[Call]:
    channel = {
        "id": str(channel_id),
        "type": 0,
        "name": "study",
        "permissions": str(ADMIN_PERMISSIONS),
    }
    option = {"name": "channel", "type": 7, "value": str(channel_id)}
    resolved = {"channels": {str(channel_id): channel}}
    token = await fake.slash("settings", [option], resolved=resolved, **ADMIN)
    return await answered(fake, token, replies)
