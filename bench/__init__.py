"""Benchmarks: each module prints its figures (run with `python3 -m bench.NAME`)."""
