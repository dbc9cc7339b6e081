"""The other members' answers kept in memory for the copy check: the same peers as a fresh
read of the database would give, after answers, re-answers and /forgetme."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.core.commands import ForgetMe, PostDaily, SubmitAnswer
from bot.core.grading import Grade, Grader
from bot.core.peers import PeerCache
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback
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

CAROL = UserRef("console", "u-carol", "Carol")
DAVE = UserRef("console", "u-dave", "Dave")
GOOD = (
    "Pooling down-samples the feature maps to a smaller spatial size; max pooling keeps the "
    "largest value of each window, which adds translation invariance and saves computation."
)
OTHER = (
    "Max pooling takes the biggest activation in every window of the feature map, so the map "
    "shrinks, later layers need less compute, and small shifts of the input matter less."
)


class PeerRecordingGrader:
    """The real grader, noting the peers it was given for each answer."""

    def __init__(self, inner: Grader) -> None:
        self.inner = inner
        self.peers: list[set[str]] = []

    def grade(self, question: Question, answer: str, peers: Sequence[str] = ()) -> Grade:
        self.peers.append(set(peers))
        return self.inner.grade(question, answer, peers)


@pytest.fixture
def recording(grader: Grader) -> PeerRecordingGrader:
    return PeerRecordingGrader(grader)


@pytest.fixture
async def service(
    db: Database, recording: PeerRecordingGrader, clock: ManualClock, outbox: RecordingOutbox
) -> StudyService:
    study = await new_service(db, Bank([POOLING]), recording, clock, outbox)
    await study.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    return study


async def answer(service: StudyService, user: UserRef, text: str) -> AnswerFeedback:
    [reply] = await service.handle(SubmitAnswer(CHAT, user, text=text))
    assert isinstance(reply, AnswerFeedback) and reply.counted
    return reply


async def test_a_copy_of_a_kept_answer_is_still_flagged(
    service: StudyService, recording: PeerRecordingGrader
) -> None:
    first = await answer(service, ADMIN, GOOD)
    assert service.core.peers.get(first.post_id) is not None, "the post's answers are kept"
    copied = await answer(service, BOB, GOOD)
    assert "copy" in copied.flags
    # Bob's answer reached the kept texts without a read: Carol's copy of it is caught too.
    later = await answer(service, CAROL, OTHER)
    assert recording.peers == [set(), {GOOD}, {GOOD}]
    assert "copy" not in later.flags
    fresh = await service.core.db.run_read(lambda store: store.peer_answers(first.post_id))
    assert service.core.peers.get(first.post_id) == fresh and len(fresh) == 3


async def test_a_re_answer_replaces_the_kept_text(
    service: StudyService, recording: PeerRecordingGrader, db: Database
) -> None:
    await answer(service, ADMIN, GOOD)
    await answer(service, ADMIN, OTHER)
    carol = await answer(service, CAROL, GOOD)
    assert recording.peers[-1] == {OTHER}
    assert "copy" not in carol.flags
    dave = await answer(service, DAVE, OTHER)
    assert recording.peers[-1] == {OTHER, GOOD}
    assert "copy" in dave.flags
    fresh = await db.run_read(lambda store: store.peer_answers(carol.post_id))
    assert service.core.peers.get(carol.post_id) == fresh


async def test_after_forgetme_the_deleted_answer_is_no_longer_compared(
    service: StudyService, recording: PeerRecordingGrader
) -> None:
    bob = await answer(service, BOB, GOOD)
    await service.handle(ForgetMe(CHAT, BOB, confirmed=True))
    assert service.core.peers.get(bob.post_id) is None
    carol = await answer(service, CAROL, GOOD)
    assert recording.peers[-1] == set()
    assert "copy" not in carol.flags


def test_a_read_older_than_a_commit_or_a_clear_is_not_kept() -> None:
    cache = PeerCache()
    read_at = cache.stamp()
    cache.note(7, 1, "committed while the read was on its way")
    cache.install(7, {}, read_at)
    assert cache.get(7) is None
    read_at = cache.stamp()
    cache.clear()
    cache.install(8, {2: "deleted since"}, read_at)
    assert cache.get(8) is None
    cache.install(8, {}, cache.stamp())
    cache.note(8, 3, "new")
    assert cache.get(8) == {3: "new"}


def test_the_least_recently_used_post_goes() -> None:
    cache = PeerCache(max_posts=2)
    for post in (1, 2):
        cache.install(post, {post: "text"}, cache.stamp())
    assert cache.get(1) is not None
    cache.install(3, {}, cache.stamp())
    assert cache.get(2) is None and cache.get(1) is not None and cache.get(3) == {}


def test_posts_go_when_their_answers_grow_past_the_character_budget() -> None:
    cache = PeerCache(max_chars=10)
    cache.install(1, {1: "abcd"}, cache.stamp())
    cache.install(2, {1: "efgh"}, cache.stamp())
    cache.note(2, 2, "ij")
    assert cache.get(1) == {1: "abcd"}
    cache.note(1, 2, "klm")  # post 2 is now the least recently used
    assert cache.get(2) is None and cache.get(1) == {1: "abcd", 2: "klm"}
    cache.install(3, {1: "x" * 20}, cache.stamp())
    assert cache.get(1) is None and cache.get(3) == {1: "x" * 20}
