"""`studybot content`: build, check, import, list and show the question bank."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from content.bank import DeckError, load_bank
from content.build import MERGES_PATH, SOURCES_DIR, build, write_build
from content.decks import DECKS_DIR, deck_paths, question_to_data
from content.importer import import_document
from content.model import TOPICS, Question
from content.overrides import OverridesError, load_overrides
from content.validate import read_decks


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "content", help="build, check, import and browse the question bank"
    )
    actions = parser.add_subparsers(dest="content_command", metavar="ACTION", required=True)

    build_parser = actions.add_parser("build", help="rebuild the decks from the sources")
    build_parser.add_argument("--sources", type=Path, default=SOURCES_DIR)
    build_parser.add_argument("--output", type=Path, default=None, help="deck directory")
    build_parser.set_defaults(func=_build)

    check_parser = actions.add_parser("check", help="validate deck files")
    check_parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check_parser.set_defaults(func=_check)

    import_parser = actions.add_parser("import", help="turn a Q&A document into a deck")
    import_parser.add_argument("file", type=Path, metavar="FILE")
    import_parser.add_argument("--output", type=Path, default=None, metavar="PATH")
    import_parser.add_argument("--topic", choices=TOPICS, default=None)
    import_parser.add_argument("--id-prefix", default="", help="prefix for the new ids")
    import_parser.set_defaults(func=_import)

    list_parser = actions.add_parser("list", help="list the questions")
    list_parser.add_argument("--topic", default=None)
    list_parser.add_argument("--json", action="store_true")
    list_parser.set_defaults(func=_list)

    show_parser = actions.add_parser("show", help="show one question")
    show_parser.add_argument("question_id", metavar="ID")
    show_parser.set_defaults(func=_show)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _fail(message: str) -> int:
    print(f"studybot content: {message}", file=sys.stderr)
    return 1


def _build(args: argparse.Namespace) -> int:
    try:
        result = build(args.sources, load_overrides())
    except (OverridesError, OSError) as error:
        return _fail(str(error))
    output = args.output or DECKS_DIR
    merges = MERGES_PATH if args.output is None else output.parent / f"{output.name}-merges.yaml"
    try:
        written = write_build(result, output, merges)
    except DeckError as error:
        for problem in error.errors:
            print(problem, file=sys.stderr)
        return _fail("the built decks would not pass `content check`; nothing was written")
    except OSError as error:
        return _fail(f"cannot write the decks to {output}: {error.strerror or error}")
    for document, count in result.found.items():
        print(f"{document}: {count} questions")
    for skipped in result.skipped:
        print(f"warning: {skipped}", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    merged = sum(1 for decision in result.decisions if decision.merged)
    print(
        f"{len(result.questions)} questions after merging ({merged} of "
        f"{len(result.decisions)} candidate pairs merged) in {len(written)} decks at {output}"
    )
    return 0


def _deck_files(paths: list[Path]) -> list[Path] | str:
    files: list[Path] = []
    for path in paths or [DECKS_DIR]:
        if path.is_dir():
            found = deck_paths(path)
            if not found:
                return f"no deck files (*.yaml) in {path}"
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            return f"no such file or directory: {path}"
    return files


def _check(args: argparse.Namespace) -> int:
    files = _deck_files(args.paths)
    if isinstance(files, str):
        return _fail(files)
    report = read_decks(files)
    for error in report.errors:
        print(error)
    if report.errors:
        problems = _count(len(report.errors), "error")
        print(f"{problems} in {_count(report.files, 'deck file')}", file=sys.stderr)
        return 1
    print(f"ok: {_count(len(report.questions), 'question')} in {_count(report.files, 'deck file')}")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return _fail(f"cannot read {args.file}: {error.strerror or error}")
    result = import_document(text, args.file.name, args.topic, args.id_prefix)
    info = sys.stderr if args.output is None else sys.stdout
    print(
        f"found {_count(len(result.questions), 'question')} in {args.file}"
        f" (layout: {result.layout})",
        file=info,
    )
    for skipped in sorted(result.skipped, key=lambda item: item.line):
        print(f"skipped: {skipped}", file=info)
    if result.problems:
        for problem in result.problems:
            print(f"not valid: {problem}", file=sys.stderr)
        return 1
    if not result.questions:
        return _fail("no questions found; nothing written")
    if args.output is None:
        sys.stdout.write(result.yaml_text)
    else:
        try:
            args.output.write_text(result.yaml_text, encoding="utf-8")
        except OSError as error:
            return _fail(f"cannot write {args.output}: {error.strerror or error}")
        print(f"wrote {args.output}", file=info)
    return 0


def _load() -> list[Question] | str:
    try:
        return list(load_bank().questions)
    except DeckError as error:
        return "the question bank has errors:\n" + str(error)


def _list(args: argparse.Namespace) -> int:
    questions = _load()
    if isinstance(questions, str):
        return _fail(questions)
    if args.topic is not None:
        if args.topic not in TOPICS:
            return _fail(f"unknown topic {args.topic!r}; topics: {', '.join(TOPICS)}")
        questions = [question for question in questions if question.topic == args.topic]
    if args.json:
        data = {"questions": [question_to_data(question) for question in questions]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    width = max((len(question.id) for question in questions), default=0)
    lines = [f"{q.id:<{width}}  {q.topic}  d{q.difficulty}  {q.prompt}" for q in questions]
    try:
        if lines:
            print("\n".join(lines))
        sys.stdout.flush()
    except BrokenPipeError:
        # `studybot content list | head` closes the pipe early; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _show(args: argparse.Namespace) -> int:
    questions = _load()
    if isinstance(questions, str):
        return _fail(questions)
    question = next((q for q in questions if q.id == args.question_id.strip().lower()), None)
    if question is None:
        return _fail(f"no question with id {args.question_id!r} (see `studybot content list`)")
    print(render_question(question))
    return 0


def render_question(question: Question) -> str:
    lines = [
        f"{question.id}  ({question.topic}, difficulty {question.difficulty})",
        "",
        question.prompt,
        "",
        "Key points:",
    ]
    for point in question.key_points:
        aliases = f"  (also: {', '.join(point.aliases)})" if point.aliases else ""
        lines.append(f"  - {point.text}{aliases}")
    for number, answer in enumerate(question.answers, start=1):
        lines += ["", f"Answer {number}:", answer]
    if question.sources:
        lines += ["", "Sources:"]
        lines += [f"  - {source.document} {source.locator}" for source in question.sources]
    if question.attribution:
        lines += ["", "Credits:", *(f"  - {credit}" for credit in question.attribution)]
    return "\n".join(lines)
