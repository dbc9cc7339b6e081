"""The reveal: model answer, key points, best answers; once only. Skip and forget-me too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.commands import ForgetMe, PostDaily, RevealPost, ShowStats, SkipPost, SubmitAnswer
from bot.core.errors import NotAllowed, NothingOpen
from bot.core.grading import Grader
from bot.core.replies import Notice, Reveal, Stats
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, BOB, CHAT, POOLING, ManualClock, RecordingOutbox, new_service
from tests.core.test_answers import GOOD, POOR

CARL = BOB.__class__("console", "u-carl", "Carl")


@pytest.fixture
async def answered(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> StudyService:
    service = await new_service(db, Bank([POOLING]), grader, clock, outbox)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    await service.handle(SubmitAnswer(CHAT, ADMIN, text=GOOD))
    await service.handle(SubmitAnswer(CHAT, BOB, text=POOR))
    return service


def reveals(outbox: RecordingOutbox) -> list[Reveal]:
    return [r for r in outbox.of_type(Reveal) if isinstance(r, Reveal)]


async def test_the_window_closing_reveals_once(
    answered: StudyService, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    await answered.run_reveal(CHAT)
    assert reveals(outbox) == [], "nothing is revealed before the window closes"
    clock.current += timedelta(hours=12, seconds=1)
    await answered.run_reveal(CHAT)
    await answered.run_reveal(CHAT)
    [reveal] = reveals(outbox)
    assert reveal.reference == POOLING.reference
    assert reveal.key_points == tuple(p.text for p in POOLING.key_points)
    assert reveal.answer_count == 2
    assert [entry.name for entry in reveal.best] == ["Ada", "Bob"]
    assert reveal.best[0].score > reveal.best[1].score


async def test_an_admin_reveals_now_and_a_second_reveal_does_nothing(
    answered: StudyService, outbox: RecordingOutbox, db: Database
) -> None:
    with pytest.raises(NotAllowed):
        await answered.handle(RevealPost(CHAT, BOB))
    [notice] = await answered.handle(RevealPost(CHAT, ADMIN, is_admin=True))
    assert isinstance(notice, Notice) and notice.audience == "user"
    before = await db.dump()
    with pytest.raises(NothingOpen):
        await answered.handle(RevealPost(CHAT, ADMIN, is_admin=True))
    await answered.run_reveal(CHAT)
    assert len(reveals(outbox)) == 1
    assert await db.dump() == before


async def test_skip_withdraws_the_post_without_scoring(
    answered: StudyService, outbox: RecordingOutbox
) -> None:
    await answered.handle(SkipPost(CHAT, ADMIN, is_admin=True))
    [stats] = await answered.handle(ShowStats(CHAT, ADMIN))
    assert isinstance(stats, Stats) and stats.answered == 0 and stats.points == 0
    with pytest.raises(NothingOpen):
        await answered.handle(SubmitAnswer(CHAT, CARL, text=GOOD))
    with pytest.raises(NothingOpen):
        await answered.handle(RevealPost(CHAT, ADMIN, is_admin=True))
    assert reveals(outbox) == []


async def test_forget_me_asks_first_then_deletes(answered: StudyService, db: Database) -> None:
    before = await db.dump()
    [ask] = await answered.handle(ForgetMe(CHAT, BOB))
    assert isinstance(ask, Notice) and ask.key == "forgetme.confirm"
    assert await db.dump() == before
    [done] = await answered.handle(ForgetMe(CHAT, BOB, confirmed=True))
    assert isinstance(done, Notice) and done.key == "forgetme.done"
    async with db.read() as store:
        assert await store.members.find_member("console", BOB.user_id) is None
        chat = await store.chats.get_chat("console", CHAT.chat_id)
        [post] = await store.posts.list_posts(chat.id)
        assert [a.name for a in await store.answers.list_scored_answers(post.id)] == ["Ada"]
