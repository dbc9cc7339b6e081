"""The grader's fast paths give exactly what the slow paths they replace gave.

Grading was made faster without changing a single grade, so each shortcut is held to its
reference bit for bit: the Python WordPiece split to the `tokenizers` pipeline (on the whole
bank, the evaluation sets and generated text), the embedder with the split to the embedder
without it, the per-word vector table to computing every word afresh, `unit_clip` to
`np.clip`, the early-exit copy check to plain `difflib` ratios, and a flagged answer's early
cap to its full computation. A shortcut that only *usually* agrees would move grades near a
verdict boundary, which no grade test would notice.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.grading import load_rows
from bot.grading.alignment import unit_clip
from bot.grading.embedder import MAX_TOKENS, StaticEmbedder
from bot.grading.grader import EmbeddingGrader
from bot.grading.guards import CAPS, COPY_SIMILARITY, _reaches_similarity, copied, copy_stems
from bot.grading.keypoints import answer_vocabulary, coverage, initials_of, matcher_for
from bot.grading.scoring import combine
from bot.grading.wordpiece import MAX_WORD_CHARS
from bot.grading.wordrows import WordRows
from content.bank import Bank
from content.model import Question

Matrix = npt.NDArray[np.float32]
Pieces = tuple[int, ...]
Word = tuple[int | None, Pieces]

BENCH_DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
EVAL_FILES = ("grading_eval.jsonl", "general_eval.jsonl")
SPECIAL_NAMES = ("[PAD]", "[UNK]")
FEW = settings(max_examples=150, deadline=None)


@pytest.fixture(scope="module")
def embedder() -> StaticEmbedder:
    """An embedder of this module's own: its caches fill here and nowhere else."""
    return StaticEmbedder()


@pytest.fixture(scope="module")
def bank_texts(bank: Bank) -> list[str]:
    """Every text of the bank the grader embeds: prompts, answers, key points and aliases."""
    texts: list[str] = []
    for question in bank.questions:
        texts.append(question.prompt)
        texts.extend(question.answers)
        for point in question.key_points:
            texts.extend(point.forms)
    return list(dict.fromkeys(texts))


