"""One writer per collection: a second ingest waits for the first (or gives up with `--no-wait`), never embeds
the same files twice beside it.

What a backend provides is `WriterLock`: `try_acquire()` answers at once, `holder()` names who holds it (a pid),
`release()` lets it go. The embedded store uses an advisory file lock (`flock`) on `writer.lock` beside the
collection's catalog, which the kernel releases when the holding process dies, even by `kill -9`; a database
backend would use its own session lock the same way (PostgreSQL: `pg_try_advisory_lock(key)`, released when
the session ends, the holder read from `pg_locks` / `pg_stat_activity`). `hold` does the waiting, so every
backend waits, reports and gives up alike.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from assistant.errors import StoreError

POLL_SECONDS = 0.2  # polled, not a blocking wait: a Ctrl-C while waiting must be heard


class WriterBusyError(StoreError):
    """Another process holds the collection's writer lock and the caller chose not to wait."""


class WriterLock(Protocol):
    def try_acquire(self) -> bool: ...

    def holder(self) -> int | None: ...

    def release(self) -> None: ...


class FileWriterLock:
    """flock(2) on a file: exclusive between processes of one machine, released by the kernel on exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return False
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        self._handle = handle
        return True

    def holder(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None


@contextmanager
def hold(lock: WriterLock, *, wait: bool, on_wait: Callable[[int | None], None],
         stop: Callable[[], bool] = lambda: False, busy_hint: str = "not waiting (--no-wait)") -> Iterator[bool]:
    """Hold the lock for the block. Busy: `wait=False` raises WriterBusyError; else `on_wait(pid)` is called once
    and the lock polled until free, or until `stop()` (then the block runs with False and must not write)."""
    acquired = lock.try_acquire()
    if not acquired:
        pid = lock.holder()
        who = f" (pid {pid})" if pid else ""
        if not wait:
            raise WriterBusyError(f"another ingest is writing to this collection{who}; {busy_hint}")
        on_wait(pid)
        while not acquired and not stop():
            time.sleep(POLL_SECONDS)
            acquired = lock.try_acquire()
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()
