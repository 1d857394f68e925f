"""The catalog backend interface: what a database must provide to hold a collection next to its vectors.

The catalog is the source of truth for what is stored: articles (with their text, metadata, story cluster and
MinHash signature), their chunks, the lexical index over the chunks, the file ledger (path -> file hash, the
article ids it held, the bad records noted when it was read) and a flag saying that undated articles may have
gained a dated copy. `SqliteCatalog` (sqlite_catalog.py: one SQLite file per collection, FTS5 for the lexical
index) is the default; `PostgresCatalog` (postgres_catalog.py: shared tables on a Postgres server, a tsvector
lexical index) is chosen by FACTCHECK_DATABASE_URL in store.py's `open_catalog`; nothing outside
`assistant/store/` knows which one runs.

A backend must provide:
- Visibility by status. Every article has a status: 'pending' (written, vectors not yet confirmed),
  'ready' (complete), 'deleting' (on its way out). Every read method (articles, article, articles_by_id,
  ready_article_ids, signatures, lexical_search, chunk_ids_for_text_hashes) sees 'ready' articles only;
  chunks_by_id may return chunks of any article (the Store drops those whose article is not ready).
- Atomic writes. Each write method below is one transaction: after a crash it happened entirely or not at all.
- The crash-safety protocol the Store drives (vectors live in another system, so no one transaction spans both):
    1. `add_pending(items)`: the batch's articles, status 'pending'; a restated item (an article stored already,
       given new metadata by its file: see corpus.PreparedArticle) keeps its 'ready' row as it is, and its id is
       noted as restating;
    2. (the Store upserts the chunk vectors, with a restated article's new metadata; ids are deterministic, so a
       repeat never duplicates)
    3. `publish(items, files, obsolete)`: chunks and their lexical rows inserted, the articles 'ready' (a
       restated one's row takes its new metadata, and nothing is restating any more), the file ledger updated,
       `obsolete` articles 'deleting', the dates-pending flag set: this makes the batch visible, all at once;
    4. (the Store removes the vectors of every article not 'ready') then `delete_articles(ids)`.
  On open, and before each ingest, the Store calls `recover`: the articles `restating_article_ids` lists get
  their catalog metadata back in Chroma (`clear_restating` then), and every article `unfinished_article_ids`
  lists (any status but 'ready') loses its vectors, then `delete_articles` removes its rows, so the next ingest
  re-does it from its file (its ledger row was never written, or was forgotten, or still has the old key).
- One writer at a time: `writer_lock()` gives a lock that only one process (on any machine that shares the
  collection) can hold, released when its holder dies (see writer_lock.py; SQLite: a file lock beside the
  database; PostgreSQL: `pg_try_advisory_lock` on the collection's key). The Store takes it around every ingest
  and removal, so `recover` never mistakes another writer's batch in progress for a crashed one.
- Lexical search over chunk text: plain query text in (never interpreted as query syntax), (chunk id, score)
  out, best first, with the Filters (sources, date range) applied before ranking so a narrow filter still
  gets its best k.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np

from assistant.store.corpus import FileRecord, Hit, PreparedArticle
from assistant.store.vectors import FIRM_DATE
from assistant.store.writer_lock import WriterLock
from assistant.types import Article, ArticleMeta, Chunk, Filters, IngestProblem

EMBEDDING_MODEL_KEY = "embedding_model"  # settings-table key: the model that embedded the collection's chunks
INFERRED_DATE = ("inferred_from_copy", 0.4)  # (date_source, date_confidence) of a date taken from a dated copy


class Catalog(Protocol):
    def writer_lock(self) -> WriterLock:
        """The collection's one-writer lock (not yet held)."""
        ...

    # -- the file ledger ---------------------------------------------------------------------------------------
    def file_hash(self, path: str) -> str | None: ...

    def file_problems(self, path: str) -> list[IngestProblem]: ...

    def file_articles(self, path: str) -> list[str]: ...

    def ledger(self) -> dict[str, list[str]]:
        """Every file in the ledger, with the article ids it held when last read."""
        ...

    def articles_referenced_elsewhere(self, ids: Iterable[str], except_path: str) -> set[str]:
        """Those of `ids` that a ledger row other than `except_path` lists."""
        ...

    # -- articles ----------------------------------------------------------------------------------------------
    def ready_article_ids(self, ids: Iterable[str]) -> set[str]: ...

    def unfinished_article_ids(self) -> list[str]: ...

    def restating_article_ids(self) -> list[str]:
        """Restated articles whose batch was not published (noted by add_pending, cleared by publish)."""
        ...

    def clear_restating(self) -> None: ...

    def signatures(self) -> Iterator[tuple[str, np.ndarray, str]]: ...

    def articles(self) -> list[Article]: ...

    def source_names(self) -> list[str]:
        """The distinct source names of ready articles, as stored."""
        ...

    def article(self, article_id: str) -> Article | None: ...

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]: ...

    def undated_with_dated_copy(self) -> list[tuple[str, str]]:
        """(article id, earliest own date of a ready article in its story cluster) for each undated article."""
        ...

    # -- chunks and the lexical index --------------------------------------------------------------------------
    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]: ...

    def chunks_of(self, article_id: str) -> list[Chunk]: ...

    def chunk_ids_for_text_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """text_hash -> one chunk id of a ready article with that text (to reuse its vector)."""
        ...

    def count_chunks(self) -> int: ...

    def all_chunk_ids(self) -> set[str]: ...

    def lexical_search(self, query: str, k: int, filters: Filters) -> list[Hit]: ...

    # -- writes: each one transaction (see the protocol above) -------------------------------------------------
    def add_pending(self, items: Sequence[PreparedArticle]) -> None: ...

    def publish(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord], obsolete: Sequence[str]) -> None:
        ...

    def mark_deleting(self, ids: Sequence[str], *, forget_files: bool = False) -> None:
        """Status 'deleting'; with forget_files, ledger rows listing them go too (ingesting a file restores it)."""
        ...

    def forget_files(self, paths: Sequence[str]) -> list[str]:
        """One transaction: the files leave the ledger, and the articles no other file holds become 'deleting'
        (returned; the Store then removes them everywhere)."""
        ...

    def delete_articles(self, ids: Sequence[str]) -> None: ...

    def set_inferred_date(self, article_id: str, date: str) -> None: ...

    def dates_pending(self) -> bool: ...

    def clear_dates_pending(self) -> None: ...

    def embedding_model(self) -> str | None:
        """The embedding model whose vectors the collection holds, as recorded at its first write (None: no write
        yet, or a collection written before models were recorded here)."""
        ...

    def record_embedding_model(self, name: str) -> None: ...

    def close(self) -> None: ...


