"""Discord API payloads for the fake Discord: the ids of its one server, and the JSON shapes
discord.py 2.7 parses (users, members, channels, the guild, messages)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAw.fake00.bm90LWEtcmVhbC10b2tlbi1hdC1hbGw"
APP_ID = 100000000000000000
GUILD_ID = 200000000000000000
DAILY_CHANNEL_ID = 300000000000000001
SYSTEM_CHANNEL_ID = 300000000000000002
CLOSED_CHANNEL_ID = 300000000000000003
OWNER_ID = 400000000000000001
ADMIN_ID = 400000000000000002
MEMBER_ID = 400000000000000003

MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11
MEMBER_PERMISSIONS = (1 << 10) | SEND_MESSAGES | (1 << 14) | (1 << 16)  # view, embed, history
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
EPHEMERAL = 64
WAIT_S = 10.0


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "flags": 0,
    }


BOT_USER = user_payload(APP_ID, "studybot", bot=True)


def channel_payload(channel_id: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
    }


def closed_channel_payload() -> dict[str, Any]:
    """A read-only channel: @everyone, the bot included, may not send messages there."""
    channel = channel_payload(CLOSED_CHANNEL_ID, "announcements", 2)
    deny_send = {"id": str(GUILD_ID), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}
    channel["permission_overwrites"] = [deny_send]
    return channel


def guild_payload(name: str) -> dict[str, Any]:
    everyone = {
        "id": str(GUILD_ID),
        "name": "@everyone",
        "permissions": str(MEMBER_PERMISSIONS),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": str(GUILD_ID),
        "name": name,
        "icon": None,
        "owner_id": str(OWNER_ID),
        "system_channel_id": str(SYSTEM_CHANNEL_ID),
        "public_updates_channel_id": None,
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [
            channel_payload(DAILY_CHANNEL_ID, "study", 0),
            channel_payload(SYSTEM_CHANNEL_ID, "general", 1),
            closed_channel_payload(),
        ],
        "threads": [],
        "members": [member_payload(APP_ID, "studybot", ADMIN_PERMISSIONS, bot=True)],
        "member_count": 3,
        "large": False,
        "unavailable": False,
        "joined_at": now_iso(),
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
    }


def member_payload(
    user_id: int, name: str, permissions: int, *, bot: bool = False
) -> dict[str, Any]:
    return {
        "user": user_payload(user_id, name, bot=bot),
        "roles": [],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


def message_payload(
    message_id: int, channel_id: int | str, body: dict[str, Any], *, flags: int = 0
) -> dict[str, Any]:
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": BOT_USER,
        "content": body.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": body.get("flags", flags) or 0,
    }
