"""Reading and validating deck files, with every error reported as `file:line: message`.

Decks are composed to YAML nodes (C parser when available) so every value keeps its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from content.decks import (
    DECK_FIELDS,
    KEY_POINT_FIELDS,
    QUESTION_FIELDS,
    REQUIRED_QUESTION_FIELDS,
    SOURCE_FIELDS,
)
from content.keypoints import MAX_KEY_POINTS, MIN_KEY_POINTS, mentions_folded
from content.model import MAX_DIFFICULTY, MIN_DIFFICULTY, TOPICS, KeyPoint, Question, SourceRef
from content.text import fold

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_KEY_POINT_WORDS = 5
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"


@dataclass(slots=True)
class DeckReport:
    """What reading some decks found: the valid questions and every error."""

    questions: list[Question] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: int = 0


class _Problems:
    def __init__(self, path: Path, errors: list[str]) -> None:
        self.path = path
        self.errors = errors
        self.count = 0

    def add(self, node: yaml.Node | None, message: str, line: int = 1) -> None:
        at = node.start_mark.line + 1 if node is not None else line
        self.errors.append(f"{self.path}:{at}: {message}")
        self.count += 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    assert isinstance(node, yaml.MappingNode)
    return {str(key.value): (key, value) for key, value in node.value}


def _report_duplicates(node: yaml.MappingNode, problems: _Problems, what: str) -> None:
    """A repeated key would silently win over the first one; say so."""
    seen: set[str] = set()
    for key, _ in node.value:
        name = str(key.value)
        if name in seen:
            problems.add(key, f"duplicate {what} {name!r}")
        seen.add(name)


def _balanced(form: str) -> bool:
    """False for `max(0` or `x)`: what an unquoted comma inside `[...]` leaves behind."""
    depth = 0
    for char in form:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR and node.value.strip():
        return str(node.value)
    return None


def _texts(node: yaml.Node) -> list[tuple[yaml.Node, str | None]] | None:
    if not isinstance(node, yaml.SequenceNode):
        return None
    return [(item, _text(item)) for item in node.value]


@dataclass(slots=True)
class _QuestionReader:
    problems: _Problems
    seen_ids: dict[str, str]

    def read(self, node: yaml.Node) -> Question | None:
        if not isinstance(node, yaml.MappingNode):
            self.problems.add(node, "a question must be a mapping")
            return None
        fields = _mapping(node)
        before = self.problems.count
        _report_duplicates(node, self.problems, "field")
        for name, (key, _) in fields.items():
            if name not in QUESTION_FIELDS:
                self.problems.add(key, f"unknown field {name!r}")
        for name in REQUIRED_QUESTION_FIELDS:
            if name not in fields:
                self.problems.add(node, f"question is missing {name!r}")
        question_id = self._id(fields)
        topic = self._topic(fields)
        difficulty = self._difficulty(fields)
        prompt = self._prompt(fields)
        answers = self._answers(fields)
        points = self._key_points(fields, answers)
        sources = self._sources(fields)
        attribution = self._attribution(fields)
        if self.problems.count > before or None in (question_id, topic, difficulty, prompt):
            return None
        assert question_id and topic and difficulty and prompt
        return Question(
            question_id, topic, difficulty, prompt, answers, points, sources, attribution
        )

    def _id(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        if "id" not in fields:
            return None
        node = fields["id"][1]
        value = _text(node)
        if value is None or not ID_PATTERN.match(value):
            self.problems.add(node, "id must be a slug like 'what-is-dropout'")
            return None
        first = self.seen_ids.get(value)
        if first:
            self.problems.add(node, f"duplicate id {value!r} (first at {first})")
        else:
            self.seen_ids[value] = f"{self.problems.path}:{node.start_mark.line + 1}"
        return value

    def _topic(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        if "topic" not in fields:
            return None
        node = fields["topic"][1]
        value = _text(node)
        if value not in TOPICS:
            self.problems.add(node, f"unknown topic {node_value(node)!r}")
            return None
        return value

    def _difficulty(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> int | None:
        if "difficulty" not in fields:
            return None
        node = fields["difficulty"][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT:
            value = int(node.value)
            if MIN_DIFFICULTY <= value <= MAX_DIFFICULTY:
                return value
        self.problems.add(
            node, f"difficulty must be {MIN_DIFFICULTY} to {MAX_DIFFICULTY}, not {node_value(node)}"
        )
        return None

    def _prompt(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        if "prompt" not in fields:
            return None
        value = _text(fields["prompt"][1])
        if value is None:
            self.problems.add(fields["prompt"][1], "prompt must be non-empty text")
        return value

    def _answers(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> tuple[str, ...]:
        if "answers" not in fields:
            return ()
        node = fields["answers"][1]
        items = _texts(node)
        if not items:
            self.problems.add(node, "answers must be a non-empty list of texts")
            return ()
        for item, value in items:
            if value is None:
                self.problems.add(item, "empty or non-text answer")
        return tuple(value for _, value in items if value is not None)

    def _key_points(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], answers: tuple[str, ...]
    ) -> tuple[KeyPoint, ...]:
        if "key_points" not in fields:
            return ()
        key, node = fields["key_points"]
        if not isinstance(node, yaml.SequenceNode):
            self.problems.add(node, "key_points must be a list")
            return ()
        count = len(node.value)
        if not MIN_KEY_POINTS <= count <= MAX_KEY_POINTS:
            self.problems.add(
                key, f"{count} key points; a question needs {MIN_KEY_POINTS} to {MAX_KEY_POINTS}"
            )
        folded_answers = [fold(answer) for answer in answers]
        points: list[KeyPoint] = []
        for item in node.value:
            point = self._key_point(item)
            if point is None:
                continue
            points.append(point)
            for form in dict.fromkeys(point.forms):
                if not _balanced(form):
                    self.problems.add(
                        item,
                        f"key point form {form!r} has unbalanced brackets"
                        " (quote a form that contains a comma)",
                    )
            if len(point.text.split()) > MAX_KEY_POINT_WORDS:
                self.problems.add(
                    item, f"key point {point.text!r} is longer than {MAX_KEY_POINT_WORDS} words"
                )
            if answers and not any(mentions_folded(text, point) for text in folded_answers):
                self.problems.add(item, f"key point {point.text!r} is not mentioned in any answer")
        return tuple(points)

    def _key_point(self, node: yaml.Node) -> KeyPoint | None:
        if _text(node):
            return KeyPoint(str(node.value))
        if not isinstance(node, yaml.MappingNode):
            self.problems.add(node, "a key point is text or a mapping with 'text' and 'aliases'")
            return None
        fields = _mapping(node)
        _report_duplicates(node, self.problems, "key point field")
        for name, (key, _) in fields.items():
            if name not in KEY_POINT_FIELDS:
                self.problems.add(key, f"unknown key point field {name!r}")
        text = _text(fields["text"][1]) if "text" in fields else None
        if text is None:
            self.problems.add(node, "key point needs non-empty 'text'")
            return None
        aliases: list[str] = []
        if "aliases" in fields:
            items = _texts(fields["aliases"][1])
            if items is None or any(value is None for _, value in items):
                self.problems.add(fields["aliases"][1], "aliases must be a list of texts")
            else:
                aliases = [value for _, value in items if value]
        return KeyPoint(text, tuple(aliases))

    def _sources(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> tuple[SourceRef, ...]:
        if "sources" not in fields:
            return ()
        node = fields["sources"][1]
        refs: list[SourceRef] = []
        items = node.value if isinstance(node, yaml.SequenceNode) else None
        for item in items or []:
            if isinstance(item, yaml.MappingNode) and set(_mapping(item)) == SOURCE_FIELDS:
                parts = _mapping(item)
                refs.append(
                    SourceRef(str(parts["document"][1].value), str(parts["locator"][1].value))
                )
            else:
                self.problems.add(item, "a source is a mapping with 'document' and 'locator'")
        if items is None:
            self.problems.add(node, "sources must be a list")
        return tuple(refs)

    def _attribution(self, fields: dict[str, tuple[yaml.Node, yaml.Node]]) -> tuple[str, ...]:
        if "attribution" not in fields:
            return ()
        items = _texts(fields["attribution"][1])
        if items is None or any(value is None for _, value in items):
            self.problems.add(fields["attribution"][1], "attribution must be a list of texts")
            return ()
        return tuple(value for _, value in items if value)


def node_value(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else type(node).__name__


def _compose(text: str, problems: _Problems) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        context = ""
        if error.context and error.context_mark and error.context_mark.line + 1 != line:
            context = f" ({error.context} that starts at line {error.context_mark.line + 1})"
        problems.add(None, f"invalid YAML: {error.problem or error}{context}", line=line)
    except yaml.YAMLError as error:
        problems.add(None, f"invalid YAML: {error}")
    return None


def _read_deck(path: Path, report: DeckReport, seen_ids: dict[str, str]) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report.errors.append(f"{path}:1: cannot read deck: {error}")
        return
    read_deck_text_into(text, path, report, seen_ids)


def read_deck_text_into(
    text: str, path: Path, report: DeckReport, seen_ids: dict[str, str]
) -> None:
    """Check one deck given as text, adding to `report`; ids are unique across `seen_ids`."""
    problems = _Problems(path, report.errors)
    root = _compose(text, problems)
    if root is None:
        if not problems.count:
            problems.add(None, "empty deck: expected a mapping with 'questions'")
        return
    if not isinstance(root, yaml.MappingNode):
        problems.add(root, "a deck must be a mapping with a 'questions' list")
        return
    fields = _mapping(root)
    _report_duplicates(root, problems, "deck field")
    for name, (key, _) in fields.items():
        if name not in DECK_FIELDS:
            problems.add(key, f"unknown deck field {name!r}")
    questions = fields.get("questions")
    if questions is None or not isinstance(questions[1], yaml.SequenceNode):
        problems.add(questions[1] if questions else root, "'questions' must be a list")
        return
    reader = _QuestionReader(problems, seen_ids)
    report.questions.extend(q for item in questions[1].value if (q := reader.read(item)))


def read_decks(paths: Iterable[Path]) -> DeckReport:
    """Read and check every deck; ids must be unique across all of them."""
    report = DeckReport()
    seen_ids: dict[str, str] = {}
    for path in paths:
        report.files += 1
        _read_deck(path, report, seen_ids)
    return report


def read_deck_text(text: str, name: str) -> DeckReport:
    """Check one deck given as text (`name` labels the errors)."""
    report = DeckReport(files=1)
    read_deck_text_into(text, Path(name), report, {})
    return report
