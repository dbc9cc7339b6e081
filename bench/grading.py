"""Grading benchmark: agreement with hand grades, per-kind ranges, latency, load time, memory.

Run with `python3 -m bench.grading` or `python3 bench/grading.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

# One core, as on the bot's host: numpy must not fan the small products out to threads.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from bot.grading.guards import MAX_FLAGGED_SCORE  # noqa: E402
from content.bank import Bank, load_bank  # noqa: E402
from content.model import Question  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
EVAL_FILE = DATA / "grading_eval.jsonl"
# Other subjects (CS basics, school science), each graded against one reference text only.
GENERAL_FILE = DATA / "general_eval.jsonl"
JSONL_LINES = 5000
CLI = "from bot.cli import main; raise SystemExit(main())"
# Run in a fresh interpreter, so nothing the benchmark imported is counted as already loaded.
LOAD_PROBE = """
import json, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
before = rss()
started = time.perf_counter()
import bot.grading
imported = time.perf_counter()
grader = bot.grading.create_grader()
loaded = time.perf_counter()
grader.grade_against("Why is the sky blue?", "Air scatters blue light.", "Blue light scatters.")
print(json.dumps({"import": imported - started, "load": loaded - imported,
                  "kb": rss() - before}))
"""
GAMING_KINDS = ("echo", "keywords", "copy", "unreadable", "injection", "too_short")
KIND_ORDER = ("excellent", "good", "partial", "vague", "wrong", "off_topic", *GAMING_KINDS)


@dataclass(frozen=True, slots=True)
class Row:
    question: Question
    kind: str
    grade: int
    answer: str
    peers: tuple[str, ...]
    split: str


def resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load_rows(bank: Bank, path: Path = EVAL_FILE) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        question = bank.find(record["question_id"])
        if question is None:
            print(f"warning: {record['question_id']} not in the bank; matched by its text")
            question = bank.search(record["question"], limit=1)[0]
        rows.append(
            Row(
                question,
                record["kind"],
                int(record["grade"]),
                record["answer"],
                tuple(record.get("peers", ())),
                record.get("split", "tune"),
            )
        )
    return rows


def ranks(values: list[float]) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    result = np.empty(len(values))
    sorted_values = np.asarray(values)[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        result[order[start : end + 1]] = (start + end) / 2
        start = end + 1
    return result


def pearson(left: list[float], right: list[float]) -> float:
    return float(np.corrcoef(np.asarray(left, float), np.asarray(right, float))[0, 1])


def spearman(left: list[float], right: list[float]) -> float:
    return pearson(list(ranks(left)), list(ranks(right)))


def report_agreement(label: str, rows: list[Row], scores: list[int]) -> None:
    grades = [float(row.grade) for row in rows]
    values = [float(score) for score in scores]
    print(
        f"  {label:<34} n={len(rows):<4} spearman={spearman(grades, values):.3f}"
        f"  pearson={pearson(grades, values):.3f}"
    )


def report_kinds(rows: list[Row], scores: list[int]) -> None:
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_kind[row.kind].append((row.grade, score))
    print("\nscore range per kind (hand grade mean | grader min..max, mean):")
    for kind in KIND_ORDER:
        pairs = by_kind.get(kind, [])
        if pairs:
            grader_scores = [score for _, score in pairs]
            print(
                f"  {kind:<10} n={len(pairs):<3} hand {statistics.mean(g for g, _ in pairs):5.1f}"
                f" | grader {min(grader_scores):3d}..{max(grader_scores):3d},"
                f" mean {statistics.mean(grader_scores):5.1f}"
            )
    over = [
        (row.kind, score, row.answer[:60])
        for row, score in zip(rows, scores, strict=True)
        if row.kind in GAMING_KINDS and score > MAX_FLAGGED_SCORE
    ]
    print(f"  gaming answers above {MAX_FLAGGED_SCORE}: {len(over)} {over[:5]}")


def agreement(rows: list[Row], scores: list[int], title: str) -> None:
    print(f"\n{title}")
    honest = [i for i, row in enumerate(rows) if row.kind not in GAMING_KINDS]
    for split in ("all", "tune", "holdout"):
        chosen = [i for i, row in enumerate(rows) if split == "all" or row.split == split]
        report_agreement(split, [rows[i] for i in chosen], [scores[i] for i in chosen])
        plain = [i for i in chosen if i in set(honest)]
        report_agreement(
            f"{split}, without gaming answers",
            [rows[i] for i in plain],
            [scores[i] for i in plain],
        )


def general_agreement(grader: object) -> None:
    """Answers from other subjects, graded from a reference text alone (`--jsonl` mode)."""
    records = [json.loads(line) for line in GENERAL_FILE.read_text(encoding="utf-8").splitlines()]
    scores = [
        grader.grade_against(r["question"], r["reference"], r["answer"]).score  # type: ignore[attr-defined]
        for r in records
    ]
    print(
        f"\nother subjects, reference text only ({len(records)} answers to"
        f" {len({r['question'] for r in records})} questions, {GENERAL_FILE.name}):"
    )
    groups = [("all", lambda r: True)]
    groups += [(split, lambda r, s=split: r["split"] == s) for split in ("tune", "holdout")]
    groups += [
        (f"style {style}", lambda r, s=style: r["style"] == s)
        for style in sorted({r["style"] for r in records})
    ]
    for label, keep in groups:
        chosen = [i for i, record in enumerate(records) if keep(record)]
        grades = [float(records[i]["grade"]) for i in chosen]
        values = [float(scores[i]) for i in chosen]
        print(
            f"  {label:<34} n={len(chosen):<4} spearman={spearman(grades, values):.3f}"
            f"  pearson={pearson(grades, values):.3f}"
        )


def jsonl_throughput(rows: list[Row], lines: int = JSONL_LINES) -> None:
    """`studybot grade --jsonl` end to end in a fresh process: start-up, model load, grading."""
    general = [json.loads(line) for line in GENERAL_FILE.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "answers.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for index in range(lines):
                if index % 2:
                    row = rows[index % len(rows)]
                    record = {"question": row.question.prompt, "answer": row.answer}
                else:
                    other = general[index % len(general)]
                    record = {k: other[k] for k in ("question", "reference", "answer")}
                out.write(json.dumps(record) + "\n")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CLI, "grade", "--jsonl", str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
    graded = sum('"score"' in line for line in done.stdout.splitlines())
    print(
        f"  studybot grade --jsonl, {lines} lines (half bank questions by text, half with a"
        f" reference): {seconds:.2f} s wall, {graded} graded, exit {done.returncode}"
    )


def latency(grader: object, rows: list[Row], repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per grading. CPU time is what one core spends on the
    answer, unaffected by other processes competing for the machine."""
    wall, cpu = [], []
    for _ in range(repeats):
        for row in rows:
            started, started_cpu = time.perf_counter(), time.thread_time()
            grader.grade(row.question, row.answer, row.peers)  # type: ignore[attr-defined]
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timing passes over the set")
    parser.add_argument("--no-cli", action="store_true", help="skip the 5,000-line JSONL run")
    parser.add_argument(
        "--model", type=Path, help="grade with the model in this directory (default: shipped)"
    )
    args = parser.parse_args()
    bank = load_bank()
    rows = load_rows(bank)
    print(f"evaluation set: {len(rows)} answers to {len({r.question.id for r in rows})} questions")

    before_kb = resident_kb()
    from bot.grading import MODEL_DIR, create_grader

    grader = create_grader(args.model or MODEL_DIR)
    scores = [grader.grade(row.question, row.answer, row.peers).score for row in rows]
    added_mb = (resident_kb() - before_kb) / 1024

    agreement(rows, scores, "agreement with hand grades (bank references and key points):")
    report_kinds(rows, scores)

    derived = [
        grader.grade_against(row.question.prompt, row.question.reference, row.answer, row.peers)
        for row in rows
    ]
    agreement(
        rows,
        [grade.score for grade in derived],
        "agreement, one reference answer and derived key points (the --jsonl reference mode):",
    )

    general_agreement(grader)

    timings = latency(grader, rows, args.repeats)
    huge = "dropout randomly disables neurons during training. " * 1000
    started = time.perf_counter()
    grader.grade(rows[0].question, huge[:50_000])
    huge_ms = (time.perf_counter() - started) * 1000
    print("\nperformance (one core, references cached):")
    for label, values in (("wall clock", timings[0]), ("CPU time", timings[1])):
        print(
            f"  latency per answer, {label}: p50 {np.percentile(values, 50):.3f} ms,"
            f" p99 {np.percentile(values, 99):.3f} ms over {len(values)} gradings"
        )
    print(f"  50 kB answer: {huge_ms:.2f} ms")
    probe = json.loads(
        subprocess.run(
            [sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, check=True
        ).stdout
    )
    print(
        f"  model load, fresh process: import {probe['import'] * 1000:.0f} ms"
        f" (numpy, tokenizers, grader code) + model files {probe['load'] * 1000:.0f} ms"
    )
    print(
        f"  resident memory added: {probe['kb'] / 1024:.1f} MB in a fresh process"
        f" (imports, model, one grading); {added_mb:.1f} MB for the model, the bank's"
        " references and this set's gradings here"
    )
    if not args.no_cli:
        jsonl_throughput(rows)


if __name__ == "__main__":
    main()
