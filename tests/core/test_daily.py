"""The daily post: choice of question, idempotence, warnings, admin picks and delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.commands import PostDaily
from bot.core.errors import NotAllowed, NotFound
from bot.core.grading import Grader
from bot.core.messages import MESSAGES
from bot.core.ports import ChatUnavailable
from bot.core.refs import ChatRef
from bot.core.replies import Notice, PostQuestion, Reply, Reveal
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.core.conftest import (
    ADMIN,
    BOB,
    CHAT,
    ManualClock,
    RecordingOutbox,
    make_question,
    new_service,
    small_bank,
)


def posted(outbox: RecordingOutbox) -> list[PostQuestion]:
    return [reply for reply in outbox.of_type(PostQuestion) if isinstance(reply, PostQuestion)]


async def test_posts_follow_the_chat_topics_and_difficulty(
    db: Database, bank: Bank, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(
        db, bank, grader, clock, outbox, topics="cnn,optimization", difficulty="2-3"
    )
    for _ in range(6):
        await service.run_daily(CHAT)
        clock.current += timedelta(days=1)
    posts = posted(outbox)
    assert len(posts) == 6
    assert all(p.topic in ("cnn", "optimization") and p.difficulty >= 2 for p in posts)
    assert len({p.question_id for p in posts}) == 6, "a chat never gets a question twice"


async def test_a_second_call_and_a_double_fire_post_once(
    service: StudyService, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    await service.run_daily(CHAT)
    clock.current += timedelta(hours=1)
    await service.run_daily(CHAT)
    [reply] = await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    assert len(posted(outbox)) == 1
    assert isinstance(reply, Notice) and reply.key == "daily.already_posted"


async def test_admins_are_warned_when_few_unseen_questions_remain(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(db, small_bank(12), grader, clock, outbox)
    warnings: list[int] = []
    for _ in range(4):
        await service.run_daily(CHAT)
        clock.current += timedelta(days=1)
        notices = [r for r in outbox.of_type(Notice) if isinstance(r, Notice)]
        warnings.append(len([n for n in notices if n.audience == "admins"]))
    # 12 questions: after the 1st post 11 are unseen (no warning), after the 2nd 10, then 9.
    assert warnings == [0, 0, 1, 2]
    last = [r for r in outbox.of_type(Notice) if isinstance(r, Notice)][-1]
    assert last.key == "daily.low_stock" and last.params["left"] == 8
    assert "daily.low_stock" in MESSAGES


async def test_when_all_were_asked_it_starts_again_with_the_oldest(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(db, small_bank(3), grader, clock, outbox)
    for _ in range(6):
        await service.run_daily(CHAT)
        clock.current += timedelta(days=1)
    order = [p.question_id for p in posted(outbox)]
    assert sorted(order[:3]) == sorted({q.id for q in small_bank(3).questions})
    assert order[3:] == order[:3]
    keys = [r.key for r in outbox.of_type(Notice) if isinstance(r, Notice)]
    assert keys[:3] == ["daily.low_stock", "daily.low_stock", "daily.none_left"]


async def test_an_admin_posts_a_question_by_id_or_by_words(
    service: StudyService, outbox: RecordingOutbox, bank: Bank
) -> None:
    target = bank.questions[7]
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True, query=target.id))
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True, query="batch normalization"))
    first, second = posted(outbox)
    assert first.question_id == target.id
    found = bank.search("batch normalization", 1)
    assert second.question_id == found[0].id


async def test_nothing_found_and_non_admins_get_friendly_errors(
    service: StudyService, outbox: RecordingOutbox, db: Database
) -> None:
    before = await db.dump()
    with pytest.raises(NotFound) as caught:
        await service.handle(PostDaily(CHAT, ADMIN, is_admin=True, query="zzqx wqkk"))
    assert caught.value.key in MESSAGES
    with pytest.raises(NotAllowed):
        await service.handle(PostDaily(CHAT, BOB, is_admin=False))
    assert await db.dump() == before
    assert posted(outbox) == []


async def test_a_failed_delivery_keeps_the_post_and_is_retried(
    service: StudyService, outbox: RecordingOutbox, db: Database
) -> None:
    outbox.fail_next = 1
    [reply] = await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    assert isinstance(reply, Notice) and reply.key == "daily.delivery_pending"
    assert posted(outbox) == []
    await service.run_pending(CHAT)
    [post] = posted(outbox)
    await service.run_daily(CHAT)
    assert len(posted(outbox)) == 1
    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        [stored] = await store.posts.list_posts(chat.id)
    assert stored.id == post.post_id and stored.message_id is not None


class GoneOutbox:
    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        raise ChatUnavailable("bot was removed")


async def test_a_chat_the_platform_says_is_gone_becomes_inactive(
    service: StudyService, db: Database
) -> None:
    service.register_outbox("console", GoneOutbox())
    await service.run_daily(CHAT)
    async with db.read() as store:
        assert not (await store.chats.get_chat("console", CHAT.chat_id)).active
    await service.chat_seen(CHAT)
    async with db.read() as store:
        assert (await store.chats.get_chat("console", CHAT.chat_id)).active


async def test_paused_chats_get_no_daily_post(
    db: Database, bank: Bank, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(db, bank, grader, clock, outbox, paused="yes")
    await service.run_daily(CHAT)
    assert posted(outbox) == []


async def test_no_matching_questions_warns_the_admins(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    bank = Bank([make_question(1, "cnn", 1)])
    service = await new_service(db, bank, grader, clock, outbox, difficulty="3")
    await service.run_daily(CHAT)
    assert posted(outbox) == []
    [notice] = outbox.of_type(Notice)
    assert isinstance(notice, Notice) and notice.key == "daily.no_questions"
    assert notice.audience == "admins"


async def test_a_late_post_closes_before_the_next_days_post(
    db: Database, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    service = await new_service(db, bank, grader, clock, outbox, time="09:00", window="20")
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))  # an evening post
    [late] = posted(outbox)
    assert late.closes_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "not 16:00 the next day"
    clock.current = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    await service.run_daily(CHAT)
    [_, reveal, _] = [r for _, r in outbox.sent if isinstance(r, PostQuestion | Reveal)]
    assert isinstance(reveal, Reveal) and reveal.post_id == late.post_id, "revealed first"
    assert posted(outbox)[1].closes_at == datetime(2026, 3, 4, 5, 0, tzinfo=UTC), "full window"


async def test_a_paused_chats_manual_post_keeps_its_whole_window(
    db: Database, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    service = await new_service(db, bank, grader, clock, outbox, window="20", paused="yes")
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    [post] = posted(outbox)
    assert post.closes_at == clock.current + timedelta(hours=20)
