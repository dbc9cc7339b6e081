"""When Discord will not take a post (no permission, the channel deleted) and when there is no
question to answer: the real client against the fake Discord, the real service and scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.adapters.discord import DiscordAdapter, wording
from bot.adapters.discord.components import PRACTICE_TITLE
from bot.core.scheduling import StudyScheduler, job_id
from bot.core.service import StudyService
from storage.records import PostRecord
from tests.adapters.discord.discord_payloads import (
    DAILY_CHANNEL_ID,
    EPHEMERAL,
    SYSTEM_CHANNEL_ID,
    channel_payload,
)
from tests.adapters.discord.fake_discord import Call, FakeDiscord
from tests.adapters.discord.helpers import (
    ADMIN,
    CHAT,
    MEMBER,
    answered,
    choose_daily_channel,
    texts,
)

DAILY_TITLE = "Question of the day"


def delivered(fake: FakeDiscord, channel_id: int) -> list[Call]:
    """Messages Discord accepted in the channel (refused attempts are recorded too)."""
    return [call for call in fake.channel_posts(channel_id) if call.response is not None]


async def stored_posts(service: StudyService) -> list[PostRecord]:
    async with service.core.db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        return await store.posts.list_posts(chat.id)


@pytest.fixture
async def scheduler(service: StudyService) -> AsyncIterator[StudyScheduler]:
    # Started on an empty database, so its start-up catch-up posts nothing by itself.
    running = StudyScheduler(service)
    await running.start()
    yield running
    running.shutdown()


async def test_a_refused_post_does_not_count_and_daily_posts_it_after_the_fix(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService, scheduler: StudyScheduler
) -> None:
    await choose_daily_channel(fake)
    fake.fail("POST", f"/channels/{DAILY_CHANNEL_ID}/messages", 403)
    await service.run_daily(CHAT)
    (report,) = delivered(fake, SYSTEM_CHANNEL_ID)
    assert "lacks permission" in report.body["content"]
    assert await stored_posts(service) == [], "withdrawn: nobody saw it"
    assert job_id("retry", CHAT) not in scheduler.job_ids(), "no retry until someone acts"
    assert job_id("daily", CHAT) in scheduler.job_ids(), "the next day's post stays planned"

    still_closed = await fake.slash("daily", **ADMIN)
    (refused,) = await answered(fake, still_closed)
    assert "could not be posted" in refused.body["content"]
    assert "use /daily again" in refused.body["content"]
    assert await stored_posts(service) == []

    fake.failures.clear()  # an admin gives the bot its permissions back
    fixed = await fake.slash("daily", **ADMIN)
    (done,) = await answered(fake, fixed)
    assert done.body["content"].startswith("Posted question")
    (post,) = delivered(fake, DAILY_CHANNEL_ID)
    assert post.body["embeds"][0]["title"].startswith(DAILY_TITLE)
    (stored,) = await stored_posts(service)
    assert stored.message_id == post.response["id"] and stored.delivered_at is not None
    assert job_id("retry", CHAT) not in scheduler.job_ids()


async def test_a_server_without_any_channel_to_post_in_withdraws_the_post(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    fake.fail("POST", f"/channels/{SYSTEM_CHANNEL_ID}/messages", 403)
    await service.run_daily(CHAT)  # no channel chosen: the system channel, which refuses
    assert delivered(fake, SYSTEM_CHANNEL_ID) == []
    (dm,) = [c for c in fake.find("POST", r"/channels/\d+/messages") if c.response is not None]
    assert "lacks permission" in dm.body["content"], "the owner hears of it by DM"
    assert await stored_posts(service) == []


async def test_answer_without_a_question_is_refused_before_the_form_opens(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    before = await service.core.db.dump()
    token = await fake.slash("answer", **MEMBER)
    (reply,) = await fake.wait_for(lambda: fake.interaction_calls(token))
    assert reply.body["type"] == 4, "a message, not a form (9)"
    assert reply.body["data"]["flags"] & EPHEMERAL
    assert reply.body["data"]["content"] == wording.text("error.nothing_open")
    assert await service.core.db.dump() == before


async def test_answer_forms_are_tied_to_the_post_and_say_when_it_is_practice(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await choose_daily_channel(fake)
    await service.run_daily(CHAT)
    (post,) = await stored_posts(service)
    opened = await fake.slash("answer", **MEMBER)
    form = (await fake.wait_for(lambda: fake.interaction_calls(opened)))[0].body
    assert form["type"] == 9
    assert form["data"]["title"] == "Your answer"
    assert form["data"]["custom_id"].startswith(f"studybot:answerform:{post.id}:")

    await answered(fake, await fake.slash("reveal", **ADMIN))
    late = await fake.slash("answer", **MEMBER)
    practice = (await fake.wait_for(lambda: fake.interaction_calls(late)))[0].body
    assert practice["type"] == 9
    assert practice["data"]["title"] == PRACTICE_TITLE
    field_id = practice["data"]["components"][0]["components"][0]["custom_id"]
    submit = await fake.submit_modal(
        practice["data"]["custom_id"], {field_id: "Gradients update the weights."}, **MEMBER
    )
    (feedback,) = await answered(fake, submit)
    assert "Practice only" in texts(feedback.body)


async def test_a_deleted_channel_is_reported_once_a_day_with_where_the_post_went(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await choose_daily_channel(fake)
    deleted = asyncio.ensure_future(adapter.client.wait_for("guild_channel_delete", timeout=5))
    await fake.dispatch("CHANNEL_DELETE", channel_payload(DAILY_CHANNEL_ID, "study", 0))
    await deleted

    await service.run_daily(CHAT)
    post, warning = delivered(fake, SYSTEM_CHANNEL_ID)
    assert post.body["embeds"][0]["title"].startswith(DAILY_TITLE)
    assert "no longer exists" in warning.body["content"]
    assert f"posted in <#{SYSTEM_CHANNEL_ID}>" in warning.body["content"]
    await answered(fake, await fake.slash("reveal", **ADMIN))
    assert len(delivered(fake, SYSTEM_CHANNEL_ID)) == 3, "the reveal, and no second warning"

    with time_machine.travel(datetime.now(UTC) + timedelta(days=1)):
        await service.run_daily(CHAT)
    *_, next_post, next_warning = delivered(fake, SYSTEM_CHANNEL_ID)
    assert next_post.body["embeds"][0]["title"].startswith(DAILY_TITLE)
    assert "no longer exists" in next_warning.body["content"]
    assert delivered(fake, DAILY_CHANNEL_ID) == []
