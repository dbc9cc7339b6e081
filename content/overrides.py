"""The hand-curated overrides file: pinned ids, merge decisions and per-question fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from content.model import MAX_DIFFICULTY, MIN_DIFFICULTY, TOPICS, KeyPoint

OVERRIDES_PATH = Path(__file__).resolve().parent / "overrides.yaml"
_QUESTION_FIELDS = frozenset(
    {"prompt", "topic", "difficulty", "key_points", "primary", "answer_fixes"}
)


class OverridesError(ValueError):
    """The overrides file is malformed; the message says where."""


class _StrictLoader(yaml.SafeLoader):
    """Rejects duplicate keys: a second entry for one id would silently drop curation."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise OverridesError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True, slots=True)
class QuestionOverride:
    prompt: str | None = None
    topic: str | None = None
    difficulty: int | None = None
    key_points: tuple[KeyPoint, ...] | None = None
    primary: str | None = None
    # (wrong text, corrected text) pairs applied to the answers: typos and broken formulas in
    # the sources are corrected here, so the sources stay as they were published.
    answer_fixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Overrides:
    ids: dict[str, str] = field(default_factory=dict)
    merge: tuple[tuple[str, ...], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    questions: dict[str, QuestionOverride] = field(default_factory=dict)

    def decided_apart(self, left: str, right: str) -> bool:
        return (left, right) in self.apart or (right, left) in self.apart


def _is_form(value: Any) -> bool:
    """Key point forms are text; bare numbers like `16` count as their text."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def parse_key_points(raw: Any, where: str) -> tuple[KeyPoint, ...]:
    if not isinstance(raw, list):
        raise OverridesError(f"{where}: key_points must be a list")
    points: list[KeyPoint] = []
    for item in raw:
        if isinstance(item, str):
            points.append(KeyPoint(item))
        elif isinstance(item, list) and item and all(_is_form(form) for form in item):
            points.append(KeyPoint(str(item[0]), tuple(str(form) for form in item[1:])))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            aliases = item.get("aliases") or []
            points.append(KeyPoint(item["text"], tuple(str(alias) for alias in aliases)))
        else:
            raise OverridesError(
                f"{where}: a key point is a string, [text, alias, ...] or {{text, aliases}}"
            )
    return tuple(points)


def _answer_fixes(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        for pair in raw
    ):
        raise OverridesError(f"{where}: answer_fixes is a list of [wrong text, corrected text]")
    return tuple((str(pair[0]), str(pair[1])) for pair in raw)


def _check_scalars(raw: dict[str, Any], where: str) -> None:
    """A bad topic would drop the question from every deck; say so instead."""
    topic = raw.get("topic")
    if topic is not None and topic not in TOPICS:
        raise OverridesError(f"{where}: unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    difficulty = raw.get("difficulty")
    if difficulty is not None and (
        not isinstance(difficulty, int)
        or isinstance(difficulty, bool)
        or not MIN_DIFFICULTY <= difficulty <= MAX_DIFFICULTY
    ):
        raise OverridesError(
            f"{where}: difficulty must be {MIN_DIFFICULTY} to {MAX_DIFFICULTY}, not {difficulty!r}"
        )
    for name in ("prompt", "primary"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise OverridesError(f"{where}: {name} must be non-empty text")


def _question_override(question_id: str, raw: Any) -> QuestionOverride:
    where = f"questions.{question_id}"
    if not isinstance(raw, dict):
        raise OverridesError(f"{where}: must be a mapping")
    unknown = set(raw) - _QUESTION_FIELDS
    if unknown:
        raise OverridesError(f"{where}: unknown fields {sorted(unknown)}")
    _check_scalars(raw, where)
    points = raw.get("key_points")
    return QuestionOverride(
        prompt=raw.get("prompt"),
        topic=raw.get("topic"),
        difficulty=raw.get("difficulty"),
        key_points=parse_key_points(points, where) if points is not None else None,
        primary=raw.get("primary"),
        answer_fixes=_answer_fixes(raw.get("answer_fixes"), where),
    )


def _pairs(raw: Any, name: str) -> tuple[tuple[str, str], ...]:
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in raw):
        raise OverridesError(f"{name}: each entry is a pair of source keys")
    return tuple((str(pair[0]), str(pair[1])) for pair in raw)


def load_overrides(path: Path = OVERRIDES_PATH) -> Overrides:
    """Read overrides.yaml; a missing file means no curation yet."""
    if not path.exists():
        return Overrides()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader) or {}
    except (yaml.YAMLError, OverridesError) as error:
        raise OverridesError(f"{path}: {error}") from error
    if not isinstance(raw, dict):
        raise OverridesError(f"{path}: must be a mapping")
    groups = raw.get("merge") or []
    if not all(isinstance(group, list) and len(group) >= 2 for group in groups):
        raise OverridesError("merge: each entry is a list of two or more source keys")
    return Overrides(
        ids={str(key): str(value) for key, value in (raw.get("ids") or {}).items()},
        merge=tuple(tuple(str(key) for key in group) for group in groups),
        apart=_pairs(raw.get("apart") or [], "apart"),
        questions={
            str(key): _question_override(str(key), value)
            for key, value in (raw.get("questions") or {}).items()
        },
    )
