"""The daily question end to end: real client, real service, real SQLite, real grader."""

from __future__ import annotations

import asyncio
import re
from functools import partial
from typing import Any

from bot.adapters.discord import DiscordAdapter
from bot.config import load_settings
from bot.core.commands import ShowSettings
from bot.core.refs import UserRef
from bot.core.replies import SettingsView
from bot.core.service import StudyService
from content.bank import Bank
from tests.adapters.discord.conftest import make_adapter
from tests.adapters.discord.discord_payloads import (
    CLOSED_CHANNEL_ID,
    DAILY_CHANNEL_ID,
    GUILD_ID,
    SYSTEM_CHANNEL_ID,
    TOKEN,
    guild_payload,
    member_payload,
)
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import (
    ADMIN,
    CHAT,
    MEMBER,
    SCORE,
    answered,
    callback,
    choose_daily_channel,
    custom_ids,
    is_ephemeral,
    member,
    texts,
)

NO_MENTIONS: dict[str, list[str]] = {"parse": []}
ADMIN_REF = UserRef("discord", "1", "Ada")
# STUDYBOT_DISCORD_THREADS=true, as an operator would set it.
THREADS_ON = load_settings(
    {"STUDYBOT_DISCORD_TOKEN": TOKEN, "STUDYBOT_DISCORD_THREADS": "true"}, None
)


