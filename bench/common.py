"""What the benchmarks share: arguments, one JSON line per result, percentiles, memory, setup."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The bot's host gives numpy one core; the benchmarks measure the same way.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
# Local fake servers only: never route 127.0.0.1 through a proxy.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

FIXED_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# Of a reference's words, the share a member's answer leaves out (see `answer_text`).
OMITTED_SHARE = 0.35


def arguments(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """`--quick` (a smaller run) and `--scale` (multiplies the sizes; tests use tiny ones)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a shorter, smaller run")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every size by this (default 1)"
    )
    return parser.parse_args(argv)


def sized(full: int, quick: int, args: argparse.Namespace, minimum: int = 1) -> int:
    """A size: `full`, or `quick` with `--quick`, times `--scale`."""
    base = quick if args.quick else full
    return max(minimum, round(base * float(args.scale)))


def emit(result: dict[str, Any]) -> None:
    """Print one result as one JSON line (what `python -m bench` collects)."""
    print(json.dumps(result, sort_keys=False), flush=True)


def note(message: str) -> None:
    """Progress for people watching; stderr, so stdout stays one JSON object per line."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` 0.99 for p99)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), in MB."""
    status = Path(f"/proc/{pid or os.getpid()}/status")
    for line in status.read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def answer_text(reference: str, rng: random.Random) -> str:
    """A member's answer in their own words: part of the reference, reordered and trimmed,
    with a personal opening; then about a third of its words left out and neighbours swapped,
    so that, as in a real group, no two members' answers are near copies of each other."""
    sentences = [part.strip() for part in reference.replace("\n", " ").split(". ") if part.strip()]
    rng.shuffle(sentences)
    kept = sentences[: rng.randint(1, max(1, min(4, len(sentences))))]
    words = " ".join(kept).split()
    cut = words[: rng.randint(min(12, len(words)), max(12, min(90, len(words))))]
    own = [word for word in cut if rng.random() > OMITTED_SHARE] or cut
    for start in range(0, len(own) - 3, 4):
        group = own[start : start + 4]
        rng.shuffle(group)
        own[start : start + 4] = group
    opening = rng.choice(["I think", "In short,", "As I understand it,", "Basically", "So,"])
    return f"{opening} {' '.join(own)}."
