"""The records of the question bank, as every other part of the bot sees them."""

from __future__ import annotations

from dataclasses import dataclass, field

# The fixed taxonomy. Decks may use only these; `content check` rejects anything else.
TOPICS: tuple[str, ...] = (
    "fundamentals",
    "activations",
    "optimization",
    "regularization",
    "training-and-evaluation",
    "cnn",
    "rnn-and-sequences",
    "transformers-and-nlp",
    "generative-models",
    "frameworks",
    "classical-ml-and-ensembles",
    "tooling-and-mlops",
)

TOPIC_TITLES: dict[str, str] = {
    "fundamentals": "Fundamentals",
    "activations": "Activations",
    "optimization": "Optimization",
    "regularization": "Regularization",
    "training-and-evaluation": "Training and evaluation",
    "cnn": "CNNs",
    "rnn-and-sequences": "RNNs and sequences",
    "transformers-and-nlp": "Transformers and NLP",
    "generative-models": "Generative models",
    "frameworks": "Frameworks",
    "classical-ml-and-ensembles": "Classical ML and ensembles",
    "tooling-and-mlops": "Tooling and MLOps",
}

MIN_DIFFICULTY = 1
MAX_DIFFICULTY = 3


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A short phrase a good answer covers, with aliases (abbreviations, synonyms) too."""

    text: str
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.aliases)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a question came from: the source file name and its original number or heading."""

    document: str
    locator: str


@dataclass(frozen=True, slots=True)
class Question:
    """One interview question with every reference answer the sources give for it."""

    id: str
    topic: str
    difficulty: int
    prompt: str
    answers: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    sources: tuple[SourceRef, ...] = ()
    attribution: tuple[str, ...] = field(default=())

    @property
    def reference(self) -> str:
        """The answer shown at the reveal: the first (curated best) reference answer."""
        return self.answers[0]
