"""`python -m bench [--quick] [--only NAME ...]`: every benchmark, one JSON line each.

Each benchmark runs in a process of its own (`python -m bench.NAME`), so one's memory and
threads do not colour the next one's figures. Progress goes to stderr; stdout carries only the
JSON lines.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence

BENCHES = ("pipeline", "fanout", "leaderboard", "memory", "startup")
# A bench that has not finished by then has hung; the run goes on without it.
TIMEOUT_S = {True: 300.0, False: 1200.0}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run the benchmarks; one JSON line per benchmark."
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes: about two minutes in all"
    )
    parser.add_argument(
        "--only", nargs="+", choices=BENCHES, metavar="NAME", help=f"run only these: {BENCHES}"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every size by this (default 1)"
    )
    return parser.parse_args(argv)


def run_one(name: str, quick: bool, scale: float) -> dict[str, object]:
    """Run `bench.NAME` and return the JSON object it printed (or an error record)."""
    command = [sys.executable, "-m", f"bench.{name}", "--scale", str(scale)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, text=True, timeout=TIMEOUT_S[quick], check=False
        )
    except subprocess.TimeoutExpired:
        return {"bench": name, "error": f"no result within {TIMEOUT_S[quick]:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"bench": name, "error": f"exit status {done.returncode}"}
    result: dict[str, object] = json.loads(lines[-1])
    print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    failed = False
    for name in args.only or BENCHES:
        result = run_one(name, args.quick, args.scale)
        failed = failed or "error" in result
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
