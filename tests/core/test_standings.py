"""Leaderboards over weeks and months with a controlled clock, ties, and member stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.commands import ShowLeaderboard, ShowStats, SubmitAnswer
from bot.core.grading import Grader
from bot.core.refs import UserRef
from bot.core.replies import Leaderboard, PostQuestion, Stats
from bot.core.service import StudyService
from bot.core.standings import ranked, window_start
from content.bank import Bank
from storage import Database
from storage.records import LedgerTotal
from tests.core.conftest import ADMIN, CHAT, ManualClock, RecordingOutbox, make_question
from tests.core.conftest import new_service as make_service


def person(number: int) -> UserRef:
    return UserRef("console", f"u{number:03d}", f"Member {number:03d}")


def reference(service: StudyService, question_id: str) -> str:
    question = service.core.bank.find(question_id)
    assert question is not None
    return question.reference


async def post_and_answer(
    service: StudyService, outbox: RecordingOutbox, answers: dict[UserRef, str]
) -> None:
    await service.run_daily(CHAT)
    _, post = outbox.sent[-1]
    question_id = post.question_id  # type: ignore[attr-defined]
    for user, kind in answers.items():
        text = reference(service, question_id) if kind == "good" else "no idea really, sorry"
        await service.handle(SubmitAnswer(CHAT, user, text=text))


async def board(service: StudyService, user: UserRef, window: str) -> Leaderboard:
    [reply] = await service.handle(ShowLeaderboard(CHAT, user, window=window))  # type: ignore[arg-type]
    assert isinstance(reply, Leaderboard)
    return reply


async def test_week_month_and_all_time_windows(
    db: Database, grader: Grader, outbox: RecordingOutbox
) -> None:
    bank = Bank([make_question(n, "cnn", 1) for n in range(40)])
    clock = ManualClock(datetime(2026, 3, 27, 10, 0, tzinfo=UTC))  # Friday, March
    service = await make_service(db, bank, grader, clock, outbox, timezone="Europe/Berlin")
    alice, bob = person(1), person(2)
    await post_and_answer(service, outbox, {alice: "good"})  # Fri 27 March
    clock.current = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)  # Tue 31 March, next week
    await post_and_answer(service, outbox, {bob: "good"})
    clock.current = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)  # Wed 1 April: same week, new month
    week = await board(service, alice, "week")
    month = await board(service, alice, "month")
    ever = await board(service, alice, "all")
    assert [r.name for r in week.rows] == [bob.name]
    assert week.me is not None and week.me.points == 0 and week.me.rank == 2
    assert month.rows == ()
    assert {r.name for r in ever.rows} == {alice.name, bob.name}


def test_weeks_start_monday_in_the_chat_timezone() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    sunday_late_utc = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # already Monday 00:30 in Berlin
    start = window_start("week", sunday_late_utc, berlin)
    assert start is not None
    assert start.astimezone(berlin).isoformat() == "2026-03-30T00:00:00+02:00"
    assert window_start("all", sunday_late_utc, berlin) is None


async def seed_points(service: StudyService, points: list[int]) -> list[UserRef]:
    """Members with exactly these points in the chat (one counted answer each, stored as is)."""
    members = [person(n) for n in range(len(points))]
    db = service.core.db
    now = service.core.now()
    async with db.write() as store:
        chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
        for number, (member, value) in enumerate(zip(members, points, strict=True)):
            record = await store.members.add_member("console", member.user_id, member.name, now)
            post = await store.posts.add_post(
                chat.id, f"q{number}", "extra", now.date(), now, now + timedelta(hours=1)
            )
            assert post is not None
            await store.answers.save_answer(
                post.id, record.id, "answer", 50, "partial", (), (), (), now
            )
            await store.ledger.set_points(chat.id, record.id, post.id, value, 0, now)
    return members


async def test_ties_share_a_rank_and_my_row_shows_outside_the_top_ten(
    db: Database, grader: Grader, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    service = await make_service(db, Bank([make_question(1)]), grader, clock, outbox)
    points = [500, 400, 400, 300, 250, 200, 150, 150, 120, 110, 100, 90, 5]
    members = await seed_points(service, points)
    result = await board(service, members[-1], "week")
    assert [r.rank for r in result.rows] == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]
    assert [r.points for r in result.rows] == points[:10]
    assert result.me is not None
    assert (result.me.rank, result.me.points, result.me.name) == (13, 5, members[-1].name)
    top = await board(service, members[1], "week")
    assert top.me is None, "a member in the top rows gets no extra row"


async def test_a_member_without_points_sees_where_they_stand(
    db: Database, grader: Grader, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    service = await make_service(db, Bank([make_question(1)]), grader, clock, outbox)
    await seed_points(service, [30, 20])
    newcomer = UserRef("console", "new", "Newcomer")
    result = await board(service, newcomer, "all")
    assert result.me is not None and (result.me.rank, result.me.points) == (3, 0)


def test_competition_ranking_skips_after_a_tie() -> None:
    totals = [
        LedgerTotal(n, f"u{n}", f"M{n}", points, 1)
        for n, points in enumerate([300, 200, 200, 100, 100, 100, 50])
    ]
    assert [row.rank for row in ranked(totals)] == [1, 2, 2, 4, 4, 4, 7]


async def test_stats_streaks_topics_and_rank(
    db: Database, grader: Grader, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    bank = Bank(
        [make_question(n, "cnn", 1) for n in range(3)] + [make_question(9, "rnn-and-sequences", 1)]
    )
    service = await make_service(db, bank, grader, clock, outbox)
    days = []
    for day in range(4):
        await service.run_daily(CHAT)
        # A small bank also sends a low-questions notice; the post is the last PostQuestion.
        post = next(r for _, r in reversed(outbox.sent) if isinstance(r, PostQuestion))
        question_id = post.question_id
        days.append(question_id)
        if day != 1:  # misses day 2: streaks 1, then 2 (days 3-4)
            good = bank.find(question_id)
            assert good is not None
            text = good.reference if good.topic == "cnn" else "no idea really, sorry"
            await service.handle(SubmitAnswer(CHAT, ADMIN, text=text))
        clock.current += timedelta(days=1)
    clock.current -= timedelta(days=1)
    [stats] = await service.handle(ShowStats(CHAT, ADMIN))
    assert isinstance(stats, Stats)
    assert stats.answered == 3
    assert stats.current_streak == 2 and stats.longest_streak == 2
    assert stats.rank == 1 and stats.points > 0
    assert 0 < stats.average_score <= 100
    topics = {bank.find(q).topic for q in days if bank.find(q)}  # type: ignore[union-attr]
    assert set(stats.best_topics) | set(stats.weakest_topics) <= topics
    clock.current += timedelta(days=3)
    [later] = await service.handle(ShowStats(CHAT, ADMIN))
    assert isinstance(later, Stats) and later.current_streak == 0 and later.longest_streak == 2


async def test_the_global_board_adds_up_every_chat(
    db: Database, grader: Grader, outbox: RecordingOutbox, clock: ManualClock
) -> None:
    service = await make_service(db, Bank([make_question(1)]), grader, clock, outbox)
    members = await seed_points(service, [30, 20])
    other = CHAT.__class__("console", "room-2")
    await service.chat_seen(other)
    now = clock.now()
    async with db.write() as store:
        chat = await store.chats.get_chat("console", "room-2")
        member = await store.members.get_member("console", members[1].user_id)
        post = await store.posts.add_post(chat.id, "q9", "extra", now.date(), now, now)
        assert post is not None
        await store.ledger.set_points(chat.id, member.id, post.id, 25, 0, now)
    [local] = await service.handle(ShowLeaderboard(CHAT, members[0], window="all"))
    [every] = await service.handle(ShowLeaderboard(CHAT, members[0], window="all", scope="global"))
    assert isinstance(local, Leaderboard) and isinstance(every, Leaderboard)
    assert [(r.name, r.points) for r in local.rows] == [
        (members[0].name, 30),
        (members[1].name, 20),
    ]
    assert [(r.name, r.points) for r in every.rows] == [
        (members[1].name, 45),
        (members[0].name, 30),
    ]
