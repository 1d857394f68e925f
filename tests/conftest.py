"""Shared fixtures: an isolated data dir per test, the real CLI in-process and as a subprocess, the real store.

Commands run through typer's CliRunner on the real app (or the installed `factcheck` script), against the real
Chroma store and SQLite index. Tests marked `slow` (end to end: the CLI on the real model, Slack, crashes,
servers) use the real local embedding model, one loaded copy shared by in-process runs; the fast lane
(`pytest -m "not slow"`) runs in-process commands on the package's hashing embedder, which loads no model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant import runtime
from assistant.cli.main import app
from assistant.config import Settings, load_settings
from assistant.slack import pool as slack_pool
from assistant.store.embeddings import Embedder, LocalMiniLM
from assistant.store.hashing import HashingEmbedder
from assistant.store.store import Store
from tests.helpers import (
    SEEDS,
    CliResult,
    Consistent,
    OpenStore,
    RunCli,
    assert_consistent,
    factcheck_command,
    factcheck_env,
)

pytest_plugins = ["tests.servers"]  # chroma_url, postgres_url: real servers on 127.0.0.1


# -- isolation ---------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own FACTCHECK_DATA_DIR and no FACTCHECK_* / OpenAI settings from the outside."""
    for key in list(os.environ):
        if key.startswith(("FACTCHECK_", "OPENAI_")):
            monkeypatch.delenv(key)
    path = tmp_path / "data"
    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def shared_embedder() -> LocalMiniLM:
    return LocalMiniLM()


@pytest.fixture(autouse=True)
def _reuse_embedder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands of a `slow` test get the real local model, loaded once per session (each load costs
    ~0.5 s); the others (the fast lane, `pytest -m "not slow"`) get the package's hashing embedder: no model.
    Subprocesses always run the real configuration."""
    real_make_embedder = runtime.make_embedder
    slow = request.node.get_closest_marker("slow") is not None
    local: Embedder = request.getfixturevalue("shared_embedder") if slow else HashingEmbedder()

    def make_embedder(settings: Settings) -> Embedder:
        return local if settings.embeddings == "local" else real_make_embedder(settings)

    monkeypatch.setattr(runtime, "make_embedder", make_embedder)
    monkeypatch.setattr(slack_pool, "make_embedder", make_embedder)  # the bot's thread workers share one embedder


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def _seeded_templates() -> dict[bool, Path]:
    return {}


@pytest.fixture
def seeded_template(request: pytest.FixtureRequest, _seeded_templates: dict[bool, Path],
                    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir holding the seeds as `factcheck ingest seeds` stores them, ingested once per session and lane
    (the hashing embedder, or the real model for `slow` tests): each ingest costs ~0.3 s of Chroma and SQLite
    writes. Only read it, or copy it (`seeded_data_dir`). The ingest tests themselves ingest for real."""
    slow = request.node.get_closest_marker("slow") is not None
    template = _seeded_templates.get(slow)
    if template is None:
        template = tmp_path_factory.mktemp("seeded") / "data"
        with monkeypatch.context() as patch:
            patch.setenv("FACTCHECK_DATA_DIR", str(template))
            result = CliRunner().invoke(app, ["ingest", str(SEEDS)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        _seeded_templates[slow] = template
    return template


@pytest.fixture
def seeded_data_dir(seeded_template: Path, data_dir: Path) -> Path:
    """This test's own data dir holding the seeds as `factcheck ingest seeds` stores them (returned): a copy."""
    shutil.copytree(seeded_template, data_dir, dirs_exist_ok=True)
    return data_dir


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty folder to write input files into."""
    path = tmp_path / "corpus"
    path.mkdir()
    return path


# -- running the CLI -----------------------------------------------------------------------------------------------
@pytest.fixture
def run_cli() -> RunCli:
    """Run `factcheck ARGS...` in-process; an exception escaping the app fails the test."""
    runner = CliRunner()

    def run(*args: str | Path, input: str | None = None) -> CliResult:
        result = runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def run_factcheck() -> RunCli:
    """Run the installed `factcheck` command in a subprocess (environment: the test's, plus `env`)."""

    def run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
        done = subprocess.run([*factcheck_command(), *map(str, args)], env=factcheck_env(**(env or {})),
                              capture_output=True, text=True, timeout=timeout, check=False)
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run


# -- the store -----------------------------------------------------------------------------------------------------
@pytest.fixture
def open_store() -> OpenStore:
    """`with open_store() as store:` opens the configured store, with the settings the CLI would read."""

    @contextmanager
    def opened(collection: str | None = None, **overrides: Any) -> Iterator[Store]:
        store = runtime.open_store(load_settings(**overrides), collection)
        try:
            yield store
        finally:
            store.close()

    return opened


@pytest.fixture
def consistent(open_store: OpenStore) -> Consistent:
    """Open the configured store, assert the invariant (see `assert_consistent`), return the chunk ids."""

    def check(collection: str | None = None) -> set[str]:
        with open_store(collection) as store:
            return assert_consistent(store)

    return check


@pytest.fixture
def ingest_ok(run_cli: RunCli) -> Callable[..., dict[str, Any]]:
    """`factcheck ingest PATHS... --json` that must succeed; returns the JSON summary."""

    def ingest(*paths: str | Path) -> dict[str, Any]:
        result = run_cli("ingest", *paths, "--json")
        assert result.exit_code == 0, result.output
        summary: dict[str, Any] = result.json()
        return summary

    return ingest
