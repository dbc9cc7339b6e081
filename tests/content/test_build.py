"""`content build`: the committed decks are exactly what the sources and overrides produce."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from content.bank import DeckError
from content.build import (
    MERGES_PATH,
    BuildResult,
    build,
    check_rendered,
    render_decks,
    render_merges,
    write_build,
)
from content.decks import DECKS_DIR
from content.merging import similarity
from content.overrides import (
    Overrides,
    OverridesError,
    QuestionOverride,
    load_overrides,
    parse_key_points,
)
from tests.content.conftest import write


def _tree(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.yaml"))}


def test_committed_decks_equal_a_fresh_build(
    fresh_build: BuildResult, fresh_decks: dict[str, str]
) -> None:
    committed = {path.name: path.read_bytes() for path in sorted(DECKS_DIR.glob("*.yaml"))}
    assert committed == {name: text.encode("utf-8") for name, text in fresh_decks.items()}
    assert render_merges(fresh_build.decisions).encode("utf-8") == MERGES_PATH.read_bytes()
    assert check_rendered(fresh_decks) == []


def test_two_builds_are_byte_identical_and_keep_ids(
    fresh_build: BuildResult, fresh_decks: dict[str, str]
) -> None:
    second = build()
    assert [q.id for q in second.questions] == [q.id for q in fresh_build.questions]
    assert render_decks(second.questions) == fresh_decks
    assert render_merges(second.decisions) == render_merges(fresh_build.decisions)


def test_corrected_prompt_keeps_its_id() -> None:
    curated = load_overrides()
    fixed = Overrides(
        ids=curated.ids,
        merge=curated.merge,
        apart=curated.apart,
        questions={
            **curated.questions,
            "dropout": QuestionOverride(prompt="What is dropout, and how does it work?"),
        },
    )
    rebuilt = {q.id: q for q in build(overrides=fixed).questions}
    assert rebuilt["dropout"].prompt == "What is dropout, and how does it work?"


def test_merge_decisions_are_written_for_review(fresh_build: BuildResult) -> None:
    decisions = yaml.safe_load(render_merges(fresh_build.decisions))["candidates"]
    by_pair = {(d["left"], d["right"]): d for d in decisions}
    deep_learning = by_pair[("002:Part 1 Q0", "003:1")]
    assert deep_learning["decision"] == "merged" and deep_learning["similarity"] == 1.0
    padding = by_pair[("002:Part 4 Q12", "002:Part 4 Q13")]
    assert padding["decision"] == "kept apart" and padding["reason"] == "overrides: apart"
    assert any(d["decision"] == "kept apart" and "below" in d["reason"] for d in decisions)


def test_near_duplicates_are_found_automatically() -> None:
    assert similarity("What is Deep Learning?", "what is deep learning?") == 1.0
    assert (
        similarity(
            "Explain a Computational Graph.", "What do you understand by a computational graph?"
        )
        == 1.0
    )
    assert similarity("What is dropout?", "How to build the docker image") < 0.2


def test_automatic_merge_happens_without_curation(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    write(sources / "010_a.md", "## 1. What is dropout?\n\nDropout deactivates neurons.\n")
    write(sources / "011_b.md", "## 1. What is Dropout\n\nDropout prevents overfitting.\n")
    result = build(sources, Overrides())
    assert len(result.questions) == 1
    assert len(result.questions[0].answers) == 2
    assert result.decisions[0].merged and result.decisions[0].reason.startswith("automatic")
    assert any("not pinned" in warning for warning in result.warnings)


def test_build_refuses_to_write_decks_that_fail_check(tmp_path: Path) -> None:
    curated = load_overrides()
    broken = Overrides(
        ids=curated.ids,
        merge=curated.merge,
        apart=curated.apart,
        questions={
            **curated.questions,
            "dropout": QuestionOverride(key_points=parse_key_points(["quantum flux"], "test")),
        },
    )
    with pytest.raises(DeckError) as raised:
        write_build(build(overrides=broken), tmp_path / "decks", tmp_path / "merges.yaml")
    assert any("1 key points" in error for error in raised.value.errors)
    assert any("'quantum flux' is not mentioned" in error for error in raised.value.errors)
    assert not (tmp_path / "decks").exists() and not (tmp_path / "merges.yaml").exists()


def test_overrides_with_a_duplicate_id_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "overrides.yaml", "questions:\n  dropout: {}\n  dropout: {}\n")
    with pytest.raises(OverridesError, match="line 3: duplicate key 'dropout'"):
        load_overrides(path)


def test_the_curated_build_has_no_warnings(fresh_build: BuildResult) -> None:
    """Every id pinned, every curated id and merge key known, every answer fix still applies."""
    assert fresh_build.warnings == []


def test_answer_fixes_correct_the_text_and_stale_ones_are_reported(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    write(sources / "010_a.md", "## 1. What is tanh?\n\ntanh(z)=(e**z-e**-z/e**z+e**-z).\n")
    fixes = (("(e**z-e**-z/e**z+e**-z)", "(e**z-e**-z)/(e**z+e**-z)"), ("no such text", "x"))
    curated = Overrides(
        ids={"010:1": "tanh"}, questions={"tanh": QuestionOverride(answer_fixes=fixes)}
    )
    result = build(sources, curated)
    assert result.questions[0].answers == ("tanh(z)=(e**z-e**-z)/(e**z+e**-z).",)
    assert result.warnings == [
        "overrides.yaml questions.tanh.answer_fixes: no answer contains 'no such text'"
    ]


def test_malformed_answer_fixes_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "overrides.yaml", "questions:\n  tanh:\n    answer_fixes: [a, b]\n")
    with pytest.raises(OverridesError, match="answer_fixes is a list of"):
        load_overrides(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("topic: cooking", "questions.dropout: unknown topic 'cooking'; topics: fundamentals"),
        ("difficulty: 7", "questions.dropout: difficulty must be 1 to 3, not 7"),
        ("difficulty: true", "questions.dropout: difficulty must be 1 to 3, not True"),
        ('prompt: ""', "questions.dropout: prompt must be non-empty text"),
        ("colour: red", "questions.dropout: unknown fields \\['colour'\\]"),
    ],
)
def test_bad_question_overrides_are_rejected_with_their_place(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path / "overrides.yaml", f"questions:\n  dropout:\n    {entry}\n")
    with pytest.raises(OverridesError, match=message):
        load_overrides(path)
