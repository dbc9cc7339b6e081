"""A hundred members answering the same post at the same moment."""

from __future__ import annotations

import asyncio

from bot.core.commands import PostDaily, ShowLeaderboard, SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback, Leaderboard
from bot.core.scoring import base_points
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, CHAT, POOLING, ManualClock, RecordingOutbox, new_service

WORDS = ("down-sampling", "max pooling", "translation invariance", "fewer parameters", "windows")


def answer_for(number: int) -> str:
    """Distinct answers of varying quality, so scores differ and nobody copies anybody."""
    covered = ", ".join(WORDS[: number % len(WORDS)]) or "nothing much"
    return f"Answer {number}: pooling layers mean {covered}; my note number {number * 7919}."


async def test_a_hundred_simultaneous_answers_are_all_stored_and_ranked(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(db, Bank([POOLING]), grader, clock, outbox)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    members = [UserRef("console", f"m{n:03d}", f"Member {n:03d}") for n in range(100)]
    replies = await asyncio.gather(
        *(
            service.handle(SubmitAnswer(CHAT, member, text=answer_for(n)))
            for n, member in enumerate(members)
        )
    )
    feedback = {r.user.user_id: r for [r] in replies if isinstance(r, AnswerFeedback)}
    assert len(feedback) == 100 and all(f.counted for f in feedback.values())
    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        [post] = await store.posts.list_posts(chat.id)
        stored = await store.answers.list_scored_answers(post.id)
        totals = await store.ledger.list_totals(chat.id, None)
    assert len(stored) == 100
    by_user = {t.user_id: t for t in totals}
    for total in totals:
        assert total.points == base_points(feedback[total.user_id].score, POOLING.difficulty)
    assert sorted(a.score for a in stored) == sorted(f.score for f in feedback.values())
    [board] = await service.handle(ShowLeaderboard(CHAT, members[0], window="all"))
    assert isinstance(board, Leaderboard)
    expected_top = max(by_user.values(), key=lambda t: t.points).points
    assert board.rows[0].points == expected_top and board.rows[0].rank == 1
    assert [r.points for r in board.rows] == sorted((r.points for r in board.rows), reverse=True)
    assert len({f.score for f in feedback.values()}) > 1
    # The board from the feedback each member got: points, ties sharing a rank, top ten.
    expected = sorted(
        ((base_points(f.score, POOLING.difficulty), f.user.name) for f in feedback.values()),
        key=lambda pair: (-pair[0], pair[1]),
    )
    ranks = [1 + sum(1 for other, _ in expected if other > points) for points, _ in expected]
    want = [(rank, name, points) for rank, (points, name) in zip(ranks, expected, strict=True)]
    assert [(r.rank, r.name, r.points) for r in board.rows] == [w for w in want if w[0] <= 10]
    mine = next(w for w in want if w[1] == members[0].name)
    if mine[0] > 10:
        assert board.me is not None and (board.me.rank, board.me.points) == (mine[0], mine[2])
