"""The daily trigger shared by many chats answers exactly as a plain cron trigger would, however
the moments it is asked about move (forwards, backwards, across a DST change)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.chatsettings import ChatSettings
from bot.core.scheduling import SharedCronTrigger, daily_trigger

BERLIN = ZoneInfo("Europe/Berlin")


def test_first_fire_times_match_a_plain_cron_trigger() -> None:
    shared = SharedCronTrigger(hour=2, minute=30, timezone=BERLIN)
    plain = CronTrigger(hour=2, minute=30, timezone=BERLIN)
    moments = []
    # Around the spring (29 March) and autumn (25 October) changes, forwards then back.
    for start in (
        datetime(2026, 3, 27, 12, 0, tzinfo=UTC),
        datetime(2026, 10, 23, 12, 0, tzinfo=UTC),
    ):
        moments += [start + timedelta(minutes=13 * step) for step in range(600)]
        moments += [start - timedelta(hours=5), start + timedelta(days=3, seconds=1)]
    for now in moments:
        assert shared.get_next_fire_time(None, now) == plain.get_next_fire_time(None, now), now
    fired = plain.get_next_fire_time(None, moments[0])
    later = moments[0] + timedelta(days=2)
    assert shared.get_next_fire_time(fired, later) == plain.get_next_fire_time(fired, later)


def test_chats_with_the_same_time_share_one_trigger() -> None:
    nine = ChatSettings(post_time="09:00", timezone="Europe/Berlin")
    assert daily_trigger(nine) is daily_trigger(
        ChatSettings(post_time="09:00", timezone="Europe/Berlin")
    )
    assert daily_trigger(nine) is not daily_trigger(ChatSettings(post_time="09:00"))
