"""`python -m bench`: the command line works, and every benchmark, at its smallest size, runs
the real stack and prints one JSON line with the fields its report needs (figures not judged)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.fakebotapi import FloodGate

ROOT = Path(__file__).resolve().parents[2]
SMALLEST = ("--quick", "--scale", "0.001")
REQUIRED = {
    "pipeline": {"answers_per_s", "p99_ms", "raw_sqlite_rows_per_s", "copies_share"},
    "fanout": {"chats", "limit_per_s", "achieved_per_s", "lost", "duplicates"},
    "leaderboard": {"answers", "users", "p99_ms"},
    "memory": {"rss_mb", "chats"},
    "startup": {"seconds"},
}
RUN_WITHIN_S = 60.0


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def test_help_lists_the_options_and_every_bench() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "--quick" in done.stdout
    assert all(name in done.stdout for name in REQUIRED)


async def run_bench(name: str) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"bench.{name}",
        *SMALLEST,
        cwd=ROOT,
        env=environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), RUN_WITHIN_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return process.returncode or 0, out.decode().splitlines()


async def test_every_bench_prints_one_json_line_with_its_fields() -> None:
    # The five run side by side: each is its own process, as under `python -m bench`.
    outcomes = await asyncio.gather(*(run_bench(name) for name in REQUIRED))
    results: dict[str, dict[str, Any]] = {}
    for name, (status, lines) in zip(REQUIRED, outcomes, strict=True):
        assert status == 0, name
        assert len(lines) == 1, f"{name} printed {lines!r}"
        results[name] = json.loads(lines[0])
        assert results[name]["bench"] == name
        assert REQUIRED[name] <= results[name].keys(), name
    fanout = results["fanout"]
    assert (fanout["lost"], fanout["duplicates"]) == (0, 0)
    assert fanout["chats"] >= 1 and fanout["achieved_per_s"] > 0
    assert results["pipeline"]["answers"] >= 1 and results["pipeline"]["answers_per_s"] > 0
    assert 0 <= results["pipeline"]["copies_share"] < 0.5, "members answer in their own words"
    board = results["leaderboard"]
    assert board["answers"] == 10 * board["users"] and board["p99_ms"] > 0
    assert results["memory"]["jobs"] == results["memory"]["chats"]
    assert results["memory"]["adapters"] == ["telegram", "discord"]
    assert results["memory"]["rss_mb"] > 0 and results["startup"]["seconds"] > 0


def test_the_fake_bot_api_admits_one_seconds_budget_then_the_configured_rate() -> None:
    gate = FloodGate(per_second=100.0)
    assert all(gate.admit(0.0) for _ in range(100))
    assert not gate.admit(0.0)
    assert gate.admit(0.011)  # 10 ms at 100 a second earns one more
    assert not gate.admit(0.011)
