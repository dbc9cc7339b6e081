"""A supergroup's day end to end: real PTB, real core, real SQLite, bank and grader."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram import TelegramAdapter
from bot.core.commands import ShowSettings
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import SettingsView
from bot.core.service import StudyService
from content.bank import Bank
from content.model import Question
from tests.adapters.telegram.fake_api import Failure, FakeTelegram, blocked, member

GROUP = -1001234
ADMIN = member(11, "Ada")
BOB = member(22, "Bob")
CLEO = member(33, "Cleo")
FORBIDDEN_DM = "Forbidden: bot can't initiate conversation with a user"


def in_group(predicate_text: str = "") -> object:
    return lambda p: p["chat_id"] == GROUP and predicate_text in p["text"]


def first_question(bank: Bank) -> Question:
    return sorted(bank.questions, key=lambda q: q.id)[0]


async def post_daily(fake: FakeTelegram, question: Question) -> dict[str, object]:
    fake.add_chat(GROUP, title="ML interview prep")
    fake.set_status(GROUP, ADMIN["id"], "creator")
    fake.message(GROUP, ADMIN, f"/daily {question.id}")
    await fake.wait_for_call("sendMessage", lambda p: "Posted question" in p["text"])
    (post,) = fake.bot_messages(GROUP, "Question of the day")
    return post


async def test_daily_answers_reveal_and_leaderboard(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    question = first_question(bank)
    post = await post_daily(fake, question)
    (raw_post,) = [p for p in fake.sent("sendMessage", GROUP) if "Question of the day" in p["text"]]
    assert raw_post["parse_mode"] == "HTML"
    fake.fail("sendMessage", Failure(403, FORBIDDEN_DM, chat_id=BOB["id"]))
    fake.message(CLEO["id"], CLEO, "/start")
    await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == CLEO["id"])

    fake.message(GROUP, BOB, question.reference, reply_to=int(post["message_id"]))
    fake.message(GROUP, CLEO, "/answer I am not sure, something about computers")
    group_acks = await fake.wait_for_call("sendMessage", in_group("/100"), count=2)
    assert any(p["text"].startswith(("✅ Bob", "🟡 Bob")) for p in group_acks)
    assert any("Cleo" in p["text"] for p in group_acks)
    for ack in group_acks:
        assert question.reference[:40] not in ack["text"]
        for point in question.key_points:
            assert point.text not in ack["text"]

    # Cleo gets her full feedback privately; Bob never started the bot, so the group gets a
    # compact version that names no key point.
    to_cleo = await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == CLEO["id"], count=2)
    cleo_detail = to_cleo[1]
    assert "Missed" in cleo_detail["text"] or "Covered" in cleo_detail["text"]
    (compact,) = await fake.wait_for_call("sendMessage", in_group("key points covered"))
    assert "Bob" in compact["text"]

    fake.message(GROUP, ADMIN, "/reveal")
    (reveal,) = await fake.wait_for_call("sendMessage", in_group("Answer time"))
    assert "Model answer" in reveal["text"]
    assert "2 answer(s)" in reveal["text"]

    fake.message(GROUP, CLEO, "/leaderboard")
    (board,) = await fake.wait_for_call("sendMessage", in_group("Leaderboard"))
    assert "1. Bob" in board["text"]
    assert board["text"].index("Bob") < board["text"].index("Cleo")


async def test_non_admin_settings_refused_admin_settings_saved(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService
) -> None:
    fake.add_chat(GROUP, title="ML interview prep")
    fake.set_status(GROUP, ADMIN["id"], "administrator")
    fake.message(GROUP, BOB, "/settings time=08:30")
    (refusal,) = await fake.wait_for_call("sendMessage", in_group("Only the chat's admins"))
    assert refusal["reply_parameters"]["message_id"] > 0
    assert await post_time(service) == "09:00"
    asked = fake.sent("getChatMember")
    assert {"chat_id": GROUP, "user_id": BOB["id"]}.items() <= asked[0].items()
    fake.message(GROUP, BOB, "/settings")  # members may look, without the topic buttons
    (shown,) = await fake.wait_for_call("sendMessage", in_group("time = 09:00"))
    assert "reply_markup" not in shown

    fake.message(GROUP, ADMIN, "/settings time=08:30")
    await fake.wait_for_call("sendMessage", in_group("Settings saved"))
    assert await post_time(service) == "08:30"


async def post_time(service: StudyService) -> str:
    return (await settings_of(service)).post_time


async def settings_of(service: StudyService) -> SettingsView:
    chat = ChatRef("telegram", str(GROUP))
    user = UserRef("telegram", str(ADMIN["id"]), "Ada")
    (view,) = await service.handle(ShowSettings(chat, user, is_admin=True))
    assert isinstance(view, SettingsView)
    return view


async def test_skip_needs_an_admin_and_withdraws_the_post(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    await post_daily(fake, first_question(bank))
    fake.message(GROUP, BOB, "/skip")
    await fake.wait_for_call("sendMessage", in_group("Only the chat's admins"))
    fake.message(GROUP, ADMIN, "/skip")
    await fake.wait_for_call("sendMessage", in_group("Skipped question"))
    fake.message(GROUP, CLEO, "/answer late answer")
    await fake.wait_for_call("sendMessage", in_group("There is no open question"))


async def test_edited_reply_resubmits_and_replaces(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    question = first_question(bank)
    post = await post_daily(fake, question)
    answer_id = fake.message(GROUP, BOB, "no idea", reply_to=int(post["message_id"]))
    await fake.wait_for_call("sendMessage", in_group("Bob"))
    fake.message(
        GROUP, BOB, question.reference, reply_to=int(post["message_id"]), edit_of=answer_id
    )
    (replaced,) = await fake.wait_for_call("sendMessage", in_group("replaces your earlier answer"))
    assert replaced["reply_parameters"]["message_id"] == answer_id


async def test_odd_messages_do_not_break_anything(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    post = await post_daily(fake, first_question(bank))
    post_id = int(post["message_id"])
    fake.message(GROUP, BOB, None, reply_to=post_id, sticker=True)
    fake.message(GROUP, BOB, "/answer " + "x" * 60_000)
    (too_long,) = await fake.wait_for_call("sendMessage", in_group("the limit is"))
    assert "60000 characters" in too_long["text"]
    (help_message,) = fake.bot_messages(GROUP, "Posted question")
    fake.message(GROUP, CLEO, "thanks!", reply_to=int(help_message["message_id"]))
    fake.message(GROUP, CLEO, "/leaderboard")
    (board,) = await fake.wait_for_call("sendMessage", in_group("Leaderboard"))
    assert "No scores yet" in board["text"]  # nothing was stored for the sticker or the 60 kB
    await asyncio.sleep(0.05)
    assert not any("Cleo" in p["text"] for p in fake.sent("sendMessage", GROUP))


async def test_forum_topic_replies_stay_in_the_topic(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    fake.add_chat(GROUP, title="Forum", is_forum=True)
    fake.message(GROUP, BOB, "/leaderboard month", thread_id=77)
    (board,) = await fake.wait_for_call("sendMessage", in_group("Leaderboard"))
    assert board["message_thread_id"] == 77
    assert "this month" in board["text"]


async def test_member_text_is_escaped_and_cannot_mention(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    await post_daily(fake, first_question(bank))
    fake.message(GROUP, member(44, "<b>Eve</b> @everyone"), "/answer <b>gradients</b> & more")
    (ack,) = await fake.wait_for_call("sendMessage", in_group("/100"))
    assert "&lt;b&gt;Eve&lt;/b&gt;" in ack["text"]
    assert "<b>Eve" not in ack["text"]
    assert "@everyone" not in ack["text"]
    assert "@\u2060everyone" in ack["text"]


async def test_closed_forum_topic_falls_back_to_the_general_topic(
    fake: FakeTelegram, adapter: TelegramAdapter
) -> None:
    fake.add_chat(GROUP, title="Forum", is_forum=True)
    fake.fail("sendMessage", Failure(400, "Bad Request: TOPIC_CLOSED", chat_id=GROUP))
    fake.message(GROUP, BOB, "/leaderboard", thread_id=77)
    tries = await fake.wait_for_call("sendMessage", in_group("Leaderboard"), count=2)
    assert tries[0]["message_thread_id"] == 77
    assert "message_thread_id" not in tries[1]
    (board,) = fake.bot_messages(GROUP, "Leaderboard")
    assert "message_thread_id" not in board


async def test_unblocking_the_bot_brings_private_feedback_back(
    fake: FakeTelegram, adapter: TelegramAdapter, bank: Bank
) -> None:
    post = await post_daily(fake, first_question(bank))
    fake.fail("sendMessage", blocked(chat_id=BOB["id"]))
    answer = fake.message(GROUP, BOB, "no idea", reply_to=int(post["message_id"]))
    await fake.wait_for_call("sendMessage", in_group("key points covered"))

    fake.membership(BOB["id"], "kicked", "member", BOB)  # Bob unblocks the bot
    fake.message(GROUP, BOB, "gradients", reply_to=int(post["message_id"]), edit_of=answer)
    await fake.wait_for_call("sendMessage", in_group("replaces your earlier answer"))
    await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == BOB["id"], count=2)
    (delivered,) = fake.bot_messages(BOB["id"])
    assert "Covered" in delivered["text"] or "Missed" in delivered["text"]
    compact = [p for p in fake.sent("sendMessage", GROUP) if "key points covered" in p["text"]]
    assert len(compact) == 1  # only the answer from while the bot was blocked
