"""The copy check over an indexed post gives exactly what the plain check over its texts gives.

A worker keeps each post's answers in a `PeerIndex` and checks an answer against all of them at
once; `guards.copied` checks the same texts one by one. Every outcome must agree, as members
answer, answer again (replacing their text) and are left out (their own answer), and as the
index grows past its first rows and its first 64 stems. `_reaches_similarity` stops early both
ways, and must still agree with difflib's full ratio.
"""

from __future__ import annotations

import random
from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading.grader import EmbeddingGrader
from bot.grading.guards import (
    COPY_SIMILARITY,
    _reaches_similarity,
    copied,
    longest_common_subsequence,
    resembles,
)
from bot.grading.peerindex import MAX_PEER_CHARS, PeerIndex, PostPeers
from content.bank import Bank

WORDS = [f"word{number}" for number in range(40)] + ["the", "a", "of", "gradient", "layer"]


def answer_like(rng: random.Random, base: list[str]) -> str:
    """An answer sharing much of `base`: some words dropped, some moved, some new."""
    words = [word for word in base if rng.random() > 0.3]
    for start in range(0, len(words) - 3, rng.randint(2, 5)):
        part = words[start : start + 3]
        rng.shuffle(part)
        words[start : start + 3] = part
    words += rng.sample(WORDS, rng.randint(0, 4))
    return " ".join(words)


def plain_copied(answer: str, texts: dict[int, str], excluded: frozenset[int]) -> bool:
    peers = [text[:MAX_PEER_CHARS] for member, text in texts.items() if member not in excluded]
    return copied(answer, peers)


def test_the_index_agrees_with_the_plain_check_as_members_answer_and_answer_again() -> None:
    rng = random.Random(11)
    base = rng.choices(WORDS, k=30)
    index = PeerIndex()
    texts: dict[int, str] = {}
    outcomes = set()
    for step in range(400):
        answer = answer_like(rng, base) if rng.random() < 0.8 else " ".join(base)
        member = rng.randrange(60)  # members often answer again: their text is replaced
        excluded = frozenset({member, rng.randrange(60)})
        expected = plain_copied(answer, texts, excluded)
        assert index.copied(answer, excluded) == expected, step
        outcomes.add(expected)
        index.set(member, answer)
        texts[member] = answer
        assert index.texts == texts and len(index) == len(texts)
    assert outcomes == {True, False}, "both outcomes must be exercised"


def test_the_index_grows_past_its_first_rows_and_stems() -> None:
    rng = random.Random(5)
    index = PeerIndex()
    texts: dict[int, str] = {}
    # Many different words: the stems outgrow one 64-bit block several times over.
    vocabulary = [f"term{number}x" for number in range(500)]
    for member in range(120):
        text = " ".join(rng.sample(vocabulary, 25))
        index.set(member, text)
        texts[member] = text
    for member in (0, 57, 119):
        copy = texts[member]
        assert index.copied(copy, frozenset()) == plain_copied(copy, texts, frozenset()) is True
        assert index.copied(copy, frozenset({member})) == plain_copied(
            copy, texts, frozenset({member})
        )
    fresh = " ".join(rng.sample(vocabulary, 25))
    assert index.copied(fresh, frozenset()) == plain_copied(fresh, texts, frozenset())


def test_an_empty_or_wordless_answer_is_never_a_copy() -> None:
    index = PeerIndex()
    index.set(1, "?!")
    index.set(2, "gradient descent updates the weights")
    assert not index.copied("", frozenset())
    assert not index.copied("?!", frozenset())
    assert index.copied("gradient descent updates the weights", frozenset())
    assert not index.copied("gradient descent updates the weights", frozenset({2}))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS[:8]), min_size=1, max_size=25),
    st.lists(st.sampled_from(WORDS[:8]), min_size=1, max_size=25),
)
def test_stopping_early_either_way_agrees_with_the_full_ratio(
    mine: list[str], theirs: list[str]
) -> None:
    matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
    expected = matcher.ratio() >= COPY_SIMILARITY
    assert _reaches_similarity(matcher, mine, theirs) == expected


def test_a_worker_grading_with_an_index_grades_as_with_the_texts(
    grader: EmbeddingGrader, bank: Bank
) -> None:
    rng = random.Random(3)
    question = bank.questions[0]
    sentences = question.reference.replace("\n", " ").split(". ")
    index = PeerIndex()
    texts: list[str] = []
    for member in range(40):
        answer = ". ".join(rng.sample(sentences, min(len(sentences), rng.randint(1, 3))))
        with_index = grader.grade(question, answer, PostPeers(index, frozenset()))
        assert with_index == grader.grade(question, answer, tuple(texts))
        assert PostPeers(index, frozenset()).texts() == texts
        index.set(member, answer)
        texts.append(answer)


def test_words_repeated_many_times_are_bounded_without_missing_a_copy() -> None:
    """Stems that occur three times or more are counted beyond the bit planes; a copy full of
    them must still be found, and a text that only shares the repeats must not be."""
    index = PeerIndex()
    texts = {
        1: "the loss the loss the loss goes down as the model learns the weights",
        2: "gradient gradient gradient descent descent steps along the slope",
    }
    for member, text in texts.items():
        index.set(member, text)
    for answer in (
        texts[1],
        "the loss the loss the loss goes down while the model learns its weights",
        "the the the the the the the loss",
        "gradient gradient gradient gradient descent descent descent",
    ):
        assert index.copied(answer, frozenset()) == plain_copied(answer, texts, frozenset())
    assert index.copied(texts[1], frozenset())


def common_subsequence_by_table(first: list[str], second: list[str]) -> int:
    """The textbook dynamic-programming length, to hold the bit-parallel one to."""
    previous = [0] * (len(second) + 1)
    for item in first:
        current = [0]
        for at, other in enumerate(second):
            current.append(
                previous[at] + 1 if item == other else max(previous[at + 1], current[at])
            )
        previous = current
    return previous[-1]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS[:6]), max_size=40),
    st.lists(st.sampled_from(WORDS[:6]), max_size=90),
)
def test_the_bit_parallel_subsequence_equals_the_table(first: list[str], second: list[str]) -> None:
    assert longest_common_subsequence(first, second) == common_subsequence_by_table(first, second)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS[:8]), min_size=1, max_size=25),
    st.lists(st.sampled_from(WORDS[:8]), min_size=1, max_size=25),
)
def test_resembling_equals_difflibs_ratio_check(mine: list[str], theirs: list[str]) -> None:
    matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
    expected = matcher.quick_ratio() >= COPY_SIMILARITY and matcher.ratio() >= COPY_SIMILARITY
    assert resembles(tuple(mine), tuple(theirs)) == expected
