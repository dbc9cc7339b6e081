"""First guesses for a question's topic and difficulty; overrides.yaml has the last word."""

from __future__ import annotations

import re
from functools import lru_cache

from content.text import fold

DEFAULT_TOPIC = "fundamentals"

# Words that point at a topic; prompt hits weigh more than answer hits.
_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "activations": (
        "activation",
        "sigmoid",
        "tanh",
        "relu",
        "softmax",
        "swish",
        "elu",
        "non linearity",
    ),
    "optimization": (
        "gradient descent",
        "sgd",
        "optimizer",
        "optimizers",
        "adam",
        "adamw",
        "rmsprop",
        "adagrad",
        "adadelta",
        "momentum",
        "learning rate",
        "hessian",
        "batch size",
        "convergence",
        "backpropagation",
        "back propagation",
        "vanishing gradient",
        "exploding gradient",
        "weight initialization",
        "initialize weights",
        "xavier",
        "gradient clipping",
    ),
    "regularization": (
        "regularization",
        "regularizations",
        "dropout",
        "overfitting",
        "underfitting",
        "early stopping",
        "batch normalization",
        "layer normalization",
        "l1",
        "l2",
    ),
    "training-and-evaluation": (
        "loss function",
        "cost function",
        "cross entropy",
        "mean squared error",
        "metrics",
        "precision",
        "recall",
        "evaluate",
        "evaluation",
        "hyperparameter",
        "hyperparameters",
        "epoch",
        "class imbalance",
        "data augmentation",
        "normalization",
        "callbacks",
        "checkpointing",
        "data processing",
        "limited",
        "noisy data",
        "convergence",
    ),
    "cnn": (
        "cnn",
        "cnns",
        "convolutional",
        "pooling",
        "padding",
        "vgg16",
        "vgg",
        "resnet",
        "resnet50",
        "image",
        "flatten",
        "transfer learning",
        "pre trained",
        "fine tune",
        "residual connections",
        "inception",
    ),
    "rnn-and-sequences": ("rnn", "rnns", "recurrent", "lstm", "gru", "sequential", "sequence"),
    "transformers-and-nlp": (
        "transformer",
        "transformers",
        "attention",
        "bert",
        "gpt",
        "llama",
        "language model",
        "nlp",
    ),
    "generative-models": (
        "generative",
        "gan",
        "gans",
        "autoencoder",
        "auto encoder",
        "vae",
        "geneai",
        "diffusion",
    ),
    "frameworks": (
        "tensorflow",
        "keras",
        "pytorch",
        "tensor",
        "placeholders",
        "session",
        "computational graph",
        "variables and constants",
        "python code",
    ),
    "classical-ml-and-ensembles": (
        "bagging",
        "boosting",
        "random forest",
        "decision tree",
        "svm",
        "ensemble",
        "curse of dimensionality",
        "supervised",
        "traditional machine learning",
    ),
    "tooling-and-mlops": ("docker", "dockerfile", "deploy", "deployment", "kubernetes", "mlops"),
}

_SECTION_TOPICS = {
    "tensorflow": "frameworks",
    "keras": "frameworks",
    "pytorch": "frameworks",
}

_EASY = re.compile(
    r"^(what (is|are|does|do|it)\b|define|name|list|give|who|which|mention)", re.IGNORECASE
)
_HARD = re.compile(
    r"\b(deriv\w*|hessian|prove|write .*code|implement\w*|impact .* weights|"
    r"curse of dimensionality|second order|exploding|why .* preferred|rotational|"
    r"large error in backpropagation|challenges)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=2048)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")


def _count(words: tuple[str, ...], text: str) -> int:
    # The substring test is cheap and rules out most words before any regex runs.
    return sum(len(_word_pattern(word).findall(text)) for word in words if word in text)


def guess_topic(prompt: str, answer: str, section: str = "") -> str:
    """The taxonomy topic whose words the prompt (mostly) and the answer mention most."""
    folded_section = fold(section)
    for word, topic in _SECTION_TOPICS.items():
        if word in folded_section and _count((word,), fold(prompt + " " + answer[:300])):
            return topic
    folded_prompt, folded_answer = fold(prompt), fold(answer)
    scores = {
        topic: 6 * _count(words, folded_prompt) + min(_count(words, folded_answer), 6)
        for topic, words in _TOPIC_WORDS.items()
    }
    best = max(scores, key=lambda topic: scores[topic])
    return best if scores[best] >= 6 else DEFAULT_TOPIC


def guess_difficulty(prompt: str, answer: str) -> int:
    """1 for definitions, 2 for explain/compare, 3 for derivations, code and advanced topics."""
    text = prompt.strip()
    if _HARD.search(text) or ("```" in answer and re.search(r"\bcode\b", text, re.IGNORECASE)):
        return 3
    if _EASY.match(text) and not re.search(
        r"\b(differ\w*|difference|versus|vs|compare|why|how)\b", text, re.IGNORECASE
    ):
        return 1
    return 2
