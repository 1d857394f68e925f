"""Helpers shared by the tests: CLI results, how to start the real command, the store invariant."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.store.postgres_catalog import PostgresCatalog, index_words
from assistant.store.store import Store, chunk_metadata

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FACTCHECK_SCRIPT = Path(sys.executable).with_name("factcheck")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def failed_lines(self) -> list[str]:
        """The per-problem lines of an ingest run, as printed on stderr."""
        return [line for line in self.stderr.splitlines() if line.startswith("failed: ")]


RunCli = Callable[..., CliResult]
OpenStore = Callable[..., AbstractContextManager[Store]]
Consistent = Callable[..., set[str]]


def factcheck_command() -> list[str]:
    """The installed `factcheck` script next to this interpreter, else the same entry point via -c."""
    if FACTCHECK_SCRIPT.is_file():
        return [str(FACTCHECK_SCRIPT)]
    return [sys.executable, "-c", "from assistant.cli.main import run; run()"]


def factcheck_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.setdefault("FACTCHECK_ONNX_THREADS", "1")  # several of these may run beside the test process
    return env


def assert_consistent(store: Store) -> set[str]:
    """The store invariant: Chroma ids == catalog chunk ids == lexical rows; every article 'ready'. Returns the ids."""
    if isinstance(store.catalog, PostgresCatalog):
        return _assert_postgres_consistent(store, store.catalog)
    db = store.catalog.raw()
    chroma_ids = store.vectors.all_ids()
    assert store.vectors.count() == len(chroma_ids), "Chroma holds duplicate ids"
    chunk_rows = db.execute("SELECT rowid, id, article_id FROM chunks").fetchall()
    chunk_ids = store.catalog.all_chunk_ids()
    assert len(chunk_ids) == len(chunk_rows), "duplicate chunk ids in SQLite"
    assert chroma_ids == chunk_ids, (
        f"Chroma and SQLite disagree: only in Chroma {sorted(chroma_ids - chunk_ids)[:5]}, "
        f"only in SQLite {sorted(chunk_ids - chroma_ids)[:5]}")
    fts_rowids = {row[0] for row in db.execute("SELECT id FROM chunks_fts_docsize")}
    assert fts_rowids == {row[0] for row in chunk_rows}, "the FTS index and the chunks table disagree"
    db.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")  # raises if corrupt
    statuses = {row[0] for row in db.execute("SELECT DISTINCT status FROM articles")}
    assert statuses <= {"ready"}, f"articles left in state {statuses - {'ready'}}"
    per_article = dict(db.execute("SELECT article_id, count(*) FROM chunks GROUP BY article_id").fetchall())
    declared = dict(db.execute("SELECT id, n_chunks FROM articles").fetchall())
    assert per_article == declared, "chunk rows do not match the articles' n_chunks (orphans or missing chunks)"
    _assert_chroma_metadata_matches(store)
    return chunk_ids


def _assert_postgres_consistent(store: Store, catalog: PostgresCatalog) -> set[str]:
    """The same invariant on the Postgres catalog: every chunk row's lexemes are exactly those of its text, and the
    document frequencies and posting lists are exactly those of the chunk rows."""
    db, collection = catalog.raw(), catalog.collection
    chroma_ids = store.vectors.all_ids()
    assert store.vectors.count() == len(chroma_ids), "Chroma holds duplicate ids"
    chunk_ids = catalog.all_chunk_ids()
    assert chroma_ids == chunk_ids, (
        f"Chroma and Postgres disagree: only in Chroma {sorted(chroma_ids - chunk_ids)[:5]}, "
        f"only in Postgres {sorted(chunk_ids - chroma_ids)[:5]}")
    texts = db.execute("SELECT id, text FROM factcheck_chunks WHERE collection = %s", (collection,)).fetchall()
    lexical = {row[0] for row in db.execute(  # rows whose tsvector is exactly the one their text makes
        "SELECT c.id FROM factcheck_chunks c JOIN unnest(%s::text[], %s::text[]) AS w(id, words) ON w.id = c.id "
        "WHERE c.collection = %s AND c.lexemes = to_tsvector('simple', w.words)",
        ([i for i, _ in texts], [index_words(t) for _, t in texts], collection))}
    assert lexical == chunk_ids, f"lexical rows missing or stale: {sorted(chunk_ids - lexical)[:5]}"
    counted = dict(db.execute("SELECT l, count(*) FROM factcheck_chunks, unnest(tsvector_to_array(lexemes)) l "
                              "WHERE collection = %s GROUP BY l", (collection,)).fetchall())
    kept = dict(db.execute("SELECT lexeme, df FROM factcheck_lexemes WHERE collection = %s AND df <> 0",
                           (collection,)).fetchall())
    assert kept == counted, "the document frequencies BM25 reads disagree with the chunks"
    recounted = set(db.execute(
        "SELECT u.lexeme, c.id, cardinality(u.positions), c.n_words FROM factcheck_chunks c, unnest(c.lexemes) u "
        "WHERE c.collection = %s", (collection,)).fetchall())
    postings = db.execute("SELECT lexeme, chunk_id, tf, n_words FROM factcheck_postings WHERE collection = %s",
                          (collection,)).fetchall()
    assert len(postings) == len(set(postings)) and set(postings) == recounted, \
        "the posting lists BM25 reads disagree with the chunks"
    statuses = {row[0] for row in db.execute("SELECT DISTINCT status FROM factcheck_articles WHERE collection = %s",
                                             (collection,))}
    assert statuses <= {"ready"}, f"articles left in state {statuses - {'ready'}}"
    per_article = dict(db.execute("SELECT article_id, count(*) FROM factcheck_chunks WHERE collection = %s "
                                  "GROUP BY article_id", (collection,)).fetchall())
    declared = dict(db.execute("SELECT id, n_chunks FROM factcheck_articles WHERE collection = %s",
                               (collection,)).fetchall())
    assert per_article == declared, "chunk rows do not match the articles' n_chunks (orphans or missing chunks)"
    _assert_chroma_metadata_matches(store)
    return chunk_ids


def _assert_chroma_metadata_matches(store: Store) -> None:
    """What filters read in Chroma (article, span, source, date, cluster) agrees with the catalog."""
    articles = {a.id: a for a in store.catalog.articles()}
    chunks = store.catalog.chunks_by_id(sorted(store.catalog.all_chunk_ids()))
    for chunk_id, meta in store.vectors.metadatas().items():
        chunk = chunks[chunk_id]
        article = articles[chunk.article_id]
        expected = chunk_metadata(chunk, article)
        assert meta == dict(expected), f"Chroma metadata of {chunk_id} is {meta}, the catalog says {expected}"


def fts_chunk_ids(store: Store, word: str) -> set[str]:
    """Chunk ids whose FTS row matches `word` (a plain word, quoted for FTS5)."""
    rows = store.catalog.raw().execute(
        "SELECT c.id FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid WHERE chunks_fts MATCH ?",
        (f'"{word}"',))
    return {row[0] for row in rows}
