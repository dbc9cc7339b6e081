"""Quiz polls with votes, text quiz steps by reply, and the inline buttons."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.adapters.telegram import TelegramAdapter
from bot.core.service import StudyService
from storage import Database
from tests.adapters.telegram.fake_api import WAIT_SECONDS, FakeTelegram, Params, member
from tests.adapters.telegram.test_daily_flow import ADMIN, BOB, CLEO, GROUP, settings_of

OTHER_GROUP = -1005555


def in_group(text: str, chat_id: int = GROUP) -> object:
    return lambda p: p["chat_id"] == chat_id and text in p.get("text", "")


async def test_quiz_poll_votes_are_recorded_and_scored(
    fake: FakeTelegram, adapter: TelegramAdapter, database: Database
) -> None:
    fake.message(GROUP, BOB, "/quiz 2 choice")
    (first,) = await fake.wait_for_call("sendPoll")
    assert first["is_anonymous"] is False
    assert first["type"] == "quiz"
    assert first["question"].startswith("Quiz 1/2")
    (right,) = first["correct_option_ids"]
    first_poll = _poll_id(fake, first)

    fake.poll_answer(first_poll, BOB, [right])
    await fake.wait_for_call("sendMessage", in_group("Bob: 100/100"))
    second = (await fake.wait_for_call("sendPoll", count=2))[1]
    wrong = (second["correct_option_ids"][0] + 1) % len(second["options"])

    fake.poll_answer(_poll_id(fake, second), BOB, [wrong])
    await fake.wait_for_call("sendMessage", in_group("Bob: 0/100"))
    (finished,) = await fake.wait_for_call("sendMessage", in_group("Quiz finished"))
    assert "1/2 correct" in finished["text"]
    async with database.read() as store:
        answers = await store.quizzes.list_answers(1)
    assert [(a.index, a.score) for a in answers] == [(0, 100), (1, 0)]


def _poll_id(fake: FakeTelegram, sent: Params) -> str:
    return next(p["id"] for p in fake.polls.values() if p["question"] == sent["question"])


async def test_text_quiz_answered_by_reply(fake: FakeTelegram, adapter: TelegramAdapter) -> None:
    fake.message(42, member(42, "Grace"), "/quiz 1 text")
    await fake.wait_for_call("sendMessage", in_group("Quiz 1/1", 42))
    (step,) = fake.bot_messages(42, "Quiz 1/1")
    fake.message(
        42, member(42, "Grace"), "backpropagation and gradients", reply_to=step["message_id"]
    )
    (result,) = await fake.wait_for_call("sendMessage", in_group("Grace: ", 42))
    assert "/100" in result["text"]
    await fake.wait_for_call("sendMessage", in_group("Quiz finished", 42))


async def test_forgetme_needs_the_members_own_confirmation(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService
) -> None:
    fake.message(GROUP, BOB, "/answer something")  # makes no member: nothing is open
    fake.message(GROUP, BOB, "/forgetme")
    (ask,) = await fake.wait_for_call("sendMessage", in_group("deletes your answers"))
    buttons = ask["reply_markup"]["inline_keyboard"][0]
    yes = next(b["callback_data"] for b in buttons if b["text"].startswith("Yes"))
    assert len(yes.encode()) <= 64
    (asked,) = fake.bot_messages(GROUP, "deletes your answers")

    fake.callback(GROUP, CLEO, yes, asked["message_id"])
    (refused,) = await fake.wait_for_call("answerCallbackQuery")
    assert refused["show_alert"] is True
    assert "admins" in refused["text"] or "not" in refused["text"].lower()

    fake.callback(GROUP, BOB, yes, asked["message_id"])
    await fake.wait_for_call("sendMessage", in_group("I have nothing stored about you"))
    assert fake.sent("editMessageReplyMarkup")


async def test_topic_buttons_toggle_for_admins_only(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService
) -> None:
    fake.set_status(GROUP, ADMIN["id"], "creator")
    fake.message(GROUP, ADMIN, "/settings")
    (view,) = await fake.wait_for_call("sendMessage", in_group("Settings"))
    buttons = [b for row in view["reply_markup"]["inline_keyboard"] for b in row]
    cnn = next(b["callback_data"] for b in buttons if b["callback_data"].endswith(":cnn"))
    (shown,) = fake.bot_messages(GROUP, "Settings")

    fake.callback(GROUP, BOB, cnn, shown["message_id"])
    await fake.wait_for_call("answerCallbackQuery", lambda p: p.get("show_alert") is True)
    assert not fake.sent("editMessageText")

    fake.callback(GROUP, ADMIN, cnn, shown["message_id"])
    (edited,) = await fake.wait_for_call("editMessageText")
    toggled = [b for row in edited["reply_markup"]["inline_keyboard"] for b in row]
    assert next(b["text"] for b in toggled if b["callback_data"].endswith(":cnn")).startswith("▫")
    assert "CNNs" not in edited["text"].split("topics =")[1]
    topics = (await settings_of(service)).topics
    assert "cnn" not in topics
    assert "rnn-and-sequences" in topics


async def test_added_and_removed_from_groups(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService
) -> None:
    fake.membership(OTHER_GROUP, "left", "member", ADMIN)
    await until(lambda: _active(service, OTHER_GROUP), True)

    fake.membership(OTHER_GROUP, "member", "kicked", ADMIN)
    await until(lambda: _active(service, OTHER_GROUP), False)
    assert fake.bot_messages(OTHER_GROUP) == []


async def until(probe: Callable[[], Awaitable[object]], expected: object) -> None:
    """Wait (bounded) until `probe()` gives `expected`: membership changes post nothing."""
    async with asyncio.timeout(WAIT_SECONDS):
        while await probe() != expected:  # noqa: ASYNC110 - polls the database, no event to wait on
            await asyncio.sleep(0.01)


async def _active(service: StudyService, chat_id: int) -> bool | None:
    for chat, _settings, active in await service.list_chats():
        if chat.chat_id == str(chat_id):
            return active
    return None


async def test_group_quiz_votes_stay_private_until_the_end(
    fake: FakeTelegram, adapter: TelegramAdapter, service: StudyService, database: Database
) -> None:
    fake.message(GROUP, ADMIN, "/quiz group 1 choice")
    (poll,) = await fake.wait_for_call("sendPoll")
    assert poll["is_anonymous"] is False
    (right,) = poll["correct_option_ids"]
    poll_id = _poll_id(fake, poll)
    fake.poll_answer(poll_id, BOB, [right])
    fake.poll_answer(poll_id, CLEO, [(right + 1) % len(poll["options"])])
    # A chat's updates are handled in order (votes count as their poll's chat): once this
    # is answered, both votes have been handled.
    fake.message(GROUP, CLEO, "/help")
    await fake.wait_for_call("sendMessage", in_group("Commands"))
    async with database.read() as store:
        assert len(await store.quizzes.list_answers(1)) == 2
    assert not any("/100" in p["text"] for p in fake.sent("sendMessage", GROUP))

    await service.advance_quiz(1, 0)  # the step's timer runs out
    finished = await fake.wait_for_call("sendMessage", in_group("Quiz finished"), count=2)
    by_member = {("Bob" in p["text"]): p["text"] for p in finished}
    assert "1/1 correct" in by_member[True]
    assert "0/1 correct" in by_member[False]
