"""Word alignment between an answer and a reference: how much of the reference an answer says.

Each reference word is credited with its most similar answer word. Words the question already
uses count for little on either side: repeating the question shows nothing, so only what the
reference adds to the question is worth recalling, and only what the answer adds is judged for
precision. Similarity is sharpened (cubed) so a related but different word ("oxygen" for "carbon
dioxide") earns much less than the word itself or a close synonym.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

SHARPNESS = 3


def unit_clip(similarity: Matrix) -> Matrix:
    """`np.clip(similarity, 0, 1)` in place: the same values, without `np.clip`'s overhead,
    which costs more than the product itself on matrices this small."""
    clipped: Matrix = np.minimum(np.maximum(similarity, 0.0, out=similarity), 1.0, out=similarity)
    return clipped


def row_norms(matrix: Matrix) -> Matrix:
    """`np.linalg.norm(matrix, axis=1)`, computed as it computes it, without its checks."""
    norms: Matrix = np.sqrt(np.add.reduce(matrix * matrix, axis=1))
    return norms


@dataclass(frozen=True, slots=True)
class WordSet:
    """The distinct words of a text as unit vectors, each with its weight for alignment."""

    vectors: Matrix
    weights: Matrix

    @classmethod
    def empty(cls, dimensions: int) -> WordSet:
        return cls(np.zeros((0, dimensions), dtype=np.float32), np.zeros(0, dtype=np.float32))


def novelty(words: WordSet, prompt: WordSet) -> WordSet:
    """Down-weight each word by how closely the question already says it."""
    if not len(words.vectors) or not len(prompt.vectors):
        return words
    said = unit_clip(words.vectors @ prompt.vectors.T).max(axis=1)
    return WordSet(words.vectors, (words.weights * (1.0 - said)).astype(np.float32))


def align(answer: WordSet, references: Sequence[WordSet]) -> tuple[float, float]:
    """Recall and precision against the reference the answer matches best (by recall).

    Both weights are importance (the embedding norm: rare content words weigh most) times
    novelty with respect to the question."""
    if not len(answer.vectors) or not answer.weights.sum() > 0:
        return 0.0, 0.0
    best = (0.0, 0.0)
    for reference in references:
        if not len(reference.vectors) or not reference.weights.sum() > 0:
            continue
        similarity = unit_clip(answer.vectors @ reference.vectors.T)
        # Sharpening is monotonic, so it is applied to the best matches only.
        best_for_reference = similarity.max(axis=0) ** SHARPNESS
        best_for_answer = similarity.max(axis=1) ** SHARPNESS
        recall = float(best_for_reference @ reference.weights / reference.weights.sum())
        precision = float(best_for_answer @ answer.weights / answer.weights.sum())
        if recall > best[0]:
            best = (recall, precision)
    return best
