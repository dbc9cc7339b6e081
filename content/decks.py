"""Writing deck files: deterministic, readable YAML (block scalars for answers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from content.model import TOPIC_TITLES, Question

DECKS_DIR = Path(__file__).resolve().parent / "decks"
DECK_FIELDS = frozenset({"deck", "title", "questions"})
QUESTION_FIELDS = frozenset(
    {"id", "topic", "difficulty", "prompt", "answers", "key_points", "sources", "attribution"}
)
REQUIRED_QUESTION_FIELDS = ("id", "topic", "difficulty", "prompt", "answers", "key_points")
KEY_POINT_FIELDS = frozenset({"text", "aliases"})
SOURCE_FIELDS = frozenset({"document", "locator"})

BUILT_HEADER = (
    "# Built by `studybot content build` from content/sources and content/overrides.yaml.\n"
    "# Do not edit by hand: curate in content/overrides.yaml and rebuild.\n"
)


class _FlowList(list[Any]):
    """A short list written inline: `aliases: [RNN, recurrent network]`."""


class _DeckDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, which reads better in long decks.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_DeckDumper.add_representer(str, _represent_str)
_DeckDumper.add_representer(_FlowList, _represent_flow)


def question_to_data(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "answers": list(question.answers),
        "key_points": [
            {"text": point.text, "aliases": _FlowList(point.aliases)}
            if point.aliases
            else {"text": point.text}
            for point in question.key_points
        ],
    }
    if question.sources:
        data["sources"] = [
            {"document": source.document, "locator": source.locator} for source in question.sources
        ]
    if question.attribution:
        data["attribution"] = list(question.attribution)
    return data


def dump_deck(questions: Sequence[Question], deck: str = "", header: str = "") -> str:
    """The YAML text of one deck: a mapping with an optional name/title and `questions:`."""
    data: dict[str, Any] = {}
    if deck:
        data["deck"] = deck
        data["title"] = TOPIC_TITLES.get(deck, deck)
    data["questions"] = [question_to_data(question) for question in questions]
    body = yaml.dump(
        data, Dumper=_DeckDumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return header + body


def deck_paths(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir() if path.suffix in {".yaml", ".yml"})
