"""The Store: Chroma vectors and a catalog (SQLite today) written together so they never disagree.

It is both a `Corpus` (for retrieval and checks) and a `CorpusWriter` (for ingest); see corpus.py. The write
protocol, and the `recover` that repairs a run killed between any two of its steps, are described in
catalog.py; here they are driven:
  1. catalog.add_pending  2. vectors.upsert  3. catalog.publish  4. vectors.delete_articles + catalog.delete_articles
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from assistant.config import Settings
from assistant.errors import ConfigError, EmbeddingMismatchError, NotFoundError, StoreError
from assistant.store.catalog import INFERRED_DATE, Catalog
from assistant.store.corpus import FileRecord, Hit, PreparedArticle
from assistant.store.embeddings import Embedder
from assistant.store.sqlite_catalog import SqliteCatalog
from assistant.store.vectors import Metadata, VectorIndex, check_embedding_model, chroma_where
from assistant.store.writer_lock import WriterLock, hold
from assistant.types import Article, Chunk, Filters, IngestProblem, Passage

_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]\Z")  # Chroma's rule for names


def chunk_metadata(chunk: Chunk, article: Article) -> Metadata:
    meta: dict[str, str | int | float | bool] = {
        "article_id": article.id, "index": chunk.index, "start": chunk.start, "end": chunk.end,
        "source": article.meta.source, "cluster": article.cluster,
    }
    if article.meta.date:
        meta["date"] = article.meta.date
        meta["date_num"] = int(article.meta.date.replace("-", ""))
        if article.meta.date_confidence is not None:
            meta["date_confidence"] = article.meta.date_confidence
    return meta


def replacing_metadata(chunk: Chunk, article: Article) -> Metadata:
    """chunk_metadata for a chunk Chroma holds already: Chroma merges metadata on upsert and update, so a key the
    article no longer has (a date it lost) is sent as None, which removes it."""
    return {**dict.fromkeys(_OPTIONAL_KEYS), **chunk_metadata(chunk, article)}


_OPTIONAL_KEYS = ("date", "date_num", "date_confidence")


def _source_key(name: str) -> str:
    return " ".join(name.split()).lower().removeprefix("www.")


def read_only_reason(settings: Settings) -> str | None:
    """Why the store must not be written, if it must not: FACTCHECK_READ_ONLY, or a data dir this process cannot
    write (a read-only mount, or permissions)."""
    if settings.read_only:
        return "FACTCHECK_READ_ONLY is set"
    if settings.data_dir.exists() and not os.access(settings.data_dir, os.W_OK):
        return f"{settings.data_dir} is not writable"
    return None


def require_collection(settings: Settings, collection: str | None) -> None:
    """The collection read must exist: a misspelt name, or a data dir other than the store's (FACTCHECK_DATA_DIR
    not set in this shell), would otherwise open a new, empty collection, and every claim would be "not enough
    evidence". `collection` None: the default one. Not checked on a shared Postgres catalog, where collections
    share the tables and one never written reads as empty."""
    if settings.database_url:
        return
    root = settings.data_dir / "collections"
    name = collection or settings.collection
    if (root / name / "catalog.sqlite3").exists():
        return
    names = sorted(path.parent.name for path in root.glob("*/catalog.sqlite3")) if root.is_dir() else []
    if collection is None and not names:
        raise NotFoundError(f"no articles in {settings.data_dir}: add some with `factcheck ingest PATH`, or set "
                            "FACTCHECK_DATA_DIR to the folder your store is in")
    raise NotFoundError(f"no collection '{name}' in {settings.data_dir} (collections there: "
                        f"{', '.join(names) or 'none'}); check the name, or ingest into it first")


def open_catalog(settings: Settings, collection: str, read_only: bool = False) -> Catalog:
    """The catalog backend of a collection (the one place that chooses it): Postgres when FACTCHECK_DATABASE_URL
    is set, else a SQLite file in the data dir."""
    if not settings.database_url:
        return SqliteCatalog(settings.data_dir / "collections" / collection / "catalog.sqlite3", read_only)
    if not settings.chroma_url:  # vectors in a local folder would give every machine its own half of the corpus
        raise ConfigError("FACTCHECK_DATABASE_URL needs FACTCHECK_CHROMA_URL too: a shared catalog needs shared "
                          "vectors (a Chroma server, e.g. `chroma run --host 127.0.0.1 --port 8000 --path DIR`)")
    try:
        from assistant.store.postgres_catalog import PostgresCatalog
    except ImportError:
        raise ConfigError("FACTCHECK_DATABASE_URL needs the postgres extra: "
                          "pip install 'factcheck-assistant[postgres]'") from None
    return PostgresCatalog(settings.database_url, collection, read_only)


class Store:
    def __init__(self, settings: Settings, embedder: Embedder, collection: str | None = None) -> None:
        self._embedder = embedder
        self.collection = collection or settings.collection
        if not _COLLECTION_NAME.match(self.collection) or ".." in self.collection:  # checked before any file is made
            raise ConfigError(f"invalid collection name {self.collection!r}: use 3 to 512 letters, digits, '.', '_' "
                              "or '-', starting and ending with a letter or digit")
        self.read_only = read_only_reason(settings)  # None, or why sources/search/ask/check work but ingest cannot
        # Internal: code outside assistant/store/ goes through the Corpus / CorpusWriter methods below.
        self.catalog = open_catalog(settings, self.collection, bool(self.read_only))
        self._settings = settings
        # The model that built the collection is recorded in the catalog, so every command (`sources` too, which
        # never opens Chroma or loads the model) reports a mismatch; Chroma's own record is checked when opened.
        try:
            check_embedding_model(self.collection, self.catalog.embedding_model(), embedder.name)
        except EmbeddingMismatchError:
            self.catalog.close()
            raise

    @functools.cached_property
    def vectors(self) -> VectorIndex:
        """Chroma, opened on first use: listing sources or re-ingesting unchanged files never imports chromadb
        (~1 s and ~40 MB). A collection built by another embedding model is reported here, before any write."""
        return VectorIndex(self._settings.chroma_path, self._settings.chroma_url, self.collection,
                           self._embedder.name, self._embedder.dim, bool(self.read_only))

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def close(self) -> None:
        self.catalog.close()
        if "vectors" in self.__dict__:  # opened
            self.vectors.close()

    def writer_lock(self) -> WriterLock:
        """The collection's one-writer lock (see writer_lock.py), from the catalog backend. Every write (ingest,
        removal) takes it first, so a read-only store refuses here, before anything is read or changed."""
        if self.read_only:
            raise StoreError(f"the store is read-only ({self.read_only}); ingest and remove need a writable "
                             "FACTCHECK_DATA_DIR")
        return self.catalog.writer_lock()

    # -- writes (CorpusWriter) ---------------------------------------------------------------------------------
    def recover(self) -> int:
        """Finish or undo whatever a killed run left half-done. Returns the number of articles cleaned up."""
        restating = self.catalog.restating_article_ids()
        if restating:  # killed after Chroma took their new metadata, before the catalog did: Chroma gets it back
            self._write_vector_metadata(self.catalog.articles_by_id(restating).values())
            self.catalog.clear_restating()
        unfinished = self.catalog.unfinished_article_ids()
        if unfinished:
            self.vectors.delete_articles(unfinished)
            self.catalog.delete_articles(unfinished)
        return len(unfinished)

    def file_hash(self, path: str) -> str | None:
        return self.catalog.file_hash(path)

    def file_problems(self, path: str) -> list[IngestProblem]:
        return self.catalog.file_problems(path)

    def chunks_of(self, article_id: str) -> list[Chunk]:
        return self.catalog.chunks_of(article_id)

    def signatures(self) -> Iterator[tuple[str, np.ndarray, str]]:
        return self.catalog.signatures()

    def reusable_vectors(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """text_hash -> stored vector, for chunk texts embedded before (edited files, reprinted paragraphs)."""
        by_hash = self.catalog.chunk_ids_for_text_hashes(hashes)
        stored = self.vectors.vectors(list(by_hash.values()))
        return {h: stored[cid] for h, cid in by_hash.items() if cid in stored}

    def commit(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord]) -> int:
        """Write a batch (protocol above). Returns the number of replaced articles removed."""
        vectors = self.vectors  # opened (and its embedding model checked) before the catalog is touched
        if self.catalog.embedding_model() is None:
            self.catalog.record_embedding_model(self._embedder.name)
        self.catalog.add_pending(items)  # a restated article's row stays as it is (and visible) until publish
        ids = [c.id for item in items for c in item.chunks]
        if ids:
            stacked = np.vstack([item.embeddings for item in items
                                 if item.embeddings is not None and len(item.chunks)])
            metadatas = [(replacing_metadata if item.restated else chunk_metadata)(c, item.article)
                         for item in items for c in item.chunks]
            vectors.upsert(ids, stacked, metadatas)
        # An article one file dropped but another file of this batch holds (a moved story) stays.
        obsolete = sorted({i for f in files for i in f.obsolete_ids} - {i for f in files for i in f.article_ids})
        self.catalog.publish(items, files, obsolete)
        if obsolete:
            self.recover()
        return len(obsolete)

    def obsolete_articles(self, path: str, keep: Sequence[str]) -> list[str]:
        """Articles the file held before but no longer does, and no other file holds."""
        old = set(self.catalog.file_articles(path)) - set(keep)
        if not old:
            return []
        return sorted(old - self.catalog.articles_referenced_elsewhere(old, path))

    def remove_article(self, article_id: str) -> Article:
        article = self.catalog.article(article_id)
        if article is None:
            raise NotFoundError(f"no article with id '{article_id}'; see `factcheck sources`")
        # recover() removes every unfinished article: another writer's batch in progress must not be one of them
        with hold(self.writer_lock(), wait=False, on_wait=lambda _pid: None, busy_hint="try again when it is done"):
            self.catalog.mark_deleting([article_id], forget_files=True)
            self.recover()
        return article

    def ledger(self) -> dict[str, list[str]]:
        """Every ingested file (its path as ingest recorded it) with the article ids it held."""
        return self.catalog.ledger()

    def forget_files(self, paths: Sequence[str]) -> int:
        """Remove the files from the ledger and, everywhere, the articles no other file holds (`ingest --prune`
        for files that are gone). Called under the writer lock. Returns the number of articles removed."""
        removed = self.catalog.forget_files(paths)
        if removed:
            self.recover()
        return len(removed)

    def dates_pending(self) -> bool:
        """Whether articles were written since dates were last filled from story clusters (even by a killed run)."""
        return self.catalog.dates_pending()

    def fill_dates_from_clusters(self) -> int:
        """Give an undated article the date of a dated syndicated copy (wire copy runs the same day)."""
        updates = self.catalog.undated_with_dated_copy()
        for article_id, found in updates:
            article = self.catalog.article(article_id)
            if article is None:
                continue
            article.meta.date, article.meta.date_inferred = found, True
            article.meta.date_source, article.meta.date_confidence = INFERRED_DATE
            # Chroma first: if killed before the catalog update, the next run simply repeats both.
            self._write_vector_metadata([article])
            self.catalog.set_inferred_date(article_id, found)
        self.catalog.clear_dates_pending()
        return len(updates)

    def _write_vector_metadata(self, articles: Iterable[Article]) -> None:
        """Set the Chroma metadata of the articles' stored chunks from the articles given."""
        for article in articles:
            chunks = self.catalog.chunks_of(article.id)
            self.vectors.update_metadata([c.id for c in chunks], [replacing_metadata(c, article) for c in chunks])

    # -- reads (Corpus) ----------------------------------------------------------------------------------------
    def dense(self, query: str, k: int, filters: Filters) -> list[Hit]:
        filters = self._named_sources(filters)
        vector = self._embedder.embed([query])[0]
        return self.vectors.query(vector, k, chroma_where(filters))

    def lexical(self, query: str, k: int, filters: Filters) -> list[Hit]:
        return self.catalog.lexical_search(query, k, self._named_sources(filters))

    def _named_sources(self, filters: Filters) -> Filters:
        """Source names as stored, matched whatever their case ("reuters" finds "Reuters"); a name that matches
        none is an error listing the known ones, never a silent empty result."""
        if not filters.sources:
            return filters
        known = self.catalog.source_names()
        by_key: dict[str, list[str]] = {}
        for name in known:
            by_key.setdefault(_source_key(name), []).append(name)
        unknown = [s for s in filters.sources if _source_key(s) not in by_key]
        if unknown:
            listed = ", ".join(sorted(known, key=str.lower)[:20]) + (", …" if len(known) > 20 else "")
            raise NotFoundError(f"unknown source {', '.join(map(repr, unknown))}; known sources: {listed or 'none'}")
        names = [n for s in filters.sources for n in by_key[_source_key(s)]]
        return filters.model_copy(update={"sources": list(dict.fromkeys(names))})

    def article(self, article_id: str) -> Article | None:
        return self.catalog.article(article_id)

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        return self.catalog.articles_by_id(ids)

    def articles(self) -> list[Article]:
        return self.catalog.articles()

    def chunk_neighbours(self, chunk_ids: Sequence[str], k: int) -> dict[str, list[Hit]]:
        """Each chunk's k nearest chunks by stored vector (the audit's candidates), ready or not: callers keep
        those whose articles they know."""
        return self.vectors.neighbours(chunk_ids, k)

    def passages(self, hits: Sequence[Hit]) -> list[Passage]:
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
                                 start=chunk.start, end=chunk.end, score=round(score, 6), cluster=article.cluster,
                                 date_source=article.meta.date_source))
        return found
