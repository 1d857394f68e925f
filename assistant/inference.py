"""Local model inference: the only code importing onnxruntime and tokenizers (used by store/embeddings.py).

`OnnxModel` loads an ONNX file and its WordPiece `tokenizer.json`, both as files, and runs length-sorted,
token-budgeted batches (little padding; measured here: int8 kernels on 2 cores run fastest with batches of under
~1,000 tokens, which also keep the memory arena small). Each batch runs on one core and the batches run side by
side, one per core: a run of one short pair barely uses a second core (300 NLI pairs, one per run: 2.29 s on two
intra-op threads, 2.34 s on one, 1.25 s as two single-threaded runs at once; 3,000 sentences in batches: 36.0 s,
55.9 s, 31.4 s), and each run's output is the same as when run alone. A missing or corrupt file is a `ModelError`
naming it, never a silent fall-back.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import ModelError

if TYPE_CHECKING:
    from tokenizers import Encoding


def _threads(requested: int) -> int:
    import psutil

    return requested or psutil.cpu_count(logical=False) or os.cpu_count() or 1


class OnnxModel:
    """One ONNX session with its tokenizer; `run` encodes texts (or text pairs) in token-budgeted batches."""

    def __init__(self, model_path: Path, tokenizer_path: Path, max_tokens: int, threads: int = 0,
                 error: type[ModelError] = ModelError) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise error(f"model file missing: {path}; reinstall the package")
        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:  # tokenizers raises untyped errors for unreadable JSON
            raise error(f"cannot read the tokenizer {tokenizer_path}: {str(exc).splitlines()[0]}") from None
        self.tokenizer.enable_truncation(max_tokens, strategy="longest_first")
        self.tokenizer.no_padding()
        self.workers = _threads(threads)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()
        options = ort.SessionOptions()
        # Batches run side by side instead (see above). With one thread a session starts no thread pool, so no
        # thread spin-waits after a run and steals the cores from the next model's run (as two did, spinning).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise error(f"cannot load the model {model_path}: {str(exc).splitlines()[0][:200]}") from None
        self.inputs = {i.name for i in self.session.get_inputs()}

    def run(self, texts: Sequence[str | tuple[str, str]], token_budget: int = 768,
            max_batch: int = 16) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """(row indices, attention mask, first output) per batch, in order; a text may be a (first, second) pair."""
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        batches = token_budget_batches(order, lengths, token_budget, max_batch)
        if self.workers == 1 or len(batches) == 1:
            for batch in batches:
                yield self._run_batch(batch, encodings, lengths)
            return
        pool = self._executor()
        pending: deque[Future[tuple[list[int], np.ndarray, np.ndarray]]] = deque()
        for batch in batches:
            # a few batches ahead of the reader, not all: finished outputs wait in memory until read
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
            pending.append(pool.submit(self._run_batch, batch, encodings, lengths))
        while pending:
            yield pending.popleft().result()

    def _run_batch(self, batch: list[int], encodings: Sequence[Encoding],
                   lengths: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
        width = max(lengths[i] for i in batch)
        feeds = {name: np.zeros((len(batch), width), dtype=np.int64)
                 for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, i in enumerate(batch):
            e = encodings[i]
            feeds["input_ids"][row, :lengths[i]] = e.ids
            feeds["attention_mask"][row, :lengths[i]] = 1
            feeds["token_type_ids"][row, :lengths[i]] = e.type_ids
        output = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
        return batch, feeds["attention_mask"], output

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:  # the Slack bot's workers may share one model
            if self._pool is None or self._pool_pid != os.getpid():  # a forked child inherits no pool threads
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="onnx")
                self._pool_pid = os.getpid()
            return self._pool


def token_budget_batches(order: list[int], lengths: list[int], budget: int, max_batch: int) -> list[list[int]]:
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
