"""Benchmarks: `python -m bench [--quick]` runs them all, one JSON line each; `python -m
bench.NAME` runs one (pipeline, fanout, leaderboard, memory, startup, grading)."""
