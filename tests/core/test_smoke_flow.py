"""The daily cycle end to end through the service: post, answers, reveal, standings."""

from __future__ import annotations

from datetime import timedelta

from bot.core.commands import PostDaily, RevealPost, ShowLeaderboard, ShowStats, SubmitAnswer
from bot.core.replies import AnswerFeedback, Leaderboard, PostQuestion, Reveal, Stats
from bot.core.service import StudyService
from content.bank import Bank
from tests.core.conftest import ADMIN, BOB, CHAT, ManualClock, RecordingOutbox


async def test_daily_cycle(
    service: StudyService, outbox: RecordingOutbox, bank: Bank, clock: ManualClock
) -> None:
    await service.handle(PostDaily(CHAT, ADMIN, is_admin=True))
    [post] = outbox.of_type(PostQuestion)
    assert isinstance(post, PostQuestion)
    question = bank.find(post.question_id)
    assert question is not None
    [good] = await service.handle(SubmitAnswer(CHAT, ADMIN, text=question.reference))
    [poor] = await service.handle(SubmitAnswer(CHAT, BOB, text="no idea, maybe something"))
    assert isinstance(good, AnswerFeedback) and isinstance(poor, AnswerFeedback)
    assert good.score > poor.score
    clock.current += timedelta(minutes=5)
    await service.handle(RevealPost(CHAT, ADMIN, is_admin=True))
    [reveal] = outbox.of_type(Reveal)
    assert isinstance(reveal, Reveal) and reveal.answer_count == 2
    [board] = await service.handle(ShowLeaderboard(CHAT, BOB))
    assert isinstance(board, Leaderboard)
    assert board.rows[0].name == "Ada"
    [stats] = await service.handle(ShowStats(CHAT, ADMIN))
    assert isinstance(stats, Stats) and stats.answered == 1
