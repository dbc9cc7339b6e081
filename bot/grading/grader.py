"""The grader: semantic similarity to the best reference plus key-point coverage, then guards."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from bot.core.grading import Grade, Verdict
from bot.grading import guards
from bot.grading.alignment import WordSet, align, novelty
from bot.grading.embedder import StaticEmbedder
from bot.grading.keypoints import (
    PointMatcher,
    answer_vocabulary,
    coverage,
    derive_points,
    initials_of,
    matcher_for,
)
from bot.grading.peerindex import MAX_PEER_CHARS, PostPeers
from bot.grading.scoring import Features, combine
from bot.grading.semantic import PointForms, paraphrased, prepare_points, window_vectors
from bot.grading.spelling import Speller
from bot.grading.text import content_stems, sentences, words
from content.model import KeyPoint, Question

MAX_ANSWER_CHARS = 4000
MAX_PROMPT_CHARS = 2000
MAX_REFERENCE_CHARS = 16000
CHUNK_WORDS = 40
MAX_CACHED_REFERENCES = 4096
# A key point the question itself names is covered by merely echoing the question.
PROMPT_POINT_WEIGHT = 0.25
# Key points said in other words count only for an answer that already earns half marks on its
# words and meaning: paraphrase credit completes an answer, it does not rescue one about something
# else. At 40 (the partial band) two wrong answers of the tuning split gained a point; at 50, none.
PARAPHRASE_FROM = 50
# Other members' answers to the post: as texts, or kept and indexed per post (a worker's).
Peers = Sequence[str] | PostPeers


@dataclass(frozen=True, slots=True)
class Reference:
    """Everything about a question the grader computes once, before any answer arrives."""

    prompt: str
    answer_vectors: npt.NDArray[np.float32]
    chunk_vectors: npt.NDArray[np.float32]
    prompt_vector: npt.NDArray[np.float32]
    matchers: tuple[PointMatcher, ...]
    initials: frozenset[str]
    point_forms: PointForms
    point_weights: tuple[float, ...]
    known_words: frozenset[str]
    reference_stems: frozenset[str]
    shortest_reference: int
    prompt_words: WordSet
    words: tuple[WordSet, ...]
    speller: Speller
    derived: bool


def chunk(text: str, size: int = CHUNK_WORDS) -> list[str]:
    """Sentence groups of about `size` words, so a short answer can match part of a long one."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences(text):
        current.append(sentence)
        if sum(len(part.split()) for part in current) >= size:
            chunks.append(" ".join(current))
            current = []
    if current:
        chunks.append(" ".join(current))
    return chunks


