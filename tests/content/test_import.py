"""`content import`: a community document in any common layout becomes a valid deck."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from content.importer import import_document
from content.validate import read_decks
from tests.content.conftest import write

DROPOUT = (
    "Dropout is a regularization technique: it randomly deactivates neurons during training,"
    " which reduces overfitting and improves generalization."
)
BATCH_NORM = (
    "Batch normalization normalizes the activations of each layer over the mini-batch using the"
    " mean and standard deviation, which stabilizes training and allows a higher learning rate."
)
LSTM = (
    "An LSTM is a recurrent neural network with gates (input gate, forget gate, output gate) and"
    " a memory cell, so it keeps long-term dependencies in sequential data and avoids the"
    " vanishing gradient problem."
)

LAYOUTS = {
    "heading-numbered": f"# Notes\n\n## 1. What is dropout?\n\n{DROPOUT}\n\n### Details\n\n"
    f"More text.\n\n## 2. What is batch normalization?\n\n{BATCH_NORM}\n",
    "heading-q": f"# Deck\n## Part 1: Basics\n### Q1- What is dropout?\n- {DROPOUT}\n\n"
    f"## Part 2: Sequences\n### Q1- Explain an LSTM\n- {LSTM}\n",
    "bold-numbered": f"**My Deck****1)What is dropout?**\n\n{DROPOUT}\n\n"
    f"#### **3) What is batch normalization?**\n\n{BATCH_NORM}\n",
    "plain-numbered": f"1)What is dropout?\n{DROPOUT}\n\n2)What is batch normalization?\n"
    f"{BATCH_NORM}\n\n3)What is an LSTM?\n{LSTM}\n",
    "heading": f"# Study notes\n\n# What is dropout?\n{DROPOUT}\n\n# What is an LSTM?\n{LSTM}\n",
    "q-and-a": f"Q: What is dropout?\nA: {DROPOUT}\n\nQ: What is batch normalization?\n"
    f"A: {BATCH_NORM}\n",
    "q-and-a-bold": f"**Q: What is dropout?**\n\n{DROPOUT}\n\n**Q: What is an LSTM?**\n\n{LSTM}\n",
    "q-numbered-ans": f"Q1. What is dropout?\nAns: {DROPOUT}\n\nQ2. What is an LSTM?\n"
    f"Ans: {LSTM}\n\nQ3. What is batch normalization?\nAns: {BATCH_NORM}\n",
    "any-heading-level": f"## Chapter\n\n### What is dropout?\n\n{DROPOUT}\n\n#### Note\n\n"
    f"extra\n\n### Why use batch normalization?\n\n{BATCH_NORM}\n",
}
EXPECTED_PROMPTS = {
    "heading-numbered": ["What is dropout?", "What is batch normalization?"],
    "heading-q": ["What is dropout?", "Explain an LSTM"],
    "bold-numbered": ["What is dropout?", "What is batch normalization?"],
    "plain-numbered": ["What is dropout?", "What is batch normalization?", "What is an LSTM?"],
    "heading": ["What is dropout?", "What is an LSTM?"],
    "q-and-a": ["What is dropout?", "What is batch normalization?"],
    "q-and-a-bold": ["What is dropout?", "What is an LSTM?"],
    "q-numbered-ans": ["What is dropout?", "What is an LSTM?", "What is batch normalization?"],
    "any-heading-level": ["What is dropout?", "Why use batch normalization?"],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_finds_exactly_its_questions(layout: str, tmp_path: Path) -> None:
    result = import_document(LAYOUTS[layout], f"{layout}.md")
    assert [q.prompt for q in result.questions] == EXPECTED_PROMPTS[layout]
    assert result.problems == []
    for question in result.questions:
        assert not question.answers[0].startswith(("A:", "Ans:", "**"))
        assert "dropout" not in question.prompt.lower() or "Dropout" in question.answers[0]


def test_import_writes_a_deck_that_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "community.md", LAYOUTS["plain-numbered"] + "4)What is GRU?\n\n")
    output = tmp_path / "community.yaml"
    assert main(["content", "import", str(source), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "found 3 questions" in out
    assert f"{source.name}:9: skipped 'What is GRU?': no answer text" in out
    assert read_decks([output]).errors == []
    deck = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert [q["prompt"] for q in deck["questions"]] == EXPECTED_PROMPTS["plain-numbered"]
    assert main(["content", "check", str(output)]) == 0


def test_import_without_output_prints_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "qa.txt", LAYOUTS["q-and-a"])
    assert main(["content", "import", str(source), "--topic", "regularization"]) == 0
    captured = capsys.readouterr()
    deck = yaml.safe_load(captured.out)
    assert {q["topic"] for q in deck["questions"]} == {"regularization"}
    assert "found 2 questions" in captured.err


def test_import_of_a_document_without_questions_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "prose.md", "Just some prose.\n\nNo questions here.\n")
    assert main(["content", "import", str(source)]) == 1
    assert "no questions found" in capsys.readouterr().err
    assert main(["content", "import", str(tmp_path / "absent.md")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_import_of_the_seed_documents_matches_the_hand_counts() -> None:
    from tests.content.conftest import SOURCE_FILES
    from tests.content.test_sources import EXPECTED_COUNTS

    for prefix, path in SOURCE_FILES.items():
        result = import_document(path.read_text(encoding="utf-8"), path.name)
        assert len(result.questions) == EXPECTED_COUNTS[prefix]
        assert result.problems == []


def test_skipped_parts_are_listed_in_document_order_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(
        tmp_path / "faq.md",
        f"# FAQ\n\n## What is dropout?\n\n{DROPOUT}\n\n## Links\n\nSee the website.\n\n"
        f"## What is a ROC curve?\n\n## What is an LSTM?\n\n{LSTM}\n",
    )
    assert main(["content", "import", str(source), "--output", str(tmp_path / "faq.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"found 2 questions in {source} (layout: heading)"
    assert (
        out[1]
        == "skipped: faq.md:7: skipped 'Links': only 1 key point found in the answer (need 3)"
    )
    assert out[2] == "skipped: faq.md:11: skipped 'What is a ROC curve?': no answer text"


def test_import_to_an_unwritable_path_is_a_friendly_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "qa.txt", LAYOUTS["q-and-a"])
    target = tmp_path / "missing-dir" / "deck.yaml"
    assert main(["content", "import", str(source), "--output", str(target)]) == 1
    assert f"cannot write {target}" in capsys.readouterr().err
    assert not target.exists()