async def test_choosing_a_channel_the_bot_cannot_post_in_warns_the_admin(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    saved, settings_view, warning = await choose_daily_channel(fake, CLOSED_CHANNEL_ID, 3)
    assert "Settings saved" in saved.body["content"]
    assert f"<#{CLOSED_CHANNEL_ID}>" in texts(settings_view.body)
    assert is_ephemeral(warning)
    assert "lacks permission" in warning.body["content"]


async def post_daily(fake: FakeDiscord, service: StudyService) -> dict[str, Any]:
    await choose_daily_channel(fake)
    await service.run_daily(CHAT)
    posts = fake.channel_posts(DAILY_CHANNEL_ID)
    assert len(posts) == 1
    message: dict[str, Any] = posts[0].response
    return message


async def answer_post(
    fake: FakeDiscord, message: dict[str, Any], text: str, who: dict[str, Any]
) -> dict[str, Any]:
    (button,) = custom_ids(message)
    click = await fake.click(message, button, **who)
    modal = (await fake.wait_for(lambda: fake.interaction_calls(click)))[0].body
    assert modal["type"] == 9
    (row,) = modal["data"]["components"]
    text_input = row["components"][0]
    submit = await fake.submit_modal(
        modal["data"]["custom_id"], {text_input["custom_id"]: text}, **who
    )
    (feedback,) = await answered(fake, submit)
    assert callback(fake, submit).body["type"] == 5
    body: dict[str, Any] = feedback.body
    assert is_ephemeral(feedback)
    return body


async def test_the_daily_post_lands_in_the_channel_with_an_answer_button(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    message = await post_daily(fake, service)
    body = fake.channel_posts(DAILY_CHANNEL_ID)[0].body
    assert body["allowed_mentions"] == NO_MENTIONS
    (embed,) = body["embeds"]
    assert embed["title"].startswith("Question of the day")
    assert embed["description"]
    (button,) = message["components"][0]["components"]
    assert button["label"] == "Answer"
    assert re.fullmatch(r"studybot:answer:\d+", button["custom_id"])
    assert not fake.find("POST", r"/channels/\d+/messages/\d+/threads")  # threads are opt-in


async def test_answer_button_opens_a_modal_and_the_grade_is_private(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService, bank: Bank
) -> None:
    message = await post_daily(fake, service)
    question_id = message["embeds"][0]["footer"]["text"].split(" · ")[0]
    question = bank.find(question_id)
    assert question is not None
    feedback = await answer_post(fake, message, question.reference, MEMBER)
    score = SCORE.search(feedback["embeds"][0]["title"])
    assert score is not None
    assert int(score.group(1)) >= 40  # the reference answer itself is at least partly right
    assert feedback["allowed_mentions"] == NO_MENTIONS


async def test_leaderboard_and_stats_show_the_answer(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService, bank: Bank
) -> None:
    message = await post_daily(fake, service)
    await answer_post(fake, message, "It is about gradients and learning rates.", MEMBER)

    board_token = await fake.slash(
        "leaderboard", [{"name": "window", "type": 3, "value": "all"}], **MEMBER
    )
    (board,) = await answered(fake, board_token)
    assert not is_ephemeral(board)
    assert "Bob" in texts(board.body)
    assert "1 answers" in texts(board.body)

    stats_token = await fake.slash("stats", **MEMBER)
    (stats,) = await answered(fake, stats_token)
    assert is_ephemeral(stats)
    shown = texts(stats.body)
    assert "Stats · Bob" in shown
    assert "Answered 1" in shown


async def test_a_member_without_manage_server_cannot_change_settings(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    option = {"name": "time", "type": 3, "value": "10:30"}
    token = await fake.slash("settings", [option], **MEMBER)
    refusal = (await fake.wait_for(lambda: fake.interaction_calls(token)))[0].body
    assert refusal["type"] == 4
    assert refusal["data"]["flags"] & 64
    assert "admins" in refusal["data"]["content"]
    (view,) = await service.handle(ShowSettings(CHAT, ADMIN_REF, is_admin=True))
    assert isinstance(view, SettingsView)
    assert view.post_time == "09:00"


async def test_missing_permission_in_the_channel_is_reported_not_fatal(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await choose_daily_channel(fake)
    fake.fail("POST", f"/channels/{DAILY_CHANNEL_ID}/messages", 403)
    await service.run_daily(CHAT)
    (report,) = fake.channel_posts(SYSTEM_CHANNEL_ID)
    assert "lacks permission" in report.body["content"]
    assert f"<#{DAILY_CHANNEL_ID}>" in report.body["content"]
    assert report.body["allowed_mentions"] == NO_MENTIONS
    token = await fake.slash("help", **MEMBER)
    (help_reply,) = await answered(fake, token)
    assert "/leaderboard" in texts(help_reply.body)


async def test_the_answer_button_still_works_after_a_restart(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    message = await post_daily(fake, service)
    await adapter.stop()
    restarted = make_adapter(service)
    await restarted.start()
    try:
        feedback = await answer_post(fake, message, "Weights are updated by gradients.", MEMBER)
        assert SCORE.search(feedback["embeds"][0]["title"])
    finally:
        await restarted.stop()


async def test_member_text_cannot_ping_or_break_markup(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    message = await post_daily(fake, service)
    hostile = member(555, "@everyone **boss**")
    await answer_post(fake, message, "Gradients flow backwards through the network.", hostile)
    token = await fake.slash("reveal", **ADMIN)
    await answered(fake, token)
    reveal = fake.channel_posts(DAILY_CHANNEL_ID)[-1].body
    shown = texts(reveal)
    assert "Best answers" in shown
    assert re.search(r"1\. .+ · \d{1,3}/100", shown)  # each best answer with its score
    assert "@\u200beveryone" in shown
    assert "\\*\\*boss\\*\\*" in shown
    assert reveal["allowed_mentions"] == NO_MENTIONS
    for call in fake.calls:
        if call.method == "POST" and isinstance(call.body, dict):
            sent = call.body.get("data", call.body)
            if sent.get("content") or sent.get("embeds"):
                assert sent.get("allowed_mentions") == NO_MENTIONS, call.path


async def test_a_thread_per_question_when_enabled(fake: FakeDiscord, service: StudyService) -> None:
    adapter = make_adapter(service, THREADS_ON)
    await adapter.start()
    try:
        message = await post_daily(fake, service)
        (thread,) = fake.find("POST", rf"/channels/{DAILY_CHANNEL_ID}/messages/\d+/threads")
        assert thread.path.endswith(f"/{message['id']}/threads")
        assert 0 < len(thread.body["name"]) <= 100
    finally:
        await adapter.stop()


async def test_no_thread_permission_is_reported_and_the_post_stays(
    fake: FakeDiscord, service: StudyService
) -> None:
    adapter = make_adapter(service, THREADS_ON)
    await adapter.start()
    fake.fail("POST", r"/channels/\d+/messages/\d+/threads")
    try:
        await choose_daily_channel(fake)
        await service.run_daily(CHAT)
        assert len(fake.channel_posts(DAILY_CHANNEL_ID)) == 1
        (report,) = fake.channel_posts(SYSTEM_CHANNEL_ID)
        assert "open a thread" in report.body["content"]
    finally:
        await adapter.stop()


async def test_the_answer_command_opens_a_modal_for_the_open_post(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await post_daily(fake, service)
    command = await fake.slash("answer", **MEMBER)
    modal = (await fake.wait_for(lambda: fake.interaction_calls(command)))[0].body
    assert modal["type"] == 9
    text_input = modal["data"]["components"][0]["components"][0]
    assert text_input["style"] == 2 and text_input["max_length"] == 4000
    submit = await fake.submit_modal(
        modal["data"]["custom_id"], {text_input["custom_id"]: "Use momentum."}, **MEMBER
    )
    (feedback,) = await answered(fake, submit)
    assert is_ephemeral(feedback)
    assert SCORE.search(feedback.body["embeds"][0]["title"])


async def test_skip_is_announced_to_the_server(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await post_daily(fake, service)
    token = await fake.slash("skip", **ADMIN)
    (notice,) = await answered(fake, token)
    assert not is_ephemeral(notice)
    assert "will not be scored" in notice.body["content"]


async def test_two_members_answering_at_once_are_both_graded(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    message = await post_daily(fake, service)
    (button,) = custom_ids(message)
    forms = []
    for who in (MEMBER, member(556, "Cleo")):
        click = await fake.click(message, button, **who)
        opened = await fake.wait_for(partial(fake.interaction_calls, click))
        forms.append((who, opened[0]))
    assert forms[0][1].body["data"]["custom_id"] != forms[1][1].body["data"]["custom_id"]
    for who, form in forms:
        data = form.body["data"]
        field_id = data["components"][0]["components"][0]["custom_id"]
        submit = await fake.submit_modal(data["custom_id"], {field_id: "Gradients."}, **who)
        (feedback,) = await answered(fake, submit)
        assert SCORE.search(feedback.body["embeds"][0]["title"])


async def test_stats_of_another_member(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    message = await post_daily(fake, service)
    await answer_post(fake, message, "Learning rate and gradients.", MEMBER)
    bob = member_payload(MEMBER["user_id"], "Bob", MEMBER["permissions"])
    resolved = {
        "users": {str(MEMBER["user_id"]): bob["user"]},
        "members": {str(MEMBER["user_id"]): {k: v for k, v in bob.items() if k != "user"}},
    }
    target = {"name": "member", "type": 6, "value": str(MEMBER["user_id"])}
    token = await fake.slash("stats", [target], resolved=resolved, **ADMIN)
    (stats,) = await answered(fake, token)
    assert "Stats · Bob" in texts(stats.body)
    assert "Answered 1" in texts(stats.body)


async def test_a_server_outage_delays_the_post_instead_of_losing_it(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    await choose_daily_channel(fake)
    outage = asyncio.ensure_future(adapter.client.wait_for("guild_unavailable", timeout=5))
    await fake.dispatch("GUILD_DELETE", {"id": str(GUILD_ID), "unavailable": True})
    await outage
    before = len(fake.calls)
    await service.run_daily(CHAT)
    assert not [call for call in fake.calls[before:] if call.method == "POST"]  # nor a DM

    back = asyncio.ensure_future(adapter.client.wait_for("guild_available", timeout=5))
    await fake.dispatch("GUILD_CREATE", guild_payload("Study Group"))
    await back
    await service.run_pending(CHAT)  # what the core's retry job runs
    (post,) = fake.channel_posts(DAILY_CHANNEL_ID)
    assert post.body["embeds"][0]["title"].startswith("Question of the day")


async def test_with_threads_on_a_channel_without_thread_permission_warns_the_admin(
    fake: FakeDiscord, service: StudyService
) -> None:
    # The bot's role in the fake server may post but not create threads.
    adapter = make_adapter(service, THREADS_ON)
    await adapter.start()
    try:
        saved, _, warning = await choose_daily_channel(fake, replies=3)
        assert "Settings saved" in saved.body["content"]
        assert is_ephemeral(warning)
        assert "could not open a thread" in warning.body["content"]
        assert "Create Public Threads" in warning.body["content"]
    finally:
        await adapter.stop()
