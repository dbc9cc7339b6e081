"""Shared fixtures for the core tests: a real SQLite file, the real bank and grader, an outbox
that records what the core pushes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.commands import ChangeSettings
from bot.core.grading import Grader
from bot.core.refs import ChatRef, UserRef
from bot.core.replies import Reply
from bot.core.service import StudyService
from content.bank import Bank
from content.model import KeyPoint, Question
from storage import Database

CHAT = ChatRef("console", "room-1", title="Study room")
ADMIN = UserRef("console", "u-admin", "Ada")
BOB = UserRef("console", "u-bob", "Bob")


class RecordingOutbox:
    """A real in-memory outbox: keeps every pushed reply and hands out message ids."""

    def __init__(self) -> None:
        self.sent: list[tuple[ChatRef, Reply]] = []
        self.fail_next = 0

    async def send(self, chat: ChatRef, reply: Reply) -> str | None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("network down")
        self.sent.append((chat, reply))
        return f"m{len(self.sent)}"

    def of_type(self, kind: type[Reply]) -> list[Reply]:
        return [reply for _, reply in self.sent if isinstance(reply, kind)]


class ManualClock:
    """A clock tests move by hand (the service's injected `Clock`)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # a Monday


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
async def service(
    db: Database, bank: Bank, grader: Grader, clock: ManualClock, outbox: RecordingOutbox
) -> StudyService:
    return await new_service(db, bank, grader, clock, outbox)


POOLING = Question(
    id="pooling-purpose",
    topic="cnn",
    difficulty=2,
    prompt="What do pooling layers do in a convolutional neural network?",
    answers=(
        "Pooling layers down-sample the feature maps, reducing their spatial size. Max pooling "
        "keeps the largest value in each window, which gives some translation invariance and "
        "cuts computation and parameters in the following layers.",
    ),
    key_points=(
        KeyPoint("down-sample", ("downsample", "reduce spatial size")),
        KeyPoint("max pooling"),
        KeyPoint("translation invariance"),
    ),
)


def make_question(number: int, topic: str = "cnn", difficulty: int = 1) -> Question:
    """A small question of its own, so tests control how many the bank holds."""
    return Question(
        id=f"q-{topic}-{number:03d}",
        topic=topic,
        difficulty=difficulty,
        prompt=f"Explain concept number {number} of {topic}?",
        answers=(
            f"Concept {number} of {topic} is about item{number} weights and item{number} "
            "gradients. It matters because training needs it.",
        ),
        key_points=(KeyPoint(f"item{number} weights"), KeyPoint(f"item{number} gradients")),
    )


def small_bank(count: int, topic: str = "cnn", difficulty: int = 1) -> Bank:
    return Bank([make_question(n, topic, difficulty) for n in range(count)])


async def new_service(
    db: Database,
    bank: Bank,
    grader: Grader,
    clock: ManualClock,
    outbox: RecordingOutbox,
    **settings: str,
) -> StudyService:
    """A service on `db` whose chat is seen and configured with `settings` (time, window...)."""
    study = StudyService(db, bank, grader, clock)
    study.register_outbox("console", outbox)
    await study.chat_seen(CHAT)
    pairs = {"time": "09:00", "window": "12", **settings}
    await study.handle(ChangeSettings(CHAT, ADMIN, is_admin=True, changes=tuple(pairs.items())))
    return study
