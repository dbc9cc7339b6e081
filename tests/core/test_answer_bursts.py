"""Answers that arrive together are committed together (group commit) and stay exact: one
answer per member per post (the last one counts), streaks, points and leaderboard totals."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import timedelta

from bot.core.commands import PostDaily, SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.core.replies import AnswerFeedback
from bot.core.scoring import base_points
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, CHAT, POOLING, ManualClock, RecordingOutbox, new_service

ROUNDS = 3


def answer(member: int, attempt: int) -> str:
    words = ("down-sampling", "max pooling", "translation invariance")
    return (
        f"Attempt {attempt} of member {member}: pooling means {', '.join(words[: attempt + 1])};"
        f" note {member * 7919 + attempt}."
    )


def totals_match_the_ledger(path: str) -> list[tuple[object, ...]]:
    """Rows where the trigger-kept totals differ from the ledger summed afresh (none wanted)."""
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(
            "SELECT l.chat_id, l.member_id, SUM(l.points + l.bonus), COUNT(*), t.points, t.answers"
            " FROM points_ledger l LEFT JOIN ledger_totals t"
            " ON t.chat_id = l.chat_id AND t.member_id = l.member_id"
            " GROUP BY l.chat_id, l.member_id"
            " HAVING t.points IS NOT SUM(l.points + l.bonus) OR t.answers IS NOT COUNT(*)"
            " UNION ALL"
            " SELECT NULL, l.member_id, SUM(l.points + l.bonus), COUNT(*), m.points, m.answers"
            " FROM points_ledger l LEFT JOIN member_totals m ON m.member_id = l.member_id"
            " GROUP BY l.member_id"
            " HAVING m.points IS NOT SUM(l.points + l.bonus) OR m.answers IS NOT COUNT(*)"
        ).fetchall()


async def test_a_burst_with_repeated_answers_keeps_the_last_and_exact_totals(
    db: Database, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> None:
    service = await new_service(db, Bank([POOLING]), grader, clock, outbox)
    members = [UserRef("console", f"m{n:02d}", f"Member {n:02d}") for n in range(30)]
    # Yesterday's post answered by the even members, so today's answers carry streak bonuses.
    today = clock.current
    clock.current = today - timedelta(days=1)
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    await asyncio.gather(
        *(
            service.handle(SubmitAnswer(CHAT, m, text=answer(n, 0)))
            for n, m in enumerate(members)
            if n % 2 == 0
        )
    )
    clock.current = today
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    burst = [
        SubmitAnswer(CHAT, m, text=answer(n, attempt))
        for attempt in range(ROUNDS)
        for n, m in enumerate(members)
    ]
    replies = await asyncio.gather(*(service.handle(command) for command in burst))
    feedback = [reply for [reply] in replies if isinstance(reply, AnswerFeedback)]
    assert len(feedback) == len(burst) and all(f.counted for f in feedback)
    last = {f.user.user_id: f for f in feedback}  # in submission order: the last one wins
    assert all(last[m.user_id].replaced for m in members)

    async with db.read() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        post = await store.posts.find_latest_post(chat.id)
        assert post is not None and post.local_date == today.date()
        for n, member in enumerate(members):
            record = await store.members.get_member("console", member.user_id)
            stored = await store.answers.find_answer(post.id, record.id)
            assert stored is not None and stored.text == answer(n, ROUNDS - 1)
            assert stored.score == last[member.user_id].score
            streak = await store.streaks.find_streak(chat.id, record.id)
            assert streak is not None and streak.current == (2 if n % 2 == 0 else 1)
            bonus = 10 if n % 2 == 0 else 0
            expected = base_points(stored.score, POOLING.difficulty) + bonus
            assert last[member.user_id].points == expected
        totals = {t.user_id: t for t in await store.ledger.list_totals(chat.id, None)}
    for n, member in enumerate(members):
        total = totals[member.user_id]
        assert total.answers == (2 if n % 2 == 0 else 1)
    assert totals_match_the_ledger(str(db.path)) == []
