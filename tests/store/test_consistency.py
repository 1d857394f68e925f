"""The consistency invariant used across the suite holds on a real store, and catches each kind of drift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.store.store import Store
from tests.helpers import OpenStore, RunCli, assert_consistent


def _orphan_vector(store: Store) -> None:
    store.vectors.upsert(["ffffffffffffffff:0000"], np.ones((1, 384), dtype=np.float32) / np.sqrt(384),
                         [{"article_id": "ffffffffffffffff", "index": 0, "start": 0, "end": 1}])


def _missing_vectors(store: Store) -> None:
    store.vectors.delete_articles([store.articles()[0].id])


def _missing_fts_row(store: Store) -> None:
    db = store.catalog.raw()
    rowid, text = db.execute("SELECT rowid, text FROM chunks LIMIT 1").fetchone()
    db.execute("INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', ?, ?)", (rowid, text))


def _half_written_article(store: Store) -> None:
    store.catalog.raw().execute("UPDATE articles SET status = 'pending' WHERE id = ?", (store.articles()[0].id,))


def _orphan_chunk_row(store: Store) -> None:
    store.catalog.raw().execute("UPDATE articles SET n_chunks = n_chunks + 1 WHERE id = ?", (store.articles()[0].id,))


def _stale_chroma_metadata(store: Store) -> None:
    chunk_id = sorted(store.catalog.all_chunk_ids())[0]
    meta = store.vectors.metadatas()[chunk_id]
    store.vectors.update_metadata([chunk_id], [{**meta, "date": "1999-01-01", "date_num": 19990101}])


SABOTAGE: dict[str, tuple[Callable[[Store], None], str]] = {
    "orphan vector": (_orphan_vector, "Chroma and SQLite disagree"),
    "missing vectors": (_missing_vectors, "Chroma and SQLite disagree"),
    "missing FTS row": (_missing_fts_row, "FTS index"),
    "half-written article": (_half_written_article, "left in state"),
    "chunk count drift": (_orphan_chunk_row, "n_chunks"),
    "stale Chroma metadata": (_stale_chroma_metadata, "Chroma metadata"),
}


def test_invariant_holds_after_ingest(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    with open_store() as store:
        chunk_ids = assert_consistent(store)
        assert len(chunk_ids) == sum(a.n_chunks for a in store.articles()) > 0


@pytest.mark.parametrize("name", list(SABOTAGE))
def test_invariant_catches_drift(name: str, run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    sabotage, complaint = SABOTAGE[name]
    with open_store() as store:
        sabotage(store)
        with pytest.raises(AssertionError, match=complaint):
            assert_consistent(store)


def test_next_ingest_repairs_a_half_written_article(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    """What a kill between the Chroma write and the catalog commit leaves behind is undone by the next run."""
    assert run_cli("ingest", seeds).exit_code == 0
    with open_store() as store:
        expected = assert_consistent(store)
        victim = store.articles()[0].id
        db = store.catalog.raw()
        db.execute("UPDATE articles SET status = 'pending' WHERE id = ?", (victim,))
        db.execute("DELETE FROM files WHERE EXISTS (SELECT 1 FROM json_each(files.article_ids) WHERE value = ?)",
                   (victim,))
    listed = run_cli("sources", "--json").json()["articles"]
    assert victim not in {a["id"] for a in listed}, "a half-written article is visible"
    again = run_cli("ingest", seeds, "--json")
    assert again.exit_code == 0 and again.json()["articles"] == 1
    with open_store() as store:
        assert assert_consistent(store) == expected
