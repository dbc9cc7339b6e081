"""Grading free-text answers: a static sentence-embedding model plus key-point coverage.

`create_grader()` gives the `Grader` the core uses; the model ships in `bot/grading/model/`.
"""

from __future__ import annotations

from pathlib import Path

from bot.grading.embedder import MODEL_DIR, ModelMissing, StaticEmbedder
from bot.grading.grader import EmbeddingGrader

__all__ = ["MODEL_DIR", "EmbeddingGrader", "ModelMissing", "create_grader"]


def create_grader(model_dir: Path = MODEL_DIR) -> EmbeddingGrader:
    """The grader, loading the shipped model (about 0.1 s); raises `ModelMissing` without it."""
    return EmbeddingGrader(StaticEmbedder(model_dir))
