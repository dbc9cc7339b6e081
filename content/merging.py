"""Near-duplicate questions across (and within) documents, and merge groups from decisions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from content.text import fold

CANDIDATE_AT = 0.5
AUTO_MERGE_AT = 0.9

_ABBREVIATIONS = {
    "nn": "neural network",
    "nns": "neural network",
    "ann": "neural network",
    "dl": "deep learning",
    "ml": "machine learning",
    "gd": "gradient descent",
    "sgd": "stochastic gradient descent",
    "cnn": "convolutional neural network",
    "cnns": "convolutional neural network",
    "rnn": "recurrent neural network",
    "rnns": "recurrent neural network",
    "gans": "gan",
    "backpropagation": "back propagation",
    "tranfert": "transfer",
    "transfert": "transfer",
    "ovefitting": "overfitting",
    "netowrks": "network",
    "funtion": "function",
}
_FILLER = frozenset(
    """a an the is are what why how do does did you your in of for to and or it its this that
    explain describe discuss give some mean means concept understand by used use using with
    which can main common commonly various different role s""".split()  # noqa: SIM905
)


def normalized_tokens(prompt: str) -> tuple[str, ...]:
    """Content words of a prompt: abbreviations expanded, plurals folded, filler dropped."""
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", fold(prompt)):
        words.extend(_ABBREVIATIONS.get(word, word).split())
    stems = [word[:-1] if len(word) > 4 and word.endswith("s") else word for word in words]
    return tuple(word for word in stems if word not in _FILLER)


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _jaccard(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def _features(prompt: str) -> tuple[set[str], set[str]]:
    tokens = normalized_tokens(prompt)
    return set(tokens), _trigrams(" ".join(tokens))


def _score(left: tuple[set[str], set[str]], right: tuple[set[str], set[str]]) -> float:
    return round((_jaccard(left[0], right[0]) + _jaccard(left[1], right[1])) / 2, 3)


def similarity(left: str, right: str) -> float:
    """Mean of token-set and character-trigram Jaccard over the normalized prompts."""
    return _score(_features(left), _features(right))


@dataclass(frozen=True, slots=True)
class Candidate:
    left: str
    right: str
    left_prompt: str
    right_prompt: str
    score: float


def find_candidates(items: Sequence[tuple[str, str]]) -> list[Candidate]:
    """Every pair of (key, prompt) items at least CANDIDATE_AT similar, most similar first."""
    found: list[Candidate] = []
    features = [_features(prompt) for _, prompt in items]
    for index, (left_key, left_prompt) in enumerate(items):
        for offset, (right_key, right_prompt) in enumerate(items[index + 1 :], start=index + 1):
            score = _score(features[index], features[offset])
            if score >= CANDIDATE_AT:
                found.append(Candidate(left_key, right_key, left_prompt, right_prompt, score))
    return sorted(found, key=lambda c: (-c.score, c.left, c.right))


def group_keys(keys: Sequence[str], links: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Union-find over `links`; groups keep the order of `keys`, ordered by their first key."""
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for left, right in links:
        if left in parent and right in parent:
            parent[root(right)] = root(left)
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(root(key), []).append(key)
    return list(groups.values())