class EmbeddingGrader:
    """Implements the `Grader` port; reference work is cached per question id."""

    def __init__(self, embedder: StaticEmbedder) -> None:
        self._embedder = embedder
        self._references: OrderedDict[str, Reference] = OrderedDict()
        self.reference_builds = 0

    def grade(self, question: Question, answer: str, peers: Peers = ()) -> Grade:
        reference = self._cached(
            f"id:{question.id}",
            lambda: self._prepare(question.prompt, question.answers, question.key_points),
        )
        return self._grade(reference, answer, peers)

    def grade_against(
        self, prompt: str, reference_text: str, answer: str, peers: Sequence[str] = ()
    ) -> Grade:
        """Grade against a reference answer that is not in the bank; key points are derived."""
        prompt, reference_text = prompt[:MAX_PROMPT_CHARS], reference_text[:MAX_REFERENCE_CHARS]
        digest = hashlib.sha1(f"{prompt}\0{reference_text}".encode()).hexdigest()
        reference = self._cached(
            f"text:{digest}", lambda: self._prepare_text(prompt, reference_text)
        )
        return self._grade(reference, answer, peers)

    def _cached(self, key: str, build: Callable[[], Reference]) -> Reference:
        found = self._references.get(key)
        if found is not None:
            self._references.move_to_end(key)
            return found
        reference = build()
        self.reference_builds += 1
        self._references[key] = reference
        if len(self._references) > MAX_CACHED_REFERENCES:
            self._references.popitem(last=False)
        return reference

    def _prepare_text(self, prompt: str, reference_text: str) -> Reference:
        text = reference_text[:MAX_REFERENCE_CHARS]
        centre = self._embedder.embed(text)

        def importance(term: str) -> float:
            """Rare words (long raw vectors) central to the reference rank first."""
            vectors, norms = self._embedder.word_vectors(term)
            return float(np.max(norms * (vectors @ centre))) if len(norms) else 0.0

        points = derive_points(text, prompt, importance)
        return self._prepare(prompt, (reference_text,), points, derived=True)

    def _prepare(
        self,
        prompt: str,
        answers: Sequence[str],
        points: Sequence[KeyPoint],
        derived: bool = False,
    ) -> Reference:
        texts = [text[:MAX_REFERENCE_CHARS] for text in answers if text.strip()] or [prompt]
        chunks = [piece for text in texts for piece in chunk(text)] or texts
        matchers = tuple(matcher_for(point) for point in points)
        prompt_vocabulary = answer_vocabulary(prompt)
        prompt_words = self._word_set(prompt)
        return Reference(
            prompt=prompt,
            answer_vectors=self._embedder.embed_many(texts),
            chunk_vectors=self._embedder.embed_many(chunks),
            prompt_vector=self._embedder.embed(prompt),
            matchers=matchers,
            initials=initials_of(matchers),
            point_forms=prepare_points(
                self._embedder, [] if derived else [point.forms for point in points], prompt_words
            ),
            point_weights=tuple(
                PROMPT_POINT_WEIGHT if matcher.found_in(prompt_vocabulary) else 1.0
                for matcher in matchers
            ),
            prompt_words=prompt_words,
            words=tuple(novelty(self._word_set(text), prompt_words) for text in texts),
            speller=Speller(words(" ".join([prompt, *texts])), self._embedder.is_word),
            known_words=frozenset(words(" ".join([prompt, *texts]))),
            reference_stems=frozenset(content_stems(" ".join(texts))),
            shortest_reference=min(len(words(text)) for text in texts),
            derived=derived,
        )

    def _word_set(self, text: str) -> WordSet:
        return WordSet(*self._embedder.word_vectors(text))

    def _grade(self, reference: Reference, answer: str, peers: Peers) -> Grade:
        truncated = len(answer) > MAX_ANSWER_CHARS
        text = answer[:MAX_ANSWER_CHARS]
        answer_words = words(text)
        flags = self._flags(reference, text, answer_words, peers)
        found = coverage(reference.matchers, answer_vocabulary(text, reference.initials))
        cap = _cap(flags)
        if cap is not None and combine(self._floor(reference, found)) >= cap:
            # The key points alone already earn the cap, and the other signals can only add:
            # the score is the cap whatever they say, so they are not worked out.
            score = cap
        else:
            score, found = self._score(reference, text, found, flags)
        if truncated:
            flags.append("truncated")
        return self._result(reference, score, found, flags)

    def _score(
        self, reference: Reference, text: str, found: list[bool], flags: list[str]
    ) -> tuple[int, list[bool]]:
        """The score from every signal, and the key points found (paraphrases included)."""
        corrected = reference.speller.correct(text)
        features = self._features(reference, corrected, found)
        score = combine(features)
        if not flags and score >= PARAPHRASE_FROM:
            found = self._paraphrases(reference, corrected, found)
            score = combine(replace(features, coverage=self._coverage(reference, found)))
        cap = _cap(flags)
        return (score if cap is None else min(score, cap)), found

    def _floor(self, reference: Reference, found: list[bool]) -> Features:
        """The lowest-scoring features with this coverage: every other signal at the bottom
        of its range, where `combine` clamps it to nothing."""
        return Features(
            whole=0.0,
            part=0.0,
            prompt=1.0,
            recall=0.0,
            precision=0.0,
            coverage=self._coverage(reference, found),
            derived=reference.derived,
        )

    def _flags(
        self, reference: Reference, text: str, answer_words: list[str], peers: Peers
    ) -> list[str]:
        if guards.injection(text):
            return ["injection"]
        if guards.foreign_script(text):
            return ["unreadable"]
        if guards.too_short(answer_words, text, reference.shortest_reference):
            return ["too_short"]
        if guards.unreadable(answer_words, self._embedder.piece_count, reference.known_words):
            return ["unreadable"]
        flags: list[str] = []
        if _copied(text, peers):
            flags.append("copy")
        if guards.echo(text, reference.prompt, reference.reference_stems):
            flags.append("echo")
        if guards.keywords(text, answer_words):
            flags.append("keywords")
        return flags

    def _paraphrases(self, reference: Reference, text: str, found: list[bool]) -> list[bool]:
        """Key points the words missed but a stretch of the answer says in other words."""
        missed = [index for index, hit in enumerate(found) if not hit]
        if not missed or not len(reference.point_forms.vectors):
            return found
        windows = window_vectors(self._embedder, text, reference.prompt_words)
        extra = paraphrased(reference.point_forms, windows, missed)
        return [hit or index in extra for index, hit in enumerate(found)]

    def _features(self, reference: Reference, text: str, found: list[bool]) -> Features:
        vector = self._embedder.embed(text)
        answer_words = novelty(self._word_set(text), reference.prompt_words)
        recall, precision = align(answer_words, reference.words)
        return Features(
            whole=float((reference.answer_vectors @ vector).max()),
            part=float((reference.chunk_vectors @ vector).max()),
            prompt=float(reference.prompt_vector @ vector),
            recall=recall,
            precision=precision,
            coverage=self._coverage(reference, found),
            derived=reference.derived,
        )

    @staticmethod
    def _coverage(reference: Reference, found: list[bool]) -> float | None:
        weights = reference.point_weights
        if not found:
            return None
        return sum(w for w, hit in zip(weights, found, strict=True) if hit) / sum(weights)

    def _result(
        self, reference: Reference, score: int, found: list[bool], flags: list[str]
    ) -> Grade:
        pairs = list(zip(reference.matchers, found, reference.point_weights, strict=True))
        covered = tuple(matcher.text for matcher, hit, _ in pairs if hit)
        missed = tuple(matcher.text for matcher, hit, _ in pairs if not hit)
        # The hint names what the question does not already say first.
        worth_naming = [
            text
            for text, _ in sorted(
                ((matcher.text, -weight) for matcher, hit, weight in pairs if not hit),
                key=lambda item: item[1],
            )
        ]
        return Grade(
            score=score,
            verdict=Verdict.for_score(score),
            covered=covered,
            missed=missed,
            hint=hint_for(score, worth_naming, flags),
            flags=tuple(flags),
        )


def _cap(flags: Sequence[str]) -> int | None:
    """The highest score the flags allow (the lowest of their caps); None without flags."""
    return min((guards.CAPS[flag] for flag in flags), default=None)


def _copied(text: str, peers: Peers) -> bool:
    if isinstance(peers, PostPeers):
        return peers.copied(text)
    return guards.copied(text, (peer[:MAX_PEER_CHARS] for peer in peers))


def hint_for(score: int, missed: Sequence[str], flags: Sequence[str]) -> str:
    note = " Only the first part of a very long answer was graded." if "truncated" in flags else ""
    reasons = [guards.HINTS[flag] for flag in flags if flag in guards.HINTS]
    if reasons:
        return reasons[0] + note
    if missed and score < 90:
        return f"Also cover: {', '.join(missed[:2])}.{note}"
    if score < 40:
        return f"Re-read the question and explain the core idea in your own words.{note}"
    if score < 70:
        return f"Right direction; explain how and why in more detail.{note}"
    return f"Well done.{note}"
