"""The Store: Chroma vectors and the SQLite catalog/lexical index, written together so they never disagree.

Write protocol (each step is atomic on its own side; a SIGKILL between any two steps is repaired by `recover`):
  1. catalog: new articles inserted with status 'pending'
  2. Chroma: chunk vectors upserted (deterministic ids, so a repeat never duplicates)
  3. catalog, one transaction: chunks + FTS rows inserted, articles 'ready', file ledger updated, replaced
     articles marked 'deleting'
  4. Chroma: vectors of 'deleting' articles removed; then catalog rows removed
`recover` deletes every article not 'ready' from both sides, so the next ingest re-does it from its file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.config import Settings
from assistant.errors import ConfigError, NotFoundError
from assistant.store import catalog as cat
from assistant.store.embeddings import Embedder
from assistant.store.vectors import Metadata, VectorIndex
from assistant.types import Article, Chunk, IngestProblem, Passage

_SPACES = re.compile(r"\s+")
_DATES_PENDING = "dates_pending"  # catalog setting: undated articles may have gained a dated copy
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]\Z")  # Chroma's rule for names


def text_hash(text: str) -> str:
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


@dataclass
class PreparedArticle:
    """An article ready to write: its chunks, their vectors (filled in by the pipeline) and its MinHash."""

    article: Article
    chunks: list[Chunk]
    minhash: np.ndarray
    vectors: np.ndarray | None = None


@dataclass
class FileRecord:
    path: str
    file_hash: str
    article_ids: list[str]
    obsolete_ids: list[str] = field(default_factory=list)  # articles this file no longer holds
    problems: list[IngestProblem] = field(default_factory=list)  # bad records, re-reported while it is unchanged


def chunk_metadata(chunk: Chunk, article: Article) -> Metadata:
    meta: dict[str, str | int | float | bool] = {
        "article_id": article.id, "index": chunk.index, "start": chunk.start, "end": chunk.end,
        "source": article.meta.source, "cluster": article.cluster,
    }
    if article.meta.date:
        meta["date"] = article.meta.date
        meta["date_num"] = int(article.meta.date.replace("-", ""))
    return meta


class Store:
    def __init__(self, settings: Settings, embedder: Embedder, collection: str | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.collection = collection or settings.collection
        if not _COLLECTION_NAME.match(self.collection) or ".." in self.collection:  # checked before any file is made
            raise ConfigError(f"invalid collection name {self.collection!r}: use 3 to 512 letters, digits, '.', '_' "
                              "or '-', starting and ending with a letter or digit")
        self.catalog = cat.Catalog(settings.data_dir / "collections" / self.collection / "catalog.sqlite3")
        self.vectors = VectorIndex(settings.chroma_path, settings.chroma_url, self.collection, embedder.name,
                                   embedder.dim)

    def close(self) -> None:
        self.catalog.close()

    # -- writes ------------------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish or undo whatever a killed run left half-done. Returns the number of articles cleaned up."""
        unfinished = self.catalog.unfinished_article_ids()
        if unfinished:
            self.vectors.delete_articles(unfinished)
            with self.catalog.transaction() as db:
                cat.delete_articles(db, unfinished)
        return len(unfinished)

    def reusable_vectors(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """text_hash -> stored vector, for chunk texts embedded before (edited files, reprinted paragraphs)."""
        by_hash = self.catalog.chunk_ids_for_text_hashes(hashes)
        stored = self.vectors.vectors(list(by_hash.values()))
        return {h: stored[cid] for h, cid in by_hash.items() if cid in stored}

    def commit(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord]) -> int:
        """Write a batch (protocol above). Returns the number of replaced articles removed."""
        with self.catalog.transaction() as db:
            for item in items:
                cat.insert_pending(db, item.article, item.minhash)
        ids = [c.id for item in items for c in item.chunks]
        if ids:
            vectors = np.vstack([item.vectors for item in items if item.vectors is not None and len(item.chunks)])
            metadatas = [chunk_metadata(c, item.article) for item in items for c in item.chunks]
            self.vectors.upsert(ids, vectors, metadatas)
        # An article one file dropped but another file of this batch holds (a moved story) stays.
        obsolete = sorted({i for f in files for i in f.obsolete_ids} - {i for f in files for i in f.article_ids})
        with self.catalog.transaction() as db:
            for item in items:
                cat.insert_chunks(db, item.chunks, {c.id: text_hash(c.text) for c in item.chunks})
            cat.set_status(db, [item.article.id for item in items], "ready")
            for f in files:
                cat.record_file(db, f.path, f.file_hash, f.article_ids, f.problems)
            cat.set_status(db, obsolete, "deleting")
            if items or obsolete:  # cleared by fill_dates_from_clusters: a kill in between leaves it set
                db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, '1')", (_DATES_PENDING,))
        if obsolete:
            self.recover()
        return len(obsolete)

    def obsolete_articles(self, path: str, keep: Sequence[str]) -> list[str]:
        """Articles the file held before but no longer does, and no other file holds."""
        old = set(self.catalog.file_articles(path)) - set(keep)
        if not old:
            return []
        return sorted(old - cat.articles_referenced_elsewhere(self.catalog.raw(), old, path))

    def remove_article(self, article_id: str) -> Article:
        article = self.catalog.article(article_id)
        if article is None:
            raise NotFoundError(f"no article with id '{article_id}'; see `factcheck sources`")
        with self.catalog.transaction() as db:
            cat.set_status(db, [article_id], "deleting")
            cat.forget_files_with(db, article_id)
        self.recover()
        return article

    def dates_pending(self) -> bool:
        """Whether articles were written since dates were last filled from story clusters (even by a killed run)."""
        return self.catalog.get_setting(_DATES_PENDING) == "1"

    def fill_dates_from_clusters(self) -> int:
        """Give an undated article the date of a dated syndicated copy (wire copy runs the same day)."""
        db = self.catalog.raw()
        rows = db.execute(
            "SELECT a.id, (SELECT min(b.date) FROM articles b WHERE b.cluster = a.cluster AND +b.status = 'ready' "
            "AND b.date IS NOT NULL AND b.date_inferred = 0) FROM articles a "
            "WHERE a.status = 'ready' AND a.date IS NULL").fetchall()
        updates = [(article_id, found) for article_id, found in rows if found]
        for article_id, found in updates:
            article = self.catalog.article(article_id)
            if article is None:
                continue
            article.meta.date, article.meta.date_inferred = found, True
            chunks = db.execute("SELECT id, article_id, idx, text, start, end FROM chunks WHERE article_id = ?",
                                (article_id,)).fetchall()
            chunk_models = [Chunk(id=r[0], article_id=r[1], index=r[2], text=r[3], start=r[4], end=r[5])
                            for r in chunks]
            # Chroma first: if killed before the catalog update, the next run simply repeats both.
            self.vectors.update_metadata([c.id for c in chunk_models],
                                         [chunk_metadata(c, article) for c in chunk_models])
            with self.catalog.transaction() as tx:
                tx.execute("UPDATE articles SET date = ?, date_inferred = 1 WHERE id = ?", (found, article_id))
        self.catalog.set_setting(_DATES_PENDING, "0")
        return len(updates)

    # -- reads -------------------------------------------------------------------------------------------------
    def articles(self) -> list[Article]:
        return self.catalog.articles()

    def passages(self, hits: Sequence[tuple[str, float]]) -> list[Passage]:
        """Passages for (chunk id, score) hits, dropping any chunk whose article is not 'ready'."""
        chunks = self.catalog.chunks_by_id([cid for cid, _ in hits])
        articles = self.catalog.articles_by_id(c.article_id for c in chunks.values())
        found: list[Passage] = []
        for chunk_id, score in hits:
            chunk = chunks.get(chunk_id)
            article = articles.get(chunk.article_id) if chunk else None
            if chunk is None or article is None:
                continue
            found.append(Passage(chunk_id=chunk.id, article_id=article.id, title=article.meta.title,
                                 source=article.meta.source, date=article.meta.date, text=chunk.text,
                                 start=chunk.start, end=chunk.end, score=round(score, 6), cluster=article.cluster))
        return found
