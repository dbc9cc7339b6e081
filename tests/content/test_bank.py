"""The runtime bank: lookups, and the promises every question in it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.bank import Bank, DeckError, load_bank
from content.build import BuildResult, source_key
from content.keypoints import mentioned_anywhere, mentions
from content.model import TOPICS, KeyPoint
from content.overrides import load_overrides
from content.validate import ID_PATTERN
from tests.content.conftest import write


def test_every_question_has_three_to_eight_mentioned_key_points(bank: Bank) -> None:
    for question in bank.questions:
        assert 3 <= len(question.key_points) <= 8, question.id
        for point in question.key_points:
            assert 1 <= len(point.text.split()) <= 5, (question.id, point.text)
            assert mentioned_anywhere(question.answers, point), (question.id, point.text)


def test_no_key_point_is_given_away_by_its_prompt(bank: Bank) -> None:
    """A key point (or alias) the prompt already says is credit for repeating the question."""
    echoes = [
        (question.id, form)
        for question in bank.questions
        for point in question.key_points
        for form in point.forms
        if mentions(question.prompt, KeyPoint(form))
    ]
    assert echoes == []


def test_key_point_forms_are_whole_phrases(bank: Bank) -> None:
    """`max(0` and `x)` are what an unquoted comma in `[max(0, x), ...]` leaves behind."""
    for question in bank.questions:
        for point in question.key_points:
            for form in point.forms:
                assert form.count("(") == form.count(")"), (question.id, form)
                assert len(form.strip()) >= 2, (question.id, form)


def test_records_are_complete(bank: Bank) -> None:
    assert len(bank.questions) > 100
    for question in bank.questions:
        assert ID_PATTERN.match(question.id)
        assert question.topic in TOPICS
        assert 1 <= question.difficulty <= 3
        assert question.prompt.strip() and all(answer.strip() for answer in question.answers)
        assert question.sources, question.id


def test_ids_are_unique(bank: Bank) -> None:
    ids = [question.id for question in bank.questions]
    assert len(ids) == len(set(ids))


def test_every_id_is_pinned_to_its_sources(fresh_build: BuildResult) -> None:
    pins = load_overrides().ids
    for question in fresh_build.questions:
        keys = [source_key(source.document, source.locator) for source in question.sources]
        assert {pins.get(key) for key in keys} == {question.id}


def test_duplicates_across_documents_become_one_question(bank: Bank) -> None:
    deep_learning = bank.find("deep-learning")
    assert deep_learning is not None
    assert {source.document[:3] for source in deep_learning.sources} == {"002", "003"}
    assert len(deep_learning.answers) == 2
    backprop = bank.find("how-backpropagation-works")
    assert backprop is not None
    assert len(backprop.sources) == 4 and len(backprop.answers) == 4


def test_find_and_by_topic(bank: Bank) -> None:
    dropout = bank.find("dropout")
    assert dropout is not None and dropout.topic == "regularization"
    assert bank.find("no-such-question") is None
    cnn = bank.by_topic("cnn")
    assert cnn and all(question.topic == "cnn" for question in cnn)
    assert bank.by_topic("cooking") == ()
    assert set(bank.topics()) == {question.topic for question in bank.questions}
    assert list(bank.topics()) == [topic for topic in TOPICS if topic in bank.topics()]


def test_search_ranks_plausible_matches_first(bank: Bank) -> None:
    lstm = bank.search("what is an LSTM")
    assert lstm and lstm[0].id == "lstm-how-it-works"
    assert bank.search("adam optimizer", limit=2)[0].id in {
        "adam-optimization-algorithm",
        "adam-used-most-time-nns",
    }
    assert len(bank.search("gradient", limit=3)) == 3
    assert bank.search("pizza margherita recipe") == []
    assert bank.search("") == []


def test_load_bank_reports_every_problem_of_a_broken_deck(tmp_path: Path) -> None:
    write(tmp_path / "good.yaml", (Path(__file__).parent / "data" / "good.yaml").read_text())
    write(tmp_path / "bad.yaml", "questions:\n  - id: Not A Slug\n    topic: nope\n")
    with pytest.raises(DeckError) as raised:
        load_bank(tmp_path)
    messages = raised.value.errors
    assert f"{tmp_path / 'bad.yaml'}:2: id must be a slug like 'what-is-dropout'" in messages
    assert f"{tmp_path / 'bad.yaml'}:3: unknown topic 'nope'" in messages
    assert any(":2: question is missing 'answers'" in message for message in messages)


def test_load_bank_of_a_good_deck(tmp_path: Path) -> None:
    write(tmp_path / "good.yaml", (Path(__file__).parent / "data" / "good.yaml").read_text())
    loaded = load_bank(tmp_path)
    assert [question.id for question in loaded.questions] == ["what-is-dropout"]
    assert loaded.questions[0].key_points[0].aliases == ("drop-out",)


def test_missing_deck_directory_is_a_deck_error(tmp_path: Path) -> None:
    with pytest.raises(DeckError):
        load_bank(tmp_path / "absent")


def test_extra_decks_load_beside_the_built_bank(tmp_path: Path, bank: Bank) -> None:
    own = tmp_path / "own"
    own.mkdir()
    write(own / "ours.yaml", (Path(__file__).parent / "data" / "good.yaml").read_text())
    built = bank
    combined = load_bank(extra_dirs=(own,))
    assert len(combined) == len(built) + 1
    assert combined.find("what-is-dropout") is not None
    assert combined.find(built.questions[0].id) == built.questions[0]


def test_an_extra_deck_reusing_a_built_id_is_reported_with_its_place(
    tmp_path: Path, bank: Bank
) -> None:
    built_id = bank.questions[0].id
    text = (Path(__file__).parent / "data" / "good.yaml").read_text()
    write(tmp_path / "clash.yaml", text.replace("what-is-dropout", built_id))
    with pytest.raises(DeckError) as raised:
        load_bank(extra_dirs=(tmp_path,))
    assert any(
        message.startswith(f"{tmp_path / 'clash.yaml'}:2:") and built_id in message
        for message in raised.value.errors
    )
    with pytest.raises(DeckError, match="no such deck directory"):
        load_bank(extra_dirs=(tmp_path / "absent",))