def article_from_row(row: Sequence[Any]) -> Article:
    """An article from a catalog row in the column order every backend selects (id, title, source, date,
    date_inferred, url, author, caption, origin, content_hash, cluster, text, n_chunks, date_source,
    date_confidence)."""
    (article_id, title, source, date, date_inferred, url, author, caption, origin, content_hash, cluster, text,
     n_chunks, date_source, date_confidence) = row
    meta = ArticleMeta(title=title or "", source=source or "", date=date, date_inferred=bool(date_inferred), url=url,
                       author=author, caption=caption, date_source=date_source, date_confidence=date_confidence)
    return Article(id=article_id, text=text, meta=meta, origin=origin or "", content_hash=content_hash or "",
                   cluster=cluster or "", n_chunks=n_chunks or 0)


def filter_conditions(filters: Filters) -> list[tuple[str, str, Any]]:
    """The filters as (column of the `articles a` table, operator, value), for each backend to write in its own
    SQL: `in` takes the list of source names, `>=` and `<=` one value."""
    conditions: list[tuple[str, str, Any]] = []
    if filters.sources:
        conditions.append(("a.source", "in", list(filters.sources)))
    if filters.since:
        conditions.append(("a.date", ">=", filters.since))
    if filters.until:
        conditions.append(("a.date", "<=", filters.until))
    if filters.firm_dates:
        conditions.append(("a.date_confidence", ">=", FIRM_DATE))
    return conditions
