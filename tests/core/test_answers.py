"""Answers: graded, stored once per member (the last counts), points from the stored score."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.core.commands import PostDaily, RevealPost, SubmitAnswer
from bot.core.errors import BadInput, NothingOpen
from bot.core.grading import Grade, Grader
from bot.core.messages import MESSAGES, text
from bot.core.replies import AnswerFeedback, PostQuestion, Reply
from bot.core.scoring import base_points
from bot.core.service import StudyService
from content.bank import Bank
from content.model import Question
from storage import Database
from tests.core.conftest import (
    ADMIN,
    BOB,
    CHAT,
    POOLING,
    ManualClock,
    RecordingOutbox,
    new_service,
)

GOOD = (
    "Pooling down-samples the feature maps to a smaller spatial size; max pooling keeps the "
    "largest value of each window, which adds translation invariance and saves computation."
)
POOR = "Pooling is a layer in a network that changes things somehow."


class PeerRecordingGrader:
    """The real grader, noting the peers it was given for each answer."""

    def __init__(self, inner: Grader) -> None:
        self.inner = inner
        self.peers: list[tuple[str, ...]] = []

    def grade(self, question: Question, answer: str, peers: Sequence[str] = ()) -> Grade:
        self.peers.append(tuple(peers))
        return self.inner.grade(question, answer, peers)


@pytest.fixture
async def pooling_service(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> StudyService:
    service = await new_service(db, Bank([POOLING]), grader, clock, outbox)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    return service


def feedback(replies: list[Reply]) -> AnswerFeedback:
    [reply] = replies
    assert isinstance(reply, AnswerFeedback)
    return reply


async def stored_scores(db: Database) -> dict[int, tuple[int, int]]:
    """member id → (stored score, ledger points + bonus)."""
    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        [post] = await store.posts.list_posts(chat.id)
        totals = {t.member_id: t.points for t in await store.ledger.list_totals(chat.id, None)}
        answers = await store.answers.list_scored_answers(post.id)
    return {a.member_id: (a.score, totals[a.member_id]) for a in answers}


async def test_a_good_answer_outscores_a_poor_one_and_points_follow_the_formula(
    pooling_service: StudyService, db: Database
) -> None:
    good = feedback(await pooling_service.handle(SubmitAnswer(CHAT, ADMIN, text=GOOD)))
    poor = feedback(await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=POOR)))
    assert good.score > poor.score
    assert good.counted and not good.replaced
    assert "down-sample" in good.covered
    stored = await stored_scores(db)
    assert sorted(score for score, _ in stored.values()) == sorted([good.score, poor.score])
    for score, points in stored.values():
        assert points == base_points(score, POOLING.difficulty)
    assert good.points == base_points(good.score, POOLING.difficulty)


async def test_answering_again_replaces_the_earlier_answer(
    pooling_service: StudyService, db: Database
) -> None:
    first = feedback(await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=POOR)))
    second = feedback(await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=GOOD)))
    assert not first.replaced and second.replaced
    [(score, points)] = (await stored_scores(db)).values()
    assert score == second.score
    assert points == base_points(second.score, POOLING.difficulty)


async def test_after_the_window_answers_are_practice_only(
    pooling_service: StudyService, db: Database, clock: ManualClock
) -> None:
    clock.current += timedelta(hours=13)
    before = await db.dump()
    late = feedback(await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=GOOD)))
    assert not late.counted and late.points == 0 and late.score > 0
    assert await db.dump() == before


async def test_after_the_reveal_answers_are_practice_only(pooling_service: StudyService) -> None:
    await pooling_service.handle(RevealPost(CHAT, ADMIN, is_admin=True))
    late = feedback(await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=GOOD)))
    assert not late.counted and late.points == 0


@pytest.mark.parametrize("answer", ["", "   \n\t ", "x" * 4001])
async def test_empty_or_oversized_answers_change_nothing(
    pooling_service: StudyService, db: Database, answer: str
) -> None:
    before = await db.dump()
    with pytest.raises(BadInput) as caught:
        await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=answer))
    assert caught.value.key in MESSAGES
    if answer.strip():
        assert "4000" in text(caught.value.key, **caught.value.params)
    assert await db.dump() == before


async def test_an_answer_without_a_post_is_nothing_open(
    service: StudyService, db: Database
) -> None:
    before = await db.dump()
    with pytest.raises(NothingOpen) as caught:
        await service.handle(SubmitAnswer(CHAT, BOB, text=GOOD))
    assert caught.value.key in MESSAGES
    assert await db.dump() == before


async def test_other_members_answers_are_passed_as_peers(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    recording = PeerRecordingGrader(grader)
    service = await new_service(db, Bank([POOLING]), recording, clock, outbox)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    await service.handle(SubmitAnswer(CHAT, ADMIN, text=GOOD))
    copied = feedback(await service.handle(SubmitAnswer(CHAT, BOB, text=GOOD)))
    assert recording.peers == [(), (GOOD,)]
    assert copied.flags, "a verbatim copy of a peer's answer is flagged"


async def test_a_reply_to_the_post_message_answers_that_post(
    pooling_service: StudyService, outbox: RecordingOutbox, bank: Bank
) -> None:
    [post] = outbox.of_type(PostQuestion)
    assert isinstance(post, PostQuestion)
    message_id = f"m{len(outbox.sent)}"
    answer = feedback(
        await pooling_service.handle(SubmitAnswer(CHAT, BOB, text=GOOD, reply_to=message_id))
    )
    assert answer.post_id == post.post_id
