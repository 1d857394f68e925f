"""The bot's workers: N of them, processes or threads, each with its own runtime, behind a bounded queue.

A request takes one of `workers + queue` slots, or is told the bot is busy: "busy" comes only when every worker
is working and every queue place is taken. Processes (the default) give the CPU-bound local engine a core each
and share nothing mutable between requests; threads share one process and its loaded models (enough for an
engine that mostly waits on a model server). Each worker opens its runtime once, when it starts.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import BrokenExecutor, CancelledError, Executor, ProcessPoolExecutor, ThreadPoolExecutor

from assistant.config import Settings, WorkerKind
from assistant.runtime import make_embedder, resolve_engine
from assistant.slack.blocks import Reply, message
from assistant.slack.work import BUSY, GENERIC_ERROR, Mode, Runtime, work
from assistant.store.embeddings import Embedder

log = logging.getLogger("assistant.slack")

STOPPING = ":warning: The fact-check bot is restarting; please ask again in a minute."

_worker = threading.local()  # the runtime of the worker (thread, or a process's only worker thread) running here


def _open_worker(settings: Settings, embedder: Embedder | None, opened: list[Runtime] | None) -> None:
    _worker.runtime = Runtime.open(settings, embedder)
    if opened is not None:
        opened.append(_worker.runtime)
    _worker.runtime.warm_up()


def _started() -> None:
    """A no-op job: submitting it starts the workers (and their warm-up) before the first request arrives."""


def _start_process_worker(settings: Settings, parent: int) -> None:
    from assistant.slack.server import configure_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops the pool
    configure_logging()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _open_worker(settings, None, None)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed outright (SIGKILL, OOM) would wait for work forever: it leaves instead."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _work(text: str, mode: Mode) -> Reply:
    runtime: Runtime = _worker.runtime
    return work(runtime, text, mode)


class FactChecker:
    """Replies to Slack requests with the pool of workers; `reply` never raises."""

    def __init__(self, settings: Settings, workers: int, kind: WorkerKind = "process", queue: int = 32) -> None:
        self.settings, self.workers, self.kind, self.queue = settings, workers, kind, queue
        self.engine = resolve_engine(settings)
        self.capacity = workers + queue
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._taken = 0
        self._lock = threading.Lock()
        self._runtimes: list[Runtime] = []  # thread workers' runtimes, closed with the pool
        self._embedder: Embedder | None = make_embedder(settings) if kind == "thread" else None
        self._executor = self._start()

    def _start(self) -> Executor:
        executor: Executor
        if self.kind == "thread":  # one loaded model for every thread: its onnxruntime session is thread-safe
            executor = ThreadPoolExecutor(self.workers, "factcheck-worker", initializer=_open_worker,
                                          initargs=(self.settings, self._embedder, self._runtimes))
        else:
            executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_start_process_worker, initargs=(self.settings, os.getpid()))
        executor.submit(_started)  # a process pool starts all its workers at once; a thread pool one
        return executor

    @classmethod
    def from_settings(cls, settings: Settings) -> FactChecker:
        """A runtime is opened once here first, so a bad setting or an unreachable store stops `serve` with one
        line instead of failing every request inside the workers."""
        Runtime.open(settings).close()
        return cls(settings, settings.slack_workers, settings.slack_worker_kind, settings.slack_queue)

    def describe(self) -> str:
        return f"engine: {self.engine}; {self.workers} {self.kind} workers, queue {self.queue}"

    @property
    def in_flight(self) -> int:
        """Requests working or waiting now."""
        return self._taken

    def reply(self, text: str, mode: Mode = "auto") -> Reply:
        """The worker's reply (which never raises), BUSY when no slot is free, or a generic line if a worker died."""
        if not self._slots.acquire(blocking=False):
            return message(BUSY)
        with self._lock:
            self._taken += 1
            executor = self._executor
        try:
            return executor.submit(_work, text, mode).result()
        except BrokenExecutor:  # a worker process killed (out of memory?) or a runtime that cannot open
            log.exception("a %s worker failed; starting the pool again", self.kind)
            self._restart(executor)
            return message(GENERIC_ERROR)
        except CancelledError:  # still queued when the bot was told to stop
            return message(STOPPING)
        finally:
            with self._lock:
                self._taken -= 1
            self._slots.release()

    def _restart(self, broken: Executor) -> None:
        with self._lock:
            if self._executor is not broken:
                return  # another request restarted it already
            self._executor = self._start()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Let the work in progress finish (queued requests are told to ask again), stop the workers, close."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        for runtime in self._runtimes:
            runtime.close()
        self._runtimes.clear()
