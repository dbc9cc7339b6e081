"""Quizzes, leaderboard pages, /forgetme, autocomplete and the error boundary, through the real
command tree and the real study service."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter, wording
from bot.core.commands import PostDaily, ShowStats, SubmitAnswer
from bot.core.refs import UserRef
from bot.core.replies import Stats
from bot.core.service import StudyService
from tests.adapters.discord.discord_payloads import TOKEN
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.helpers import (
    ADMIN,
    CHAT,
    MEMBER,
    SCORE,
    answered,
    callback,
    custom_ids,
    followups,
    is_ephemeral,
    member,
    texts,
)

QUIZ_CHOICE = re.compile(r"studybot:quiz:(\d+):(\d+):(\d+)")


async def answered_count(service: StudyService, user: UserRef) -> int:
    (stats,) = await service.handle(ShowStats(CHAT, user))
    assert isinstance(stats, Stats)
    return stats.answered


def option(name: str, value: object, kind: int = 3) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value}


async def test_a_multiple_choice_quiz_runs_on_private_buttons(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    start = await fake.slash("quiz", [option("n", 1, 4), option("mode", "choice")], **MEMBER)
    (step,) = await answered(fake, start)
    assert is_ephemeral(step)
    buttons = custom_ids(step.response)
    assert len(buttons) >= 2
    assert all(QUIZ_CHOICE.fullmatch(b) and len(b) <= 100 for b in buttons)

    click = await fake.click(step.response, buttons[0], **MEMBER)
    replies = await answered(fake, click, 2)
    assert all(is_ephemeral(reply) for reply in replies)
    assert SCORE.search(texts(replies[0].body))
    assert "Correct option" in texts(replies[0].body)
    assert "Quiz finished" in texts(replies[1].body)


async def test_a_free_text_quiz_answer_goes_through_a_modal(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    start = await fake.slash("quiz", [option("n", 1, 4)], **MEMBER)
    (step,) = await answered(fake, start)
    (button,) = custom_ids(step.response)
    click = await fake.click(step.response, button, **MEMBER)
    modal = (await fake.wait_for(lambda: fake.interaction_calls(click)))[0].body
    assert modal["type"] == 9
    field_id = modal["data"]["components"][0]["components"][0]["custom_id"]
    submit = await fake.submit_modal(
        modal["data"]["custom_id"], {field_id: "Backpropagation computes gradients."}, **MEMBER
    )
    replies = await answered(fake, submit, 2)
    assert all(is_ephemeral(reply) for reply in replies)
    assert SCORE.search(texts(replies[0].body))


async def test_leaderboard_pages_with_buttons(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    admin = UserRef("discord", str(ADMIN["user_id"]), "Ada")
    await service.handle(PostDaily(CHAT, admin, is_admin=True))
    for number in range(7):
        person = UserRef("discord", str(900 + number), f"Member {number}")
        await service.handle(SubmitAnswer(CHAT, person, text=f"gradient descent {number}"))

    token = await fake.slash("leaderboard", **MEMBER)
    (board,) = await answered(fake, token)
    assert "Page 1/2" in texts(board.body)
    previous, following = board.body["components"][0]["components"]
    assert previous["disabled"] and not following["disabled"]

    click = await fake.click(board.response, following["custom_id"], **MEMBER)
    (edit,) = await answered(fake, click)
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert "Page 2/2" in texts(edit.body)
    assert callback(fake, click).body["type"] == 6


async def test_forgetme_asks_first_and_deletes_after_the_button(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    admin = UserRef("discord", str(ADMIN["user_id"]), "Ada")
    bob = UserRef("discord", str(MEMBER["user_id"]), "Bob")
    await service.handle(PostDaily(CHAT, admin, is_admin=True))
    await service.handle(SubmitAnswer(CHAT, bob, text="gradient descent"))

    token = await fake.slash("forgetme", **MEMBER)
    (ask,) = await answered(fake, token)
    (confirm,) = custom_ids(ask.response)
    assert confirm == f"studybot:forget:{MEMBER['user_id']}"
    assert "Press **Delete my data**" in ask.body["content"]
    assert "/forgetme confirm" not in ask.body["content"]  # the typed form is not Discord's

    stranger = await fake.click(ask.response, confirm, **member(777, "Eve"))
    refusal = (await fake.wait_for(lambda: fake.interaction_calls(stranger)))[0].body
    # The confirm message is ephemeral, so only Bob sees it; a forged click is still refused.
    assert "belongs to the member who asked" in refusal["data"]["content"]
    assert refusal["data"]["flags"] & 64
    assert await answered_count(service, bob) == 1

    click = await fake.click(ask.response, confirm, **MEMBER)
    (done,) = await answered(fake, click)
    assert is_ephemeral(done)
    assert "deleted" in done.body["content"]
    assert await answered_count(service, bob) == 0


async def test_timezone_autocomplete_offers_at_most_25_matches(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    focused = {"name": "timezone", "type": 3, "value": "europe/", "focused": True}
    data = {"id": str(fake.command_ids["settings"]), "name": "settings", "type": 1}
    token = await fake.interact(4, {**data, "options": [focused]}, **ADMIN)
    (result,) = await fake.wait_for(lambda: fake.interaction_calls(token))
    assert result.body["type"] == 8
    choices = result.body["data"]["choices"]
    assert 0 < len(choices) <= 25
    assert all(choice["value"].startswith("Europe/") for choice in choices)


async def test_a_user_error_becomes_its_friendly_message(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    token = await fake.slash("reveal", **ADMIN)
    (reply,) = await answered(fake, token)
    assert is_ephemeral(reply)
    assert "no open question" in reply.body["content"]


async def test_an_unexpected_error_is_logged_with_context_and_answered(
    fake: FakeDiscord,
    adapter: DiscordAdapter,
    service: StudyService,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(command: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service, "handle", broken)
    with caplog.at_level(logging.ERROR):
        token = await fake.slash("stats", **MEMBER)
        (reply,) = await answered(fake, token)
    assert is_ephemeral(reply)
    assert reply.body["content"].startswith("Sorry")
    (record,) = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert "/stats" in record.getMessage()
    assert str(MEMBER["user_id"]) in record.getMessage()
    assert TOKEN not in caplog.text

    monkeypatch.undo()
    again = await fake.slash("help", **MEMBER)
    assert await answered(fake, again)
    assert len(followups(fake, again)) == 1


async def test_a_group_quiz_is_posted_for_everyone_and_answered_privately(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    options = [option("n", 2, 4), option("mode", "choice"), option("group", True, 5)]
    start = await fake.slash("quiz", options, **ADMIN)
    (step,) = await answered(fake, start)
    assert not is_ephemeral(step)
    buttons = custom_ids(step.response)
    click = await fake.click(step.response, buttons[1], **MEMBER)
    (result, *_) = await answered(fake, click)
    assert is_ephemeral(result)
    assert SCORE.search(texts(result.body))


async def test_errors_in_forms_and_buttons_get_the_same_friendly_answers(
    fake: FakeDiscord, adapter: DiscordAdapter, service: StudyService
) -> None:
    start = await fake.slash("quiz", [option("n", 1, 4), option("mode", "choice")], **MEMBER)
    (step,) = await answered(fake, start)
    first = await fake.click(step.response, custom_ids(step.response)[0], **MEMBER)
    await answered(fake, first, 2)
    stale = await fake.click(step.response, custom_ids(step.response)[1], **MEMBER)
    (late,) = await answered(fake, stale)
    assert is_ephemeral(late)
    assert "ended" in late.body["content"]

    await service.run_daily(CHAT)  # /answer opens its form only for a posted question
    command = await fake.slash("answer", **MEMBER)
    form = (await fake.wait_for(lambda: fake.interaction_calls(command)))[0].body["data"]
    field_id = form["components"][0]["components"][0]["custom_id"]
    blank = await fake.submit_modal(form["custom_id"], {field_id: "   "}, **MEMBER)
    (refusal,) = await answered(fake, blank)
    assert is_ephemeral(refusal)
    assert refusal.body["content"] == wording.text("answer.empty")
    assert "answer form" in refusal.body["content"]