@pytest.fixture(scope="module")
def eval_texts() -> list[str]:
    """Every text of the two evaluation sets: real members' answers, references, questions."""
    texts: list[str] = []
    for name in EVAL_FILES:
        for line in (BENCH_DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.extend(
                str(row[field]) for field in ("answer", "question", "reference") if field in row
            )
    return list(dict.fromkeys(texts))


def tokenizer_words(embedder: StaticEmbedder, text: str) -> list[Word]:
    """The real tokenizer's ids, grouped into words by its own word indices."""
    encoding = embedder._tokenizer.encode(text, add_special_tokens=False)
    groups: list[tuple[int | None, list[int]]] = []
    for token, word in zip(encoding.ids, encoding.word_ids, strict=True):
        if groups and word is not None and groups[-1][0] == word:
            groups[-1][1].append(token)
        else:
            groups.append((word, [token]))
    return [(word, tuple(ids)) for word, ids in groups]


def split_words(embedder: StaticEmbedder, text: str) -> list[Word] | None:
    """The fast split in the same shape: word indices count up from 0, as the embedder uses."""
    split = embedder._pieces.split(text)
    return None if split is None else list(enumerate(split))


def is_plain(text: str) -> bool:
    """Text the fast path promises to take: printable ASCII and \\t \\n \\r, no special names."""
    allowed = all(" " <= char <= "~" or char in "\t\n\r" for char in text)
    return allowed and not any(name in text for name in SPECIAL_NAMES)


def assert_split_matches_tokenizer(embedder: StaticEmbedder, text: str) -> None:
    fast = split_words(embedder, text)
    if fast is not None:
        assert fast == tokenizer_words(embedder, text), text


# --- WordPiece split against the tokenizer ---------------------------------------------------


def test_every_bank_text_splits_as_the_tokenizer_does(
    embedder: StaticEmbedder, bank_texts: list[str]
) -> None:
    for text in bank_texts:
        assert_split_matches_tokenizer(embedder, text)


def test_every_evaluation_text_splits_as_the_tokenizer_does(
    embedder: StaticEmbedder, eval_texts: list[str]
) -> None:
    for text in eval_texts:
        assert_split_matches_tokenizer(embedder, text)


def test_plain_ascii_text_takes_the_fast_path(
    embedder: StaticEmbedder, bank_texts: list[str], eval_texts: list[str]
) -> None:
    # A split that gave up on everything would pass the equivalence tests and speed up nothing.
    plain = [text for text in bank_texts + eval_texts if is_plain(text)]
    assert len(plain) > 0.9 * len(bank_texts + eval_texts)
    assert [text for text in plain if embedder._pieces.split(text) is None] == []


@pytest.mark.parametrize(
    "text",
    [
        "café au lait",
        "naïve Bayes",
        "a — b",
        "“quoted”",
        "σ(x) = 1 / (1 + e^-x)",
        "non\u00a0breaking",
        "zero\u200bwidth",
        "emoji 😀",
        "control\x00char",
        "delete\x7fchar",
        "form\x0cfeed",
        "[UNK]",
        "[PAD]",
        "an [UNK] in the middle",
        "padded[PAD]",
    ],
)
def test_text_outside_plain_ascii_or_with_special_names_goes_to_the_tokenizer(
    embedder: StaticEmbedder, text: str
) -> None:
    assert embedder._pieces.split(text) is None


def long_word(length: int) -> str:
    """A word of real vocabulary pieces, cut to `length` characters."""
    return ("representation" * (length // 14 + 1))[:length]


_PRINTABLE = "".join(char for char in string.printable if char not in "\x0b\x0c")
_FRAGMENTS = st.one_of(
    st.text(alphabet=_PRINTABLE, max_size=24),
    st.text(alphabet=string.ascii_letters + string.digits + "[]'\"#", max_size=12),
    st.sampled_from(
        [
            *SPECIAL_NAMES,
            "[unk]",
            "[pad]",
            "[CLS]",
            "[UNK",
            "PAD]",
            "[ UNK ]",
            "##ing",
            "don't",
            "e.g.",
            "3.14",
            "\t",
            "\r\n",
            "\n\n",
        ]
    ),
    st.integers(MAX_WORD_CHARS - 3, MAX_WORD_CHARS + 20).map(long_word),
    st.text(alphabet="éüß中😀\u00a0\u200b\u2014\x00\x7f\x0b", min_size=1, max_size=3),
)
_TEXTS = st.lists(_FRAGMENTS, max_size=8).map("".join)


@FEW
@given(text=_TEXTS)
def test_generated_text_splits_as_the_tokenizer_does_or_not_at_all(
    embedder: StaticEmbedder, text: str
) -> None:
    assert_split_matches_tokenizer(embedder, text)
    if is_plain(text):
        assert embedder._pieces.split(text) is not None, text
    if not text.isascii() or any(name in text for name in SPECIAL_NAMES):
        assert embedder._pieces.split(text) is None, text


@pytest.mark.parametrize("length", [MAX_WORD_CHARS - 1, MAX_WORD_CHARS, MAX_WORD_CHARS + 1])
def test_words_at_the_length_limit_split_as_the_tokenizer_does(
    embedder: StaticEmbedder, length: int
) -> None:
    text = f"a {long_word(length)} b"
    assert split_words(embedder, text) == tokenizer_words(embedder, text)


# --- The embedder with and without the fast path ---------------------------------------------


@pytest.fixture
def slow_embedder(monkeypatch: pytest.MonkeyPatch) -> StaticEmbedder:
    """A fresh embedder that always uses the real tokenizer (the patch dies with the test)."""
    slow = StaticEmbedder()
    monkeypatch.setattr(slow._pieces, "split", lambda text: None)
    return slow


@pytest.fixture
def fast_embedder(monkeypatch: pytest.MonkeyPatch) -> tuple[StaticEmbedder, list[bool]]:
    """A fresh embedder, and a record of whether each of its splits took the fast path."""
    fast = StaticEmbedder()
    taken: list[bool] = []
    split = fast._pieces.split

    def recording(text: str) -> list[Pieces] | None:
        result = split(text)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fast._pieces, "split", recording)
    return fast, taken


def spread_of_texts(bank_texts: list[str], eval_texts: list[str]) -> list[str]:
    sample = bank_texts[::15] + eval_texts[::15]
    return [
        *sample,
        "",
        "   ",
        "?!",
        "an [UNK] and a [PAD] literal",
        "café, naïve: résumé",
        f"the {long_word(MAX_WORD_CHARS + 5)} word is unknown, {long_word(40)} is not",
        # Past MAX_TOKENS and past twice that: `token_ids`/`clauses` and `words` truncate there.
        " ".join(bank_texts[:40]),
        "gradient descent, " * (MAX_TOKENS // 2),
        "word " * (MAX_TOKENS * 3),
        *sample[:5],  # seen before: the words now come out of the table
    ]


def assert_same_arrays(left: list[Matrix], right: list[Matrix], text: str) -> None:
    assert len(left) == len(right), text
    for mine, theirs in zip(left, right, strict=True):
        assert mine.dtype == theirs.dtype, text
        assert np.array_equal(mine, theirs), text


def test_the_embedder_gives_the_same_results_with_and_without_the_fast_path(
    fast_embedder: tuple[StaticEmbedder, list[bool]],
    slow_embedder: StaticEmbedder,
    bank_texts: list[str],
    eval_texts: list[str],
) -> None:
    fast, taken = fast_embedder
    texts = spread_of_texts(bank_texts, eval_texts)
    longest = max(len(slow_embedder._tokenizer.encode(text).ids) for text in texts)
    assert longest > 2 * MAX_TOKENS  # every truncation point is crossed
    for text in texts:
        assert fast.token_ids(text) == slow_embedder.token_ids(text), text
        assert fast.words(text) == slow_embedder.words(text), text
        assert_same_arrays([fast.embed(text)], [slow_embedder.embed(text)], text)
        assert_same_arrays(
            list(fast.word_vectors(text)), list(slow_embedder.word_vectors(text)), text
        )
        fast_clauses = fast.clauses(text)
        slow_clauses = slow_embedder.clauses(text)
        assert len(fast_clauses) == len(slow_clauses), text
        for fast_clause, slow_clause in zip(fast_clauses, slow_clauses, strict=True):
            assert_same_arrays(list(fast_clause), list(slow_clause), text)
    assert any(taken) and not all(taken)


def test_word_vectors_from_the_table_equal_ones_computed_afresh(
    embedder: StaticEmbedder, bank_texts: list[str]
) -> None:
    for text in bank_texts[::25] + bank_texts[::25]:
        words = embedder.words(text)
        if not words:
            continue
        assert_same_arrays(
            list(embedder.word_vectors(text)), list(embedder._word_vectors(words)), text
        )


def test_embedding_one_text_equals_embedding_it_in_a_batch(
    embedder: StaticEmbedder, bank_texts: list[str]
) -> None:
    # `embed_many` always uses the tokenizer: the two must not drift apart.
    texts = [*bank_texts[::40], "word " * (MAX_TOKENS + 10)]
    batch = embedder.embed_many(texts)
    assert_same_arrays([embedder.embed(text) for text in texts], list(batch), "batch")


# --- WordRows against computing every word ---------------------------------------------------

DIMENSIONS = 8


class CountingCompute:
    """A stand-in for the embedder's per-word vectors: fixed values per word, calls counted."""

    def __init__(self) -> None:
        self.calls: list[list[Pieces]] = []

    def __call__(self, words: list[Pieces]) -> tuple[Matrix, Matrix]:
        self.calls.append(list(words))
        return self.values(words)

    @staticmethod
    def values(words: list[Pieces]) -> tuple[Matrix, Matrix]:
        vectors = np.zeros((len(words), DIMENSIONS), dtype=np.float32)
        norms = np.zeros(len(words), dtype=np.float32)
        for row, word in enumerate(words):
            generator = np.random.default_rng(list(word))
            vectors[row] = generator.standard_normal(DIMENSIONS, dtype=np.float32)
            norms[row] = generator.random(dtype=np.float32)
        return vectors, norms


_WORDS = st.lists(st.integers(0, 30), min_size=1, max_size=3).map(tuple)
_LOOKUPS = st.lists(
    st.lists(st.sampled_from([(1,), (2, 3), (4,), (5, 6, 7)]) | _WORDS, min_size=1, max_size=12),
    min_size=1,
    max_size=8,
)


def assert_lookup_equals_compute(rows: WordRows, words: list[Pieces]) -> None:
    compute = CountingCompute()
    got = rows.lookup(words, compute)
    expected = CountingCompute.values(words)
    assert_same_arrays(list(got), list(expected), repr(words))


@FEW
@given(lookups=_LOOKUPS, capacity=st.integers(1, 16))
def test_looked_up_rows_equal_computed_ones_whatever_the_capacity(
    lookups: list[list[Pieces]], capacity: int
) -> None:
    rows = WordRows(DIMENSIONS, capacity)
    for words in lookups:
        assert_lookup_equals_compute(rows, words)


def test_rows_stay_right_after_the_table_fills_and_starts_over() -> None:
    rows = WordRows(DIMENSIONS, capacity=4)
    sequence = [[(1,), (2,), (1,)], [(3,), (4,)], [(5,), (1,), (5,)], [(2,), (6,), (7,), (2,)]]
    for words in sequence * 3:
        assert_lookup_equals_compute(rows, words)


def test_a_list_with_more_distinct_words_than_capacity_is_computed_whole() -> None:
    rows = WordRows(DIMENSIONS, capacity=4)
    words: list[Pieces] = [(index,) for index in range(10)] + [(3,), (0,)]
    assert_lookup_equals_compute(rows, words)
    assert_lookup_equals_compute(rows, words[:3])  # the table is still usable afterwards


def test_a_list_over_capacity_with_only_a_few_new_words_still_works() -> None:
    # Few words are missing, but once the full table starts over every distinct word of the
    # list needs a row, and there are more of them than rows.
    rows = WordRows(DIMENSIONS, capacity=4)
    assert_lookup_equals_compute(rows, [(1,), (2,), (3,)])
    assert_lookup_equals_compute(rows, [(1,), (2,), (3,), (4,), (5,)])


def test_known_words_are_not_computed_again() -> None:
    rows = WordRows(DIMENSIONS, capacity=16)
    rows.lookup([(1,), (2,)], CountingCompute())
    again = CountingCompute()
    got = rows.lookup([(2,), (1,), (2,)], again)
    assert again.calls == []
    assert_same_arrays(list(got), list(CountingCompute.values([(2,), (1,), (2,)])), "again")


# --- unit_clip against np.clip ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_unit_clip_equals_np_clip(seed: int) -> None:
    generator = np.random.default_rng(seed)
    shape = tuple(int(size) for size in generator.integers(0, 40, size=2))
    matrix = generator.normal(0.5, 1.0, size=shape).astype(np.float32)
    # The boundaries themselves, and the values just inside and outside them.
    if matrix.size:
        edges = np.array([0.0, 1.0, -0.0, 1e-8, -1e-8, 1 - 1e-7, 1 + 1e-7], dtype=np.float32)
        matrix.flat[: len(edges)] = edges[: matrix.size]
    expected = np.clip(matrix, 0, 1)
    clipped = unit_clip(matrix)
    assert clipped.dtype == np.float32
    assert np.array_equal(clipped, expected)
    assert np.array_equal(matrix, expected)  # in place: the caller's matrix is the result


# --- The copy check against plain difflib ----------------------------------------------------

# Few words, so random answers share most of them and land on both sides of the threshold;
# inflected forms share a stem ("model", "models").
VOCABULARY = ("loss", "model", "models", "train", "training", "data", "the", "gradient", "x")


def copied_reference(answer: str, peers: list[str]) -> bool:
    """The copy check as it reads in its definition: both difflib ratios against every peer."""
    mine = copy_stems(answer)[0]
    if not mine:
        return False
    for peer in peers:
        theirs = copy_stems(peer)[0]
        if not theirs:
            continue
        matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
        if matcher.quick_ratio() >= COPY_SIMILARITY and matcher.ratio() >= COPY_SIMILARITY:
            return True
    return False


_STEMS = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=14)


@settings(max_examples=300, deadline=None)
@given(mine=_STEMS, theirs=_STEMS)
# Exactly at the threshold (7 of 10 words each side match: 14 / 20), and just under it.
@example(mine=["loss"] * 7 + ["data"] * 3, theirs=["loss"] * 7 + ["train"] * 3)
@example(mine=["loss"] * 7 + ["data"] * 3, theirs=["loss"] * 7 + ["train"] * 4)
def test_early_exit_similarity_equals_the_full_ratio(mine: list[str], theirs: list[str]) -> None:
    matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
    expected = matcher.ratio() >= COPY_SIMILARITY
    assert _reaches_similarity(matcher, mine, theirs) == expected


@st.composite
def edited(draw: st.DrawFn, base: list[str]) -> list[str]:
    """`base` with a few words inserted and one dropped: a copy lightly disguised."""
    words = list(base)
    if words and draw(st.booleans()):
        del words[draw(st.integers(0, len(words) - 1))]
    at = draw(st.integers(0, len(words)))
    return words[:at] + draw(st.lists(st.sampled_from(VOCABULARY), max_size=3)) + words[at:]


@st.composite
def answers_and_peers(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Peers, and several answers to hold against the same peers, some of them edited copies."""
    peer_words = draw(st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=12), max_size=4))
    answers: list[list[str]] = []
    for _ in range(draw(st.integers(1, 4))):
        if peer_words and draw(st.booleans()):
            answers.append(draw(edited(draw(st.sampled_from(peer_words)))))
        else:
            answers.append(draw(st.lists(st.sampled_from(VOCABULARY), max_size=12)))
    return [" ".join(words) for words in answers], [" ".join(words) for words in peer_words]


@FEW
@given(case=answers_and_peers())
def test_copied_equals_the_plain_difflib_check(case: tuple[list[str], list[str]]) -> None:
    answers, peers = case
    for answer in answers:
        assert copied(answer, peers) == copied_reference(answer, peers), (answer, peers)


def test_copied_agrees_on_both_outcomes_over_many_answers_to_the_same_peers() -> None:
    # The cached matcher of a peer is reused for every answer: each must still be judged alone.
    generator = random.Random(11)

    def sentence(length: int) -> str:
        return " ".join(generator.choice(VOCABULARY) for _ in range(length))

    peers = [sentence(generator.randint(3, 12)) for _ in range(4)]
    outcomes: list[bool] = []
    for _ in range(400):
        answer = generator.choice([*peers, sentence(generator.randint(1, 12))])
        if generator.random() < 0.5:
            answer += " " + sentence(generator.randint(0, 3))
        outcome = copied(answer, peers)
        assert outcome == copied_reference(answer, peers), answer
        outcomes.append(outcome)
    assert any(outcomes) and not all(outcomes)


CopyCheck = Callable[[str, list[str]], bool]


@pytest.mark.parametrize("check", [copied, copied_reference])
def test_a_copy_is_caught_and_an_unrelated_answer_is_not(check: CopyCheck) -> None:
    peer = "The loss function measures how far the predictions are from the targets."
    assert check(peer, [peer])
    assert check(peer.replace("measures", "shows"), ["unrelated words here", peer])
    assert not check("Dropout randomly zeroes activations during training.", [peer])
    assert not check(peer, [])


# A flagged answer whose key points alone reach its cap is given the cap without its
# similarity signals being worked out. Checked against the full computation on every labelled
# answer, flagged several ways: as a copy of itself, and as written (some are echo, keyword or
# copy answers already).
def flagged_cases(bank: Bank) -> list[tuple[Question, str, tuple[str, ...]]]:
    rows = load_rows(bank)
    return [(row.question, row.answer, (row.answer,)) for row in rows] + [
        (row.question, row.answer, row.peers) for row in rows
    ]


def test_a_flagged_answer_given_its_cap_early_scores_as_the_full_computation(
    grader: EmbeddingGrader, bank: Bank
) -> None:
    shortcuts = 0
    for question, answer, peers in flagged_cases(bank):
        grade = grader.grade(question, answer, peers)
        reference = grader._cached(f"id:{question.id}", lambda: pytest.fail("not prepared"))
        found = coverage(reference.matchers, answer_vocabulary(answer))
        flags = [flag for flag in grade.flags if flag != "truncated"]
        full, found_in_full = grader._score(reference, answer, found, flags)
        assert (grade.score, grade.covered) == (
            full,
            tuple(m.text for m, hit in zip(reference.matchers, found_in_full, strict=True) if hit),
        ), answer
        if flags and combine(grader._floor(reference, found)) >= min(CAPS[f] for f in flags):
            shortcuts += 1
    assert shortcuts > 100, "the shortcut should be taken for most copies"


def test_key_points_found_with_the_initials_filter_equal_those_found_without(bank: Bank) -> None:
    """Joined word pairs are left out when no key point starts with their letter; no key
    point may be found (or missed) differently for it. Hyphenated and misspelt answers too."""
    rows = load_rows(bank)
    checked = 0
    for row in rows:
        matchers = [matcher_for(point) for point in row.question.key_points]
        initials = initials_of(matchers)
        for answer in (row.answer, row.answer.replace(" ", "-"), row.answer.replace("e", "")):
            filtered = coverage(matchers, answer_vocabulary(answer, initials))
            assert filtered == coverage(matchers, answer_vocabulary(answer)), answer
            checked += any(filtered)
    assert checked > 100, "the answers must name key points for the check to mean anything"
