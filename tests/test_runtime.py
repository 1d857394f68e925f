"""The Runtime builds what a command uses, when it uses it; --record writes where the user can see it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.llm.fixtures import RecordingModel, ReplayModel
from assistant.resources import EVALS, resource_path
from assistant.runtime import Runtime
from assistant.store.hashing import HASHING_MODEL_NAME


def test_nothing_is_built_before_it_is_used(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("FACTCHECK_EMBEDDINGS", "hashing")
    runtime = Runtime(load_settings(), engine="local")
    assert not data_dir.exists()
    assert runtime.model is None and runtime.engine == "local"
    store = runtime.store
    assert store is runtime.store and runtime.embedder.name == HASHING_MODEL_NAME
    assert store.articles() == []
    runtime.close()


def test_record_writes_into_the_working_directory_not_the_package(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never called: the model is only built
    model = Runtime(load_settings(record=True), engine="openai").model
    assert isinstance(model, RecordingModel) and model.directory == tmp_path / "evals" / "fixtures"
    monkeypatch.setenv("FACTCHECK_FIXTURES_DIR", str(tmp_path / "mine"))
    model = Runtime(load_settings(record=True), engine="openai").model
    assert isinstance(model, RecordingModel) and model.directory == tmp_path / "mine"


def test_replay_reads_the_shipped_fixtures_by_default() -> None:
    model = Runtime(load_settings(), engine="replay").model
    assert isinstance(model, ReplayModel)
    assert Path(str(model.directory)) == Path(str(resource_path(EVALS, "fixtures")))
