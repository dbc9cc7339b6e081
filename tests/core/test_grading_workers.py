"""Answers graded in a worker process: the same scores, points and stored rows as in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.commands import PostDaily, SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback
from bot.core.scoring import base_points
from bot.grading.pool import PooledGrader
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, CHAT, POOLING, ManualClock, RecordingOutbox, new_service

ANSWERS = (
    "Pooling down-samples the feature maps; max pooling keeps the largest value of each window,"
    " which adds translation invariance.",
    "Pooling is a layer in a network that changes things somehow.",
    "It reduces the spatial size of the feature maps.",
)
WAIT_S = 30.0


@pytest.fixture
async def workers() -> AsyncIterator[PooledGrader]:
    grader = PooledGrader(workers=1)
    grader.start()
    await asyncio.wait_for(grader.ready(), WAIT_S)
    yield grader
    await grader.close()


async def test_a_burst_graded_in_a_worker_is_scored_and_stored_as_in_process(
    db: Database, grader: Grader, workers: PooledGrader, clock: ManualClock
) -> None:
    assert workers.pooled
    service = await new_service(db, Bank([POOLING]), workers, clock, RecordingOutbox())
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    members = [UserRef("console", f"u-{index}", f"M{index}") for index in range(len(ANSWERS))]
    replies = await asyncio.wait_for(
        asyncio.gather(
            *(
                service.handle(SubmitAnswer(CHAT, member, text=text))
                for member, text in zip(members, ANSWERS, strict=True)
            )
        ),
        WAIT_S,
    )
    feedback = [reply for [reply] in replies if isinstance(reply, AnswerFeedback)]
    assert [item.score for item in feedback] == [
        grader.grade(POOLING, text).score for text in ANSWERS
    ]
    assert all(item.counted for item in feedback)
    assert [item.points for item in feedback] == [
        base_points(item.score, POOLING.difficulty) for item in feedback
    ]
    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        [post] = await store.posts.list_posts(chat.id)
        stored = sorted(answer.score for answer in await store.answers.list_scored_answers(post.id))
    assert stored == sorted(item.score for item in feedback)
