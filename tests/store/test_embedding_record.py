"""The catalog records the embedding model that built a collection, so every command reports a mismatch, `sources`
too, which neither opens Chroma nor loads a model (tests/cli/test_startup.py checks its imports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.store.hashing import HASHING_MODEL_NAME
from tests.helpers import OpenStore, RunCli

OPENAI_MODEL = "openai:text-embedding-3-small"


def test_every_command_names_both_models(run_cli: RunCli, seeds: Path, open_store: OpenStore,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    with open_store() as store:
        assert store.catalog.embedding_model() == HASHING_MODEL_NAME
    with monkeypatch.context() as patch:
        patch.setenv("FACTCHECK_EMBEDDINGS", "openai")  # a client is made, never called: nothing is embedded
        patch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        for args in (["sources"], ["sources", "--json"], ["sources", "remove", "abc"], ["search", "Raqqa"],
                     ["ingest", str(seeds)]):
            result = run_cli(*args)
            assert result.exit_code == 1, (args, result.output)
            assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
            assert f"built with the embedding model '{HASHING_MODEL_NAME}'" in result.stderr
            assert f"configured model is '{OPENAI_MODEL}'" in result.stderr and "FACTCHECK_EMBEDDINGS" in result.stderr
    listed = run_cli("sources", "--json")  # untouched, and fine with its own model
    assert listed.exit_code == 0 and len(listed.json()["articles"]) == 2


def test_a_new_collection_records_the_model_at_its_first_write(run_cli: RunCli, seeds: Path,
                                                               open_store: OpenStore) -> None:
    with open_store("fresh") as store:
        assert store.catalog.embedding_model() is None  # opened, nothing written: nothing recorded
    assert run_cli("ingest", seeds, "--collection", "fresh").exit_code == 0
    with open_store("fresh") as store:
        assert store.catalog.embedding_model() == HASHING_MODEL_NAME
