"""`studybot grade`: grade one answer, or a JSON-lines file of answers, from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.core.grading import Grade
from bot.grading import EmbeddingGrader, ModelMissing, create_grader
from content.bank import Bank, DeckError, load_bank
from content.model import Question

PROGRESS_FROM_LINES = 200
MAX_REMEMBERED_QUESTIONS = 4096
# Longer question texts are matched on their start: no bank question is anywhere near this.
MAX_QUESTION_CHARS = 1000


class GradeInputError(ValueError):
    """One input cannot be graded; the message says why, for the person running the command."""


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "grade",
        help="grade an answer to a bank question (or a JSON-lines file of answers)",
        description="Grade a free-text answer: score 0-100, verdict, key points, hint.",
    )
    parser.add_argument("question", nargs="?", help="a question id or the question's text")
    parser.add_argument("answer", nargs="?", help="the answer to grade")
    parser.add_argument(
        "--jsonl",
        metavar="FILE",
        help='grade each line {"question", "answer", "reference"?} of FILE ("-" for stdin)',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.jsonl is not None:
            return grade_file(args.jsonl)
        if args.question is None or args.answer is None:
            return fail('give a question and an answer: studybot grade QUESTION "ANSWER"')
        return grade_one(args.question, args.answer)
    except ModelMissing as error:
        return fail(str(error))


def fail(message: str) -> int:
    print(f"studybot grade: {message}", file=sys.stderr)
    return 1


def grade_one(question_text: str, answer: str) -> int:
    try:
        question = find_question(lazy_bank(), question_text)
    except GradeInputError as error:
        return fail(str(error))
    grade = create_grader().grade(question, answer)
    print(render(question, grade))
    return 0


def render(question: Question, grade: Grade) -> str:
    lines = [f"{question.id}: {question.prompt}", f"{grade.score}/100  {grade.verdict.value}"]
    if grade.covered:
        lines.append("Covered: " + "; ".join(grade.covered))
    if grade.missed:
        lines.append("Missed: " + "; ".join(grade.missed))
    if grade.flags:
        lines.append("Flags: " + ", ".join(grade.flags))
    if grade.hint:
        lines.append("Hint: " + grade.hint)
    return "\n".join(lines)


def cached_lookup(bank: Callable[[], Bank]) -> Callable[[str], Question]:
    """`find_question`, remembered per question text: a file repeats the same few questions."""
    found: dict[str, Question] = {}

    def lookup(text: str) -> Question:
        if text not in found:
            if len(found) >= MAX_REMEMBERED_QUESTIONS:
                found.clear()
            found[text] = find_question(bank, text)
        return found[text]

    return lookup


def lazy_bank() -> Callable[[], Bank]:
    """The bank, loaded on first use: lines graded against their own reference never need it."""
    loaded: list[Bank] = []

    def get() -> Bank:
        if not loaded:
            try:
                loaded.append(load_bank())
            except DeckError as error:
                raise GradeInputError(f"the question bank cannot be loaded: {error}") from error
        return loaded[0]

    return get


def find_question(bank: Callable[[], Bank], text: str) -> Question:
    if not text.strip():
        raise GradeInputError("the question is empty")
    matches = bank().search(text[:MAX_QUESTION_CHARS], limit=1)
    if not matches:
        raise GradeInputError(f"no question in the bank matches {text[:80]!r}")
    return matches[0]


def grade_file(name: str) -> int:
    try:
        lines = read_lines(name)
    except OSError as error:
        return fail(f"cannot read {name}: {error.strerror or error}")
    grader = create_grader()
    lookup = cached_lookup(lazy_bank())
    failures = 0
    for number, line in with_progress(lines, sys.stderr):
        try:
            record = grade_record(grader, lookup, parse_record(line))
        except GradeInputError as error:
            failures += 1
            record = {"line": number, "error": str(error)}
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if failures else 0


def read_lines(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    return Path(name).read_text(encoding="utf-8", errors="replace").splitlines()


def parse_record(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise GradeInputError(f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise GradeInputError("each line must be a JSON object")
    answer = record.get("answer")
    if not isinstance(answer, str):
        raise GradeInputError('missing "answer" (a string)')
    for field in ("question", "reference"):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise GradeInputError(f'"{field}" must be a string')
    return record


def grade_record(
    grader: EmbeddingGrader, lookup: Callable[[str], Question], record: dict[str, Any]
) -> dict[str, Any]:
    given = record.get("peers")
    peers = [peer for peer in given if isinstance(peer, str)] if isinstance(given, list) else []
    reference = record.get("reference")
    question_text = record.get("question") or ""
    if reference and reference.strip():
        grade = grader.grade_against(question_text, reference, record["answer"], peers)
        question_id = None
    else:
        if not question_text:
            raise GradeInputError('missing "question" (a bank id or text), and no "reference"')
        question = lookup(question_text)
        grade = grader.grade(question, record["answer"], peers)
        question_id = question.id
    return {
        "question_id": question_id,
        "score": grade.score,
        "verdict": grade.verdict.value,
        "covered": list(grade.covered),
        "missed": list(grade.missed),
        "flags": list(grade.flags),
        "hint": grade.hint,
    }


def with_progress(lines: list[str], stream: TextIO) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines; a progress bar on `stream` for long inputs or a terminal."""
    total = len(lines)
    show = total >= PROGRESS_FROM_LINES or (stream.isatty() and total > 1)
    step = max(1, total // 50)
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield number, line
        if show and (number % step == 0 or number == total):
            filled = 30 * number // total
            stream.write(f"\rgrading [{'#' * filled}{'.' * (30 - filled)}] {number}/{total}")
            stream.flush()
    if show:
        stream.write("\n")
