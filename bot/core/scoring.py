"""Points and streaks: how a counted answer turns into leaderboard points.

points = round_half_up(score × weight(difficulty)) + streak bonus
weight: difficulty 1 → 1.0, 2 → 1.5, 3 → 2.0
streak bonus (daily posts only): 10 × min(streak − 1, 5), where the streak counts the consecutive
local dates, ending with this post's date, on which the member answered the chat's daily post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

DIFFICULTY_WEIGHTS = {1: 1.0, 2: 1.5, 3: 2.0}
STREAK_BONUS_STEP = 10
STREAK_BONUS_MAX_DAYS = 5


def base_points(score: int, difficulty: int) -> int:
    """The score weighted by difficulty, rounded half up."""
    weight = DIFFICULTY_WEIGHTS.get(difficulty, 1.0)
    return int(score * weight + 0.5)


def streak_bonus(streak: int) -> int:
    return STREAK_BONUS_STEP * min(max(streak - 1, 0), STREAK_BONUS_MAX_DAYS)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    longest: int
    last_date: date | None


def run_ending_at(dates: Sequence[date], day: date) -> int:
    """How many consecutive dates end at `day` (0 when `day` is not among them)."""
    present = set(dates)
    length = 0
    while day - timedelta(days=length) in present:
        length += 1
    return length


def streak_of(dates: Sequence[date], today: date) -> Streak:
    """The current streak (alive while the last answer was today or yesterday) and the longest."""
    ordered = sorted(set(dates))
    if not ordered:
        return Streak(0, 0, None)
    longest = run = 1
    for previous, current in pairwise(ordered):
        run = run + 1 if current - previous == timedelta(days=1) else 1
        longest = max(longest, run)
    last = ordered[-1]
    alive = today - last <= timedelta(days=1)
    return Streak(run if alive else 0, longest, last)
