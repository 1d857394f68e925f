"""The shipped entailment model: does a premise (evidence) entail, contradict, or say nothing about a claim?

A MiniLM-L6 cross-encoder fine-tuned for natural-language inference (bench/train_nli.py; data, licences and
figures in models/nli/PROVENANCE.json), int8 ONNX, read from the installed package with importlib.resources.
It reads the evidence and the claim together, so a paraphrase can be entailed and a subtle edit (a number, a
name, a negation) contradicted, which word overlap cannot tell apart.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.inference import OnnxModel

LABELS = ("entailment", "neutral", "contradiction")
MAX_TOKENS = 256
_CACHED_PAIRS = 20_000  # a draft's claims are scored against the same evidence again and again


@dataclass(frozen=True)
class Entailment:
    entailment: float
    neutral: float
    contradiction: float

    @property
    def label(self) -> str:
        values = (self.entailment, self.neutral, self.contradiction)
        return LABELS[values.index(max(values))]


def model_dir() -> Path:
    return Path(str(resources.files("assistant.check") / "models" / "nli"))


class EntailmentModel:
    """Scores (premise, hypothesis) pairs; thread-safe, with a bounded cache of scored pairs."""

    def __init__(self, directory: Path | None = None, threads: int = 0) -> None:
        folder = directory or model_dir()
        self.provenance = read_provenance(folder)
        self.name = f"nli-minilm-l6-int8 ({self.provenance.get('made', 'unknown date')})"
        self._model = OnnxModel(folder / "model.onnx", folder / "tokenizer.json", MAX_TOKENS, threads)
        self._cache: dict[tuple[str, str], Entailment] = {}
        self._lock = threading.Lock()

    def score(self, premises: Sequence[str], hypothesis: str) -> list[Entailment]:
        return self.score_pairs([(p, hypothesis) for p in premises])

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Entailment]:
        missing = list(dict.fromkeys(p for p in pairs if p not in self._cache))
        if missing:
            scored: dict[tuple[str, str], Entailment] = {}
            # One pair per run: the int8 model quantises activations with one scale per run, so in a batch a
            # pair's scores would depend on the pairs beside it (0.33 alone, 0.51 batched, measured), and a claim's
            # verdict on what else is checked. Costs ~30% more CPU than batches of 16.
            for batch, _mask, logits in self._model.run(missing, max_batch=1):
                shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
                probabilities = shifted / shifted.sum(axis=1, keepdims=True)
                for row, i in enumerate(batch):
                    scored[missing[i]] = Entailment(*(float(v) for v in probabilities[row]))
            with self._lock:
                if len(self._cache) + len(scored) > _CACHED_PAIRS:
                    self._cache.clear()
                self._cache.update(scored)
                return [self._cache.get(p) or scored[p] for p in pairs]
        return [self._cache[p] for p in pairs]


def read_provenance(folder: Path | None = None) -> dict[str, Any]:
    """A model folder's PROVENANCE.json (the shipped model's by default): how the weights were made."""
    path = (folder or model_dir()) / "PROVENANCE.json"
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"entailment model provenance {path} cannot be read: {exc}") from None
    return value if isinstance(value, dict) else {}


@cache
def shipped_model() -> EntailmentModel:
    """The packaged model, loaded once per process (~25 MB on disk, ~90 MB in memory)."""
    return EntailmentModel()
