"""The process's one APScheduler: a cache of jobs rebuilt from the database at start-up.

Each active, unpaused chat has a daily-post job (`daily:{platform}:{chat_id}`, a cron trigger in
the chat's own timezone, so 09:00 Europe/Berlin stays 09:00 local across DST changes) and, while
a post is open, a reveal job (`reveal:{platform}:{chat_id}`) at the moment it closes. Posting is
idempotent per chat and local date, so the double 02:30 of a fall-back night posts once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.core.chatsettings import ChatSettings
from bot.core.refs import ChatRef
from bot.core.service import StudyService

log = logging.getLogger(__name__)

# Late runs within this long still happen (APScheduler's default of 1 s would skip them).
DAILY_MISFIRE_GRACE_S = 3600
REVEAL_MISFIRE_GRACE_S = 24 * 3600
RETRY_AFTER_S = 300
# APScheduler logs every job it adds at info level; with thousands of chats that buries the
# log. Its warnings and errors still come through.
_JOB_LOG = logging.getLogger("apscheduler.scheduler.jobs")
_JOB_LOG.setLevel(logging.WARNING)


def daily_trigger(settings: ChatSettings) -> CronTrigger:
    """Fires at the chat's post time, in the chat's timezone, every day."""
    return _shared_trigger(settings.hour, settings.minute, settings.timezone)


@lru_cache(maxsize=4096)
def _shared_trigger(hour: int, minute: int, timezone: str) -> CronTrigger:
    # A trigger holds no per-job state: thousands of chats posting at 09:00 share one.
    return SharedCronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(timezone))


class SharedCronTrigger(CronTrigger):  # type: ignore[misc]
    """A cron trigger that remembers its last first-fire answer: every job added with it at
    start-up asks for the next fire time after "now", and the answer only changes once that
    time has passed. 10,000 chats then cost one calendar search, not 10,000.

    The search runs on the local wall clock, so the answer is kept for the wall-clock span it
    holds for; across a DST change the wall clock jumps and the search simply runs again."""

    _first: tuple[datetime, datetime, datetime] | None = None

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is not None:
            result: datetime | None = super().get_next_fire_time(previous_fire_time, now)
            return result
        wall = self._wall(now)
        known = self._first
        if known is not None and known[0] <= wall <= known[1]:
            return known[2]
        found: datetime | None = super().get_next_fire_time(None, now)
        if found is not None:
            self._first = (wall, self._wall(found), found)
        return found

    def _wall(self, moment: datetime) -> datetime:
        return moment.astimezone(self.timezone).replace(tzinfo=None)


def job_id(kind: str, chat: ChatRef) -> str:
    return f"{kind}:{chat.platform}:{chat.chat_id}"


class StudyScheduler:
    """Plans and runs the jobs of every chat. Create and `start` it inside the running loop."""

    def __init__(self, service: StudyService) -> None:
        self.service = service
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def scheduler(self) -> AsyncIOScheduler:
        if self._scheduler is None:
            raise RuntimeError("the scheduler has not been started")
        return self._scheduler

    async def start(self) -> None:
        """Start APScheduler, rebuild every chat's jobs, then catch up on what was missed."""
        # Jobs added before the start are scheduled in one pass, not one wake-up each.
        self._scheduler = AsyncIOScheduler(timezone=UTC, logger=_JOB_LOG)
        self.service.attach_planner(self)
        for chat, settings, active in await self.service.list_chats():
            self.chat_changed(chat, settings, active)
        self._scheduler.start()
        await self.service.start_up()

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def job_ids(self) -> set[str]:
        return {job.id for job in self.scheduler.get_jobs()}

    def next_run(self, job: str) -> datetime | None:
        found = self.scheduler.get_job(job)
        return None if found is None else found.next_run_time

    # Planner: called by the core.

    def chat_changed(self, chat: ChatRef, settings: ChatSettings, active: bool) -> None:
        daily = job_id("daily", chat)
        if not active or settings.paused:
            self._remove(daily)
            if not active:
                self._remove(job_id("reveal", chat))
            return
        self.scheduler.add_job(
            self._guarded(self.service.run_daily, chat),
            trigger=daily_trigger(settings),
            id=daily,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=DAILY_MISFIRE_GRACE_S,
            max_instances=1,
        )

    def reveal_at(self, chat: ChatRef, when: datetime) -> None:
        reveal = job_id("reveal", chat)
        planned = self.next_run(reveal) if self._scheduler is not None else None
        if self._scheduler is None or (planned is not None and planned <= when):
            return
        self._once(reveal, when, self._guarded(self.service.run_reveal, chat))

    def retry_later(self, chat: ChatRef) -> None:
        if self._scheduler is None:
            return
        when = datetime.now(UTC) + timedelta(seconds=RETRY_AFTER_S)
        self._once(job_id("retry", chat), when, self._guarded(self.service.run_pending, chat))

    def quiz_step_due(self, session_id: int, index: int, when: datetime) -> None:
        if self._scheduler is None:
            return

        async def advance() -> None:
            try:
                await self.service.advance_quiz(session_id, index)
            except Exception:
                log.exception("group quiz %s step %s failed to advance", session_id, index)

        self._once(f"quiz:{session_id}", when, advance)

    def _once(self, job: str, when: datetime, func: Callable[[], Awaitable[None]]) -> None:
        self.scheduler.add_job(
            func,
            trigger=DateTrigger(run_date=when, timezone=UTC),
            id=job,
            replace_existing=True,
            misfire_grace_time=REVEAL_MISFIRE_GRACE_S,
        )

    def _remove(self, job: str) -> None:
        if self._scheduler is not None and self._scheduler.get_job(job) is not None:
            self._scheduler.remove_job(job)

    @staticmethod
    def _guarded(
        entry: Callable[[ChatRef], Awaitable[Any]], chat: ChatRef
    ) -> Callable[[], Awaitable[None]]:
        """A job body that logs failures with the chat, so one chat cannot stop the others."""

        async def run() -> None:
            try:
                await entry(chat)
            except Exception:
                log.exception("%s failed for %s:%s", entry.__name__, chat.platform, chat.chat_id)

        return run
