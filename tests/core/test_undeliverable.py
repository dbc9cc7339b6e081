"""A chat the bot may not post in (`Undeliverable`): the post does not count and is not retried
until someone acts; and the read-only look-up of the post an answer would go to."""

from __future__ import annotations

from datetime import timedelta

from bot.core.commands import PostDaily, SkipPost
from bot.core.planning import NoPlanner
from bot.core.ports import Undeliverable
from bot.core.refs import ChatRef
from bot.core.replies import Notice, PostQuestion, Reply, Reveal
from bot.core.service import StudyService
from storage import Database
from storage.records import PostRecord
from tests.core.conftest import ADMIN, CHAT, ManualClock, RecordingOutbox


class ClosedChannelOutbox(RecordingOutbox):
    """A real outbox for a chat whose channel refuses the bot until `closed` is cleared.

    Admin notices still reach the admins (another way), as the platforms' outboxes do."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        self.refused: list[Reply] = []

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        if self.closed and not isinstance(reply, Notice):
            self.refused.append(reply)
            raise Undeliverable("the bot may not post in the chat's channel")
        return await super().send(chat, reply)


class RecordingPlanner(NoPlanner):
    def __init__(self) -> None:
        self.retries: list[ChatRef] = []

    def retry_later(self, chat: ChatRef) -> None:
        self.retries.append(chat)


def setup(service: StudyService) -> tuple[ClosedChannelOutbox, RecordingPlanner]:
    outbox, planner = ClosedChannelOutbox(), RecordingPlanner()
    service.register_outbox("console", outbox)
    service.attach_planner(planner)
    return outbox, planner


async def stored_posts(db: Database) -> list[PostRecord]:
    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        return await store.posts.list_posts(chat.id)


async def post_daily(service: StudyService) -> Notice:
    [reply] = await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    assert isinstance(reply, Notice)
    return reply


async def test_a_refused_post_is_withdrawn_not_retried_and_posted_by_daily_after_the_fix(
    service: StudyService, db: Database
) -> None:
    outbox, planner = setup(service)
    outbox.closed = True
    await service.run_daily(CHAT)
    [refused] = outbox.refused
    assert isinstance(refused, PostQuestion)
    assert await stored_posts(db) == [], "nobody saw it: it does not count"
    assert planner.retries == []

    assert (await post_daily(service)).key == "daily.withdrawn"
    assert await stored_posts(db) == []

    outbox.closed = False
    assert (await post_daily(service)).key == "daily.posted"
    [post] = [r for r in outbox.of_type(PostQuestion) if isinstance(r, PostQuestion)]
    [stored] = await stored_posts(db)
    assert stored.id == post.post_id and stored.delivered_at is not None
    assert stored.question_id == refused.question_id, "the day's question, made again"
    assert (await post_daily(service)).key == "daily.already_posted"
    assert planner.retries == []


async def test_a_passing_failure_still_keeps_the_post_and_retries(
    service: StudyService, db: Database
) -> None:
    outbox, planner = setup(service)
    outbox.fail_next = 1
    assert (await post_daily(service)).key == "daily.delivery_pending"
    assert len(await stored_posts(db)) == 1
    assert planner.retries == [CHAT]


async def test_a_refused_reveal_waits_for_the_next_post_without_retries(
    service: StudyService, db: Database, clock: ManualClock
) -> None:
    outbox, planner = setup(service)
    await service.run_daily(CHAT)
    outbox.closed = True
    clock.current += timedelta(hours=13)  # the 12-hour window has closed
    await service.run_reveal(CHAT)
    assert [type(r) for r in outbox.refused] == [Reveal]
    [first] = await stored_posts(db)
    assert first.revealed_at is not None and first.reveal_delivered_at is None
    assert planner.retries == []

    outbox.closed = False
    clock.current += timedelta(hours=11)  # the next day's post time
    await service.run_daily(CHAT)
    kinds = [type(reply) for _, reply in outbox.sent if not isinstance(reply, Notice)]
    assert kinds == [PostQuestion, Reveal, PostQuestion], "the reveal first, then the post"
    first, second = await stored_posts(db)
    assert first.reveal_delivered_at is not None and second.delivered_at is not None


async def test_the_answer_target_is_read_only_and_follows_the_post(
    service: StudyService, db: Database, clock: ManualClock
) -> None:
    unknown = ChatRef("console", "never-seen")
    before = await db.dump()
    assert await service.answer_target(unknown) is None
    assert await service.answer_target(CHAT) is None, "nothing posted yet"
    assert await db.dump() == before

    await service.run_daily(CHAT)
    [post] = await stored_posts(db)
    target = await service.answer_target(CHAT)
    assert target is not None
    assert (target.post_id, target.question_id, target.counted) == (
        post.id,
        post.question_id,
        True,
    )
    clock.current += timedelta(hours=12)
    closed = await service.answer_target(CHAT)
    assert closed is not None and closed.post_id == post.id and not closed.counted


async def test_after_the_only_post_is_skipped_there_is_no_answer_target(
    service: StudyService,
) -> None:
    await service.run_daily(CHAT)
    await service.handle(SkipPost(CHAT, ADMIN, is_admin=True))
    assert await service.answer_target(CHAT) is None
