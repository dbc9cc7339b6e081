"""Broken deck files: loading reports `file:line: message` errors (a `DeckError`), never a crash,
and never a half-loaded bank.

Decks are a valid deck with random damage (lines dropped, repeated or overwritten, values
replaced), random YAML documents, and arbitrary text, each written to a real file.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from content.bank import DeckError, load_bank
from tests.properties.markup import hostile

GOOD = (Path(__file__).parents[1] / "content" / "data" / "good.yaml").read_text(encoding="utf-8")
GOOD_LINES = GOOD.splitlines()
ERROR_LINE = re.compile(r"^.+\.yaml:\d+: .+")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    hostile(8),
    st.sampled_from(["", "~", "null", "0x1F", "1e999", "2026-03-02", "&anchor", "*alias"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """The good deck with a few lines dropped, repeated, or overwritten."""
    lines = list(GOOD_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "overwrite", "value", "indent"]))
        if action == "drop":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "overwrite":
            lines[at] = draw(hostile(6))
        elif action == "value" and ":" in lines[at]:
            key = lines[at].split(":", 1)[0]
            lines[at] = f"{key}: {yaml.safe_dump(draw(scalars), default_flow_style=True).strip()}"
        else:
            lines[at] = draw(st.sampled_from(["\t", " ", "   "])) + lines[at]
        if not lines:
            break
    return "\n".join(lines) + "\n"


deck_texts = st.one_of(
    damaged(),
    documents.map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
    documents.map(lambda data: yaml.safe_dump({"questions": [data]}, allow_unicode=True)),
    st.text(max_size=200),
)


@settings(max_examples=80, deadline=None)
@given(text=deck_texts)
@example(text="")
@example(text="questions: !!python/object/apply:os.system ['true']\n")
@example(text="questions:\n  - id: a\n    id: b\n")
@example(text="a: &x [*x]\n")
@example(text="\ufeffquestions: []\n")
@example(text=GOOD.replace("difficulty: 1", "difficulty: 99"))
def test_a_broken_deck_is_reported_with_file_and_line_never_a_crash(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        deck = Path(folder) / "deck.yaml"
        deck.write_text(text, encoding="utf-8")
        try:
            bank = load_bank(Path(folder))
        except DeckError as error:
            assert error.errors, "a DeckError names at least one problem"
            for line in error.errors:
                assert str(deck) in line and ERROR_LINE.match(line), line
            return
    # Loaded without complaint: then every question in it is complete.
    for topic in bank.topics():
        for question in bank.by_topic(topic):
            assert question.id and question.prompt and question.answers


def test_the_good_deck_loads() -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "deck.yaml").write_text(GOOD, encoding="utf-8")
        assert len(load_bank(Path(folder))) >= 1
