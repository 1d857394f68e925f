"""Embedding progress moves inside one large file; a store made before dates carried their provenance is
migrated in place when opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.ingest import pipeline
from assistant.ingest.pipeline import Ingestor
from tests.helpers import OpenStore, RunCli


def test_embedding_progress_moves_inside_a_large_file(corpus: Path, open_store: OpenStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "EMBED_SLICE", 16)  # the same slicing as with 128, on a file 8x smaller
    sentences = [f"Report {n}: the council approved budget line {n} worth {n * 7} thousand euros on Monday."
                 for n in range(400)]
    (corpus / "big.txt").write_text(" ".join(sentences))
    events: list[tuple[str, int]] = []
    settings = load_settings()
    with open_store() as store:
        report = Ingestor(store, settings, lambda event, amount: events.append((event, amount))).run([corpus])
    embedded = [amount for event, amount in events if event == "chunks_embedded"]
    assert report.chunks > 3 * 16
    assert len(embedded) >= 3 and sum(embedded) == report.chunks
    assert ("chunks_queued", report.chunks) in events  # the bar's total is known before embedding starts


def test_old_store_gains_date_columns(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    with open_store() as store:  # back to the schema of a store made before date provenance
        db = store.catalog.raw()  # type: ignore[attr-defined]
        db.execute("ALTER TABLE articles DROP COLUMN date_source")
        db.execute("ALTER TABLE articles DROP COLUMN date_confidence")
    articles = run_cli("sources", "--json").json()["articles"]
    assert sorted((a["date_inferred"], a["date_source"], a["date_confidence"]) for a in articles) == [
        (False, None, None), (True, "inferred_from_copy", 0.4)]
