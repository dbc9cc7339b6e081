"""Scheduling: jobs rebuilt from the database, catch-up after downtime, restarts and DST."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.core.chatsettings import ChatSettings
from bot.core.commands import ChangeSettings, PostDaily, SubmitAnswer
from bot.core.grading import Grader
from bot.core.replies import PostQuestion, Reveal
from bot.core.scheduling import (
    DAILY_MISFIRE_GRACE_S,
    StudyScheduler,
    daily_trigger,
    job_id,
)
from bot.core.service import StudyService
from content.bank import Bank
from storage import Database
from tests.core.conftest import ADMIN, BOB, CHAT, ManualClock, RecordingOutbox, new_service


def fire_times(settings: ChatSettings, start: datetime, end: datetime) -> Iterator[datetime]:
    trigger = daily_trigger(settings)
    previous: datetime | None = None
    now = start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire > end:
            return
        yield fire
        # Step in UTC: wall-clock arithmetic would go back an hour on the fall-back night.
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_posts_stay_at_local_time_across_both_dst_changes(
    zone: str, spring: date, autumn: date
) -> None:
    settings = ChatSettings(post_time="09:00", timezone=zone)
    tz = ZoneInfo(zone)
    for change in (spring, autumn):
        start = datetime.combine(change - timedelta(days=3), datetime.min.time(), tz)
        fires = list(fire_times(settings, start, start + timedelta(days=7)))
        local = [fire.astimezone(tz) for fire in fires]
        assert [(t.hour, t.minute) for t in local] == [(9, 0)] * 7
        assert [t.date() for t in local] == [start.date() + timedelta(days=n) for n in range(7)]
        offsets = {t.utcoffset() for t in local}
        assert len(offsets) == 2, "the UTC offset changes during the week"
        on_the_day = [t for t in local if t.date() == change]
        assert len(on_the_day) == 1


async def test_a_fall_back_double_fire_posts_once(
    db: Database, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> None:
    settings = ChatSettings(post_time="02:30", timezone="Europe/Berlin")
    day = datetime(2026, 10, 25, tzinfo=UTC)
    fires = [f for f in fire_times(settings, day, day + timedelta(days=1)) if f.day == 25]
    # 02:30 happens twice that night (00:30 and 01:30 UTC) and the trigger fires at both.
    assert [f.astimezone(UTC).hour for f in fires] == [0, 1]
    clock = ManualClock(fires[0])
    service = await new_service(
        db, bank, grader, clock, outbox, time="02:30", timezone="Europe/Berlin"
    )
    for fire in fires:
        clock.current = fire
        await service.run_daily(CHAT)
    assert len(outbox.of_type(PostQuestion)) == 1


async def open_stack(
    path: Path, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> tuple[Database, StudyService, StudyScheduler]:
    db = await Database.open(path)
    service = StudyService(db, bank, grader)
    service.register_outbox("console", outbox)
    scheduler = StudyScheduler(service)
    await scheduler.start()
    return db, service, scheduler


async def close_stack(db: Database, scheduler: StudyScheduler) -> None:
    scheduler.shutdown()
    await db.close()


async def test_restart_mid_day_keeps_everything_and_still_reveals(
    tmp_path: Path, bank: Bank, grader: Grader
) -> None:
    outbox = RecordingOutbox()
    path = tmp_path / "restart.db"
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        await service.chat_seen(CHAT)
        await service.handle(
            ChangeSettings(CHAT, ADMIN, True, changes=(("time", "09:00"), ("window", "12")))
        )
        assert job_id("daily", CHAT) in scheduler.job_ids()
        await close_stack(db, scheduler)

        traveller.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # post time passed while down
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        [post] = outbox.of_type(PostQuestion)
        assert isinstance(post, PostQuestion)
        question = bank.find(post.question_id)
        assert question is not None
        await service.handle(SubmitAnswer(CHAT, BOB, text=question.reference))
        assert scheduler.next_run(job_id("reveal", CHAT)) == post.closes_at
        await close_stack(db, scheduler)

        traveller.move_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # a restart in the window
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        assert len(outbox.of_type(PostQuestion)) == 1, "no second post after a restart"
        assert outbox.of_type(Reveal) == []
        assert scheduler.next_run(job_id("reveal", CHAT)) == post.closes_at, "reveal replanned"
        async with db.read() as store:
            chat = await store.chats.get_chat(CHAT.platform, CHAT.chat_id)
            [stored] = await store.posts.list_posts(chat.id)
            bob = await store.members.get_member(BOB.platform, BOB.user_id)
            assert await store.answers.find_answer(stored.id, bob.id) is not None, "answer kept"
        await close_stack(db, scheduler)

        traveller.move_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))  # the reveal was due while down
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        [reveal] = outbox.of_type(Reveal)
        assert isinstance(reveal, Reveal)
        assert reveal.answer_count == 1 and reveal.best[0].name == BOB.name
        assert len(outbox.of_type(PostQuestion)) == 1
        await close_stack(db, scheduler)


async def test_jobs_have_fixed_ids_grace_and_none_for_paused_chats(
    db: Database, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 5, 0, tzinfo=UTC), tick=False):
        service = await new_service(db, bank, grader, ManualClock(datetime.now(UTC)), outbox)
        other = CHAT.__class__("console", "room-2")
        await service.chat_seen(other)
        await service.handle(ChangeSettings(other, ADMIN, True, changes=(("paused", "yes"),)))
        scheduler = StudyScheduler(service)
        await scheduler.start()
        try:
            assert scheduler.job_ids() == {job_id("daily", CHAT)}
            job = scheduler.scheduler.get_job(job_id("daily", CHAT))
            assert job.misfire_grace_time == DAILY_MISFIRE_GRACE_S and job.coalesce
            assert job.next_run_time == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
            await service.handle(
                ChangeSettings(
                    CHAT, ADMIN, True, changes=(("time", "10:15"), ("timezone", "Asia/Tokyo"))
                )
            )
            moved = scheduler.next_run(job_id("daily", CHAT))
            assert moved is not None
            assert moved.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "10:15"
            await service.handle(ChangeSettings(CHAT, ADMIN, True, changes=(("paused", "yes"),)))
            assert scheduler.job_ids() == set()
        finally:
            scheduler.shutdown()


async def test_start_up_does_not_post_outside_the_window(
    db: Database, bank: Bank, grader: Grader, outbox: RecordingOutbox
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    service = await new_service(db, bank, grader, clock, outbox)  # 09:00 UTC, 12 h window
    await service.start_up()
    assert outbox.of_type(PostQuestion) == []
    clock.current = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
    await service.start_up()
    assert len(outbox.of_type(PostQuestion)) == 1


async def test_the_reveal_job_rebuilt_after_a_restart_fires_on_time(
    tmp_path: Path, bank: Bank, grader: Grader
) -> None:
    outbox = RecordingOutbox()
    path = tmp_path / "reveal.db"
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC), tick=False) as traveller:
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        await service.chat_seen(CHAT)
        await service.handle(
            ChangeSettings(CHAT, ADMIN, True, changes=(("time", "09:00"), ("window", "3")))
        )
        await service.handle(PostDaily(CHAT, ADMIN, True))
        [post] = outbox.of_type(PostQuestion)
        assert isinstance(post, PostQuestion)
        await service.handle(SubmitAnswer(CHAT, BOB, text="pooling layers shrink feature maps"))
        await close_stack(db, scheduler)

        traveller.move_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
        db, service, scheduler = await open_stack(path, bank, grader, outbox)
        try:
            assert outbox.of_type(Reveal) == []
            traveller.move_to(post.closes_at + timedelta(seconds=1))
            scheduler.scheduler.wakeup()
            for _ in range(500):
                if outbox.of_type(Reveal):
                    break
                await asyncio.sleep(0.01)
            [reveal] = outbox.of_type(Reveal)
            assert isinstance(reveal, Reveal) and reveal.post_id == post.post_id
            assert reveal.answer_count == 1
        finally:
            await close_stack(db, scheduler)
