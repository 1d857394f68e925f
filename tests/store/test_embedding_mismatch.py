"""A collection remembers the embedding model that built it; opening it with another model is a clear error."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant import runtime
from assistant.config import Settings, load_settings
from assistant.store.embeddings import LOCAL_MODEL_NAME, Embedder, LocalMiniLM
from assistant.store.vectors import VectorIndex
from tests.helpers import RunCli

pytestmark = pytest.mark.slow  # the real model (its name is what the collection records)


class RenamedModel:
    """The real local model under another name, as if FACTCHECK_EMBEDDINGS named a different model."""

    def __init__(self, inner: LocalMiniLM, name: str) -> None:
        self.inner, self.name, self.dim = inner, name, inner.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed(texts)


def test_collection_built_by_another_model(run_cli: RunCli, seeds: Path) -> None:
    settings = load_settings()
    VectorIndex(settings.chroma_path, None, settings.collection, "openai:text-embedding-3-small", 1536)
    for args in (["ingest", seeds], ["search", "Raqqa"]):
        result = run_cli(*args)
        assert result.exit_code == 1, (args, result.output)
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1
        assert "'openai:text-embedding-3-small'" in message and f"'{LOCAL_MODEL_NAME}'" in message
        assert "FACTCHECK_EMBEDDINGS" in message
    # Listing reads the catalog only (it never opens Chroma, so it stays cheap): nothing was written.
    listed = run_cli("sources", "--json")
    assert listed.exit_code == 0 and listed.json()["articles"] == []


def test_reopening_with_another_model_after_ingest(run_cli: RunCli, seeds: Path, monkeypatch: pytest.MonkeyPatch,
                                                   shared_embedder: LocalMiniLM) -> None:
    assert run_cli("ingest", seeds).exit_code == 0

    def other_model(_settings: Settings) -> Embedder:
        return RenamedModel(shared_embedder, "all-mpnet-base-v2")

    with monkeypatch.context() as patched:
        patched.setattr(runtime, "make_embedder", other_model)
        for args in (["search", "Raqqa"], ["sources"], ["sources", "remove", "abc"]):
            result = run_cli(*args, "--json")
            assert result.exit_code == 1, (args, result.output)
            assert result.stdout == ""
            assert f"built with the embedding model '{LOCAL_MODEL_NAME}'" in result.stderr
            assert "configured model is 'all-mpnet-base-v2'" in result.stderr
        # Another collection is free to use the other model.
        assert run_cli("ingest", seeds, "--collection", "mpnet").exit_code == 0
    # The first collection is untouched and opens with its own model.
    listed = run_cli("sources", "--json")
    assert listed.exit_code == 0 and len(listed.json()["articles"]) == 2
