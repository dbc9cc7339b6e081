"""Delivery of what the core starts on its own: daily posts, reveals, admin notices.

A server the bot has left is `ChatUnavailable`; a server in a Discord outage fails the delivery
so the core retries it. A channel where the bot lacks permission, or no channel at all, is
reported to the server's admins and the message is `Undeliverable` (the core withdraws a daily
post, so `/daily` posts it once fixed). When the chosen channel was deleted, posts go to the
server's system channel and the admins are told so, at most once a day.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import discord

from bot.adapters.discord.limits import THREAD_NAME, clip
from bot.adapters.discord.render import Outgoing, render
from bot.adapters.discord.runtime import StudyCore
from bot.core.commands import ShowSettings
from bot.core.ports import ChatUnavailable, Undeliverable
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Notice, PostQuestion, Reply, SettingsView

log = logging.getLogger(__name__)

# Who reads the settings when the bot itself looks up a server's daily channel.
BOT_ITSELF = UserRef("discord", "0", "studybot")
Postable = discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.DMChannel

NO_CHANNEL = (
    "studybot has no channel to post the daily question in. "
    "An admin can choose one with /settings channel:#channel."
)
NO_PERMISSION = (
    "studybot could not {action} in {channel}: it lacks permission there. "
    "Give it View Channel, Send Messages, Embed Links and Create Public Threads, "
    "or choose another channel with /settings channel:#channel."
)

CHANNEL_GONE = (
    "The channel chosen for studybot's daily question no longer exists, so it posted in "
    "{channel} instead. An admin can choose a channel with /settings channel:#channel."
)


class ServerUnavailable(Exception):
    """Discord reports the server as temporarily unavailable; the delivery is retried later."""


class DiscordOutbox:
    """`Outbox` for Discord: one chat per server, posting in the server's configured channel."""

    def __init__(
        self, client: discord.Client, service: StudyCore, *, threads: bool = False
    ) -> None:
        self._client = client
        self._service = service
        self._threads = threads
        # Server id -> the UTC date its admins were last told the chosen channel is gone.
        self._gone_reported: dict[int, date] = {}

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        guild = self._client.get_guild(int(chat.chat_id))
        if guild is None:
            raise ChatUnavailable(f"the bot is no longer in server {chat.chat_id}")
        if guild.unavailable:
            # A Discord outage (or the moment after a reconnect): its channels are unknown, so
            # fail this delivery; the core keeps the post and tries again later.
            raise ServerUnavailable(f"server {chat.chat_id} is unavailable on Discord right now")
        outgoing = render(reply)
        if isinstance(reply, Notice) and reply.audience == "admins":
            await self.tell_admins(guild, outgoing.content or "")
            return None
        channel, chosen_gone = await self._daily_channel(guild, chat)
        if channel is None:
            await self.tell_admins(guild, NO_CHANNEL)
            raise Undeliverable(f"server {chat.chat_id} has no channel to post in")
        message = await self._post(guild, channel, outgoing)
        if chosen_gone:
            await self._report_channel_gone(guild, channel)
        if isinstance(reply, PostQuestion) and self._threads:
            await self._open_thread(guild, message, reply)
        return str(message.id)

    async def _daily_channel(
        self, guild: discord.Guild, chat: ChatRef
    ) -> tuple[Postable | None, bool]:
        """The channel to post in, and whether it stands in for a chosen channel that is gone."""
        setting = await self._channel_setting(chat)
        channel = guild.get_channel(int(setting)) if setting and setting.isdecimal() else None
        if isinstance(channel, discord.TextChannel | discord.VoiceChannel):
            return channel, False
        return guild.system_channel, bool(setting)

    async def _report_channel_gone(self, guild: discord.Guild, used: Postable) -> None:
        today = datetime.now(UTC).date()
        if self._gone_reported.get(guild.id) == today:
            return
        self._gone_reported[guild.id] = today
        log.warning("the daily channel of server %s is gone; posted in %s", guild.id, used.id)
        await self.tell_admins(guild, CHANNEL_GONE.format(channel=f"<#{used.id}>"))

    async def _channel_setting(self, chat: ChatRef) -> str | None:
        replies = await self._service.handle(ShowSettings(chat, BOT_ITSELF, is_admin=True))
        views = [reply for reply in replies if isinstance(reply, SettingsView)]
        return views[0].channel if views else None

    async def _post(
        self, guild: discord.Guild, channel: Postable, outgoing: Outgoing
    ) -> discord.Message:
        """Send to `channel`; `Undeliverable` (the admins told) when Discord refuses."""
        try:
            return await channel.send(**outgoing.kwargs())
        except discord.Forbidden:
            log.warning("no permission to post in channel %s of server %s", channel.id, guild.id)
            await self.tell_admins(guild, no_permission("post", channel), avoid=channel.id)
            raise Undeliverable(f"no permission to post in channel {channel.id}") from None
        except discord.NotFound:
            log.warning("channel %s of server %s is gone", channel.id, guild.id)
            await self.tell_admins(guild, NO_CHANNEL, avoid=channel.id)
            raise Undeliverable(f"channel {channel.id} is gone") from None

    async def _open_thread(
        self, guild: discord.Guild, message: discord.Message, post: PostQuestion
    ) -> None:
        name = clip(f"{post.local_date.isoformat()} · {post.prompt}", THREAD_NAME)
        try:
            await message.create_thread(name=name)
        except discord.Forbidden:
            channel = message.channel
            await self.tell_admins(guild, no_permission("open a thread", channel), avoid=channel.id)
        except discord.HTTPException as error:
            log.warning("could not open a thread in server %s: %s", guild.id, error)

    async def tell_admins(self, guild: discord.Guild, text: str, avoid: int | None = None) -> None:
        """Reach the server's admins: the moderators' channel, the system channel, else the owner.

        Every way that fails is skipped; a report that cannot be delivered is only logged."""
        candidates = [guild.public_updates_channel, guild.system_channel]
        for channel in candidates:
            if channel is not None and channel.id != avoid and await self._try(channel, text):
                return
        if guild.owner_id is not None:
            try:
                owner = await self._client.create_dm(discord.Object(id=guild.owner_id))
            except discord.HTTPException:
                owner = None
            if owner is not None and await self._try(owner, text):
                return
        log.warning("could not reach the admins of server %s: %s", guild.id, text)

    async def _try(self, channel: Postable, text: str) -> bool:
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            return False
        return True


def no_permission(action: str, channel: discord.abc.Snowflake) -> str:
    return NO_PERMISSION.format(action=action, channel=f"<#{channel.id}>")
