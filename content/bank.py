"""The question bank the bot runs on: every built deck, loaded once at start-up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from content.decks import DECKS_DIR, deck_paths
from content.model import TOPICS, Question
from content.text import fold
from content.validate import read_decks

_WORD = re.compile(r"[a-z0-9]+")
_IGNORED = frozenset(
    "a an the is are what why how do does of in on to and or for with it its be by".split()  # noqa: SIM905
)
_MIN_SCORE = 0.34


class DeckError(ValueError):
    """A deck is broken. `errors` holds every problem as `file:line: message`."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(self.errors))


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(fold(text)) if word not in _IGNORED}


class Bank:
    """All questions, with lookups by id, topic and fuzzy text."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: tuple[Question, ...] = tuple(questions)
        self._by_id = {question.id: question for question in self.questions}
        self._index = [
            (question, _words(question.prompt) | _words(question.id.replace("-", " ")))
            for question in self.questions
        ]

    def find(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return self._by_id.get(question_id.strip().lower())

    def search(self, text: str, limit: int = 5) -> list[Question]:
        """Questions whose prompt or id words match `text`, best first; [] if none plausible."""
        exact = self.find(text)
        wanted = _words(text)
        if limit <= 0 or (not wanted and exact is None):
            return []
        scored: list[tuple[float, int, Question]] = []
        for position, (question, words) in enumerate(self._index):
            matched = sum(1 for word in wanted if word in words or _prefix_match(word, words))
            score = matched / len(wanted) - 0.01 * len(words - wanted) / max(len(words), 1)
            if matched and score >= _MIN_SCORE:
                scored.append((score, position, question))
        scored.sort(key=lambda item: (-item[0], item[1]))
        found = [question for _, _, question in scored if question is not exact]
        return ([exact] if exact else []) + found[: limit - (1 if exact else 0)]

    def by_topic(self, topic: str) -> tuple[Question, ...]:
        """The questions of one topic, in deck order."""
        return tuple(question for question in self.questions if question.topic == topic)

    def topics(self) -> tuple[str, ...]:
        """Topics that have at least one question, in taxonomy order."""
        present = {question.topic for question in self.questions}
        return tuple(topic for topic in TOPICS if topic in present)

    def __len__(self) -> int:
        return len(self.questions)


def _prefix_match(word: str, words: set[str]) -> bool:
    """`optimizer` finds `optimizers`, `normalisation` finds `normalization`'s stem."""
    if len(word) < 4:
        return False
    stem = word[: max(4, len(word) - 3)]
    return any(candidate.startswith(stem) for candidate in words)


def load_bank(deck_dir: Path | None = None, extra_dirs: Iterable[Path] = ()) -> Bank:
    """Load every deck in `deck_dir` (default: the built decks) and in each of `extra_dirs`
    (a community's own decks, e.g. made with `studybot content import`). Ids must be unique
    across all of them. DeckError lists every problem."""
    directories = [deck_dir or DECKS_DIR, *extra_dirs]
    missing = [
        f"{directory}: no such deck directory"
        for directory in directories
        if not directory.is_dir()
    ]
    if missing:
        raise DeckError(missing)
    report = read_decks(path for directory in directories for path in deck_paths(directory))
    if report.errors:
        raise DeckError(report.errors)
    return Bank(report.questions)
