"""The Postgres catalog backend: articles, file ledger, chunks and their lexical index on a shared server.

Selected by FACTCHECK_DATABASE_URL=postgresql://...; vectors then live in a Chroma server (FACTCHECK_CHROMA_URL),
so every machine and process that points at the two servers sees one corpus. Any Postgres 14+ works: only
core SQL, tsvector and advisory locks are used (no extension). Every collection shares the same tables, keyed
by a `collection` column; the tables are created on first use.

Lexical index: a tsvector per chunk with a GIN index, ranked with ts_rank_cd. Both the stored text and the
query are split into words exactly as FTS5's unicode61 tokenizer splits them (letters and digits, lower case,
diacritics removed), so the query side behaves as with the SQLite backend: query text is data and never
tsquery syntax, "2,000" is the phrase 2 <-> 000, "U.S." the phrase u <-> s, and an inflected lower-case word
is searched as a prefix of its stem. (Postgres's own parser would keep "u.s" and "long-term" whole.)

Writers: one at a time per collection, through a session-level advisory lock (`writer`); readers never wait.
The crash-safety protocol is the SQLite backend's: pending rows, then vectors, then one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.store.corpus import FileRecord, Hit, PreparedArticle, text_hash
from assistant.text import query_terms
from assistant.types import Article, ArticleMeta, Chunk, Filters, IngestProblem

SCHEMA = """
CREATE TABLE IF NOT EXISTS factcheck_articles (
    collection TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, title TEXT, source TEXT, date TEXT,
    date_inferred BOOLEAN NOT NULL DEFAULT false, url TEXT, author TEXT, caption TEXT, origin TEXT,
    content_hash TEXT, cluster TEXT, text TEXT NOT NULL, n_chunks INTEGER NOT NULL DEFAULT 0, minhash BYTEA,
    PRIMARY KEY (collection, id)
);
CREATE INDEX IF NOT EXISTS factcheck_articles_cluster ON factcheck_articles (collection, cluster);
CREATE INDEX IF NOT EXISTS factcheck_articles_unfinished ON factcheck_articles (collection) WHERE status <> 'ready';
CREATE TABLE IF NOT EXISTS factcheck_files (
    collection TEXT NOT NULL, path TEXT NOT NULL, file_hash TEXT NOT NULL, article_ids JSONB NOT NULL,
    problems JSONB NOT NULL DEFAULT '[]', PRIMARY KEY (collection, path)
);
CREATE TABLE IF NOT EXISTS factcheck_chunks (
    collection TEXT NOT NULL, id TEXT NOT NULL, article_id TEXT NOT NULL, idx INTEGER NOT NULL,
    span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, text TEXT NOT NULL, text_hash TEXT NOT NULL,
    lexemes TSVECTOR NOT NULL, PRIMARY KEY (collection, id)
);
CREATE INDEX IF NOT EXISTS factcheck_chunks_article ON factcheck_chunks (collection, article_id);
CREATE INDEX IF NOT EXISTS factcheck_chunks_text_hash ON factcheck_chunks (collection, text_hash);
CREATE INDEX IF NOT EXISTS factcheck_chunks_lexemes ON factcheck_chunks USING GIN (lexemes);
CREATE TABLE IF NOT EXISTS factcheck_settings (
    collection TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (collection, key)
);
CREATE TABLE IF NOT EXISTS factcheck_writers (
    collection TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""

_SCHEMA_LOCK = 0x6661637463686B  # advisory lock key serialising the CREATE statements of concurrent first opens
_DATES_PENDING = "dates_pending"
_ARTICLE_COLUMNS = ("id, title, source, date, date_inferred, url, author, caption, origin, content_hash, cluster, "
                    "text, n_chunks")
_CHUNK_COLUMNS = "id, article_id, idx, text, span_start, span_end"
_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps: runs of letters and digits


def _fold(word: str) -> str:
    """Lower case without diacritics ("Café" -> "cafe"), as unicode61 with remove_diacritics folds words."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def index_words(text: str) -> str:
    """The chunk's words as the index sees them, space-separated (to_tsvector('simple') then keeps each one)."""
    return " ".join(_fold(w) for w in _WORD.findall(text))


def tsquery(text: str) -> str:
    """A to_tsquery('simple') expression for plain query text: its content terms (text.query_terms) OR-ed, each a
    phrase of quoted words or a quoted stem prefix. Only folded letters and digits ever go inside the quotes."""
    terms = []
    for words, prefix in query_terms(text):
        folded = [w for w in map(_fold, words) if w]
        if folded:
            terms.append(f"'{folded[0]}':*" if prefix else " <-> ".join(f"'{w}'" for w in folded))
    return " | ".join(f"({t})" for t in dict.fromkeys(terms))


def lock_key(collection: str) -> int:
    """A signed 64-bit advisory lock key for a collection's writer."""
    return int.from_bytes(hashlib.sha256(f"factcheck-writer:{collection}".encode()).digest()[:8], "big", signed=True)


class PostgresCatalog:
    def __init__(self, url: str, collection: str) -> None:
        import psycopg

        self._errors = psycopg.Error
        self.collection = collection
        try:
            self._db = psycopg.connect(url, autocommit=True, application_name=f"factcheck pid {os.getpid()}")
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                self._db.execute(SCHEMA)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the Postgres catalog at {_safe(url)}: {_one_line(exc)}") from None

    def close(self) -> None:
        self._db.close()

    def raw(self) -> Any:
        """The connection, for tests and benchmarks that look inside."""
        return self._db

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except self._errors as exc:
            raise StoreError(f"Postgres request failed: {_one_line(exc)}") from None

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        try:
            with self._db.transaction():
                yield self._db
        except self._errors as exc:
            raise StoreError(f"Postgres write failed: {_one_line(exc)}") from None

    # -- the writer lock -----------------------------------------------------------------------------------------
    @contextmanager
    def writer(self, wait: bool = True, notice: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the collection's writer lock (session-level, so a killed writer's lock goes with its connection).
        Another writer holding it: `notice` gets "another ingest is writing to this collection (pid N); waiting"
        and this waits, or, with wait=False, a StoreError with that message (ending "; not waiting")."""
        key = lock_key(self.collection)
        if not self._rows("SELECT pg_try_advisory_lock(%s)", (key,))[0][0]:
            holder = self._holder()
            if not wait:
                raise StoreError(f"another ingest is writing to this collection ({holder}); not waiting")
            if notice:
                notice(f"another ingest is writing to this collection ({holder}); waiting")
            self._rows("SELECT pg_advisory_lock(%s)", (key,))
        try:
            self._rows("INSERT INTO factcheck_writers (collection, pid, host) VALUES (%s, %s, %s) "
                       "ON CONFLICT (collection) DO UPDATE SET pid = excluded.pid, host = excluded.host, since = now() "
                       "RETURNING pid", (self.collection, os.getpid(), socket.gethostname()))
            yield
        finally:
            if not self._db.closed:
                self._rows("SELECT pg_advisory_unlock(%s)", (key,))

    def _holder(self) -> str:
        found = self._rows("SELECT pid, host FROM factcheck_writers WHERE collection = %s", (self.collection,))
        if not found:
            return "pid unknown"
        pid, host = found[0]
        return f"pid {pid}" if host == socket.gethostname() else f"pid {pid} on {host}"

    # -- reads ---------------------------------------------------------------------------------------------------
    def file_hash(self, path: str) -> str | None:
        rows = self._rows("SELECT file_hash FROM factcheck_files WHERE collection = %s AND path = %s",
                          (self.collection, path))
        return rows[0][0] if rows else None

    def file_problems(self, path: str) -> list[IngestProblem]:
        rows = self._rows("SELECT problems FROM factcheck_files WHERE collection = %s AND path = %s",
                          (self.collection, path))
        return [IngestProblem.model_validate(p) for p in rows[0][0]] if rows else []

    def file_articles(self, path: str) -> list[str]:
        rows = self._rows("SELECT article_ids FROM factcheck_files WHERE collection = %s AND path = %s",
                          (self.collection, path))
        return list(rows[0][0]) if rows else []

    def articles_referenced_elsewhere(self, ids: Iterable[str], except_path: str) -> set[str]:
        rows = self._rows("SELECT DISTINCT a.value FROM factcheck_files f, jsonb_array_elements_text(f.article_ids) a "
                          "WHERE f.collection = %s AND f.path <> %s AND a.value = ANY(%s)",
                          (self.collection, except_path, list(set(ids))))
        return {r[0] for r in rows}

    def ready_article_ids(self, ids: Iterable[str]) -> set[str]:
        rows = self._rows("SELECT id FROM factcheck_articles WHERE collection = %s AND status = 'ready' "
                          "AND id = ANY(%s)", (self.collection, list(set(ids))))
        return {r[0] for r in rows}

    def unfinished_article_ids(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM factcheck_articles WHERE collection = %s "
                                         "AND status <> 'ready' ORDER BY id", (self.collection,))]

    def signatures(self) -> Iterator[tuple[str, np.ndarray, str]]:
        rows = self._rows("SELECT id, minhash, cluster FROM factcheck_articles WHERE collection = %s "
                          "AND status = 'ready' AND minhash IS NOT NULL", (self.collection,))
        for article_id, blob, cluster in rows:
            yield article_id, np.frombuffer(bytes(blob), dtype=np.uint64), cluster

    def articles(self) -> list[Article]:
        rows = self._rows(f"SELECT {_ARTICLE_COLUMNS} FROM factcheck_articles WHERE collection = %s AND status = "
                          "'ready' ORDER BY date COLLATE \"C\" NULLS FIRST, title COLLATE \"C\", id COLLATE \"C\"",
                          (self.collection,))  # SQLite's order: NULL dates first, then byte order
        return [_article(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        rows = self._rows(f"SELECT {_ARTICLE_COLUMNS} FROM factcheck_articles WHERE collection = %s "
                          "AND status = 'ready' AND id = %s", (self.collection, article_id))
        return _article(rows[0]) if rows else None

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(set(ids))
        rows = self._rows(f"SELECT {_ARTICLE_COLUMNS} FROM factcheck_articles WHERE collection = %s "
                          "AND status = 'ready' AND id = ANY(%s)", (self.collection, wanted)) if wanted else []
        return {row[0]: _article(row) for row in rows}

    def undated_with_dated_copy(self) -> list[tuple[str, str]]:
        rows = self._rows(
            "SELECT a.id, (SELECT min(b.date) FROM factcheck_articles b WHERE b.collection = a.collection "
            "AND b.cluster = a.cluster AND b.status = 'ready' AND b.date IS NOT NULL AND NOT b.date_inferred) "
            "FROM factcheck_articles a WHERE a.collection = %s AND a.status = 'ready' AND a.date IS NULL",
            (self.collection,))
        return [(article_id, found) for article_id, found in rows if found]

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        rows = self._rows(f"SELECT {_CHUNK_COLUMNS} FROM factcheck_chunks WHERE collection = %s AND id = ANY(%s)",
                          (self.collection, list(ids))) if ids else []
        return {r[0]: _chunk(r) for r in rows}

    def chunks_of(self, article_id: str) -> list[Chunk]:
        rows = self._rows(f"SELECT {_CHUNK_COLUMNS} FROM factcheck_chunks WHERE collection = %s AND article_id = %s "
                          "ORDER BY idx", (self.collection, article_id))
        return [_chunk(r) for r in rows]

    def chunk_ids_for_text_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        rows = self._rows("SELECT DISTINCT ON (c.text_hash) c.text_hash, c.id FROM factcheck_chunks c "
                          "JOIN factcheck_articles a ON a.collection = c.collection AND a.id = c.article_id "
                          "WHERE c.collection = %s AND a.status = 'ready' AND c.text_hash = ANY(%s)",
                          (self.collection, list(set(hashes))))
        return {h: cid for h, cid in rows}

    def count_chunks(self) -> int:
        return int(self._rows("SELECT count(*) FROM factcheck_chunks WHERE collection = %s", (self.collection,))[0][0])

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT id FROM factcheck_chunks WHERE collection = %s", (self.collection,))}

    def lexical_chunk_ids(self) -> set[str]:
        """Chunk ids with a non-empty lexical entry (for consistency checks)."""
        return {r[0] for r in self._rows("SELECT id FROM factcheck_chunks WHERE collection = %s "
                                         "AND length(lexemes) > 0", (self.collection,))}

    def lexical_search(self, query: str, k: int, filters: Filters) -> list[Hit]:
        """(chunk id, ts_rank_cd score) of the best k chunks of ready articles inside the filters. The filters
        are applied before ranking, so a narrow filter still gets its best k."""
        expression = tsquery(query)
        if not expression or k < 1:
            return []
        condition, params = _filter_sql(filters)
        rows = self._rows(
            "SELECT c.id, ts_rank_cd(c.lexemes, q) AS score FROM to_tsquery('simple', %s) q, factcheck_chunks c "
            "JOIN factcheck_articles a ON a.collection = c.collection AND a.id = c.article_id "
            f"WHERE c.collection = %s AND c.lexemes @@ q AND a.status = 'ready'{condition} "
            "ORDER BY score DESC, c.id LIMIT %s", (expression, self.collection, *params, k))
        return [(chunk_id, float(score)) for chunk_id, score in rows]

    def dates_pending(self) -> bool:
        rows = self._rows("SELECT value FROM factcheck_settings WHERE collection = %s AND key = %s",
                          (self.collection, _DATES_PENDING))
        return bool(rows) and rows[0][0] == "1"

    def clear_dates_pending(self) -> None:
        with self._transaction() as db:
            _set_setting(db, self.collection, _DATES_PENDING, "0")

    # -- writes, each one transaction ----------------------------------------------------------------------------
    def add_pending(self, items: Sequence[PreparedArticle]) -> None:
        with self._transaction() as db, db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO factcheck_articles (collection, id, status, title, source, date, date_inferred, url, "
                "author, caption, origin, content_hash, cluster, text, n_chunks, minhash) VALUES (%s, %s, 'pending', "
                "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (collection, id) DO UPDATE SET "
                "status = 'pending', title = excluded.title, source = excluded.source, date = excluded.date, "
                "date_inferred = excluded.date_inferred, url = excluded.url, author = excluded.author, "
                "caption = excluded.caption, origin = excluded.origin, content_hash = excluded.content_hash, "
                "cluster = excluded.cluster, text = excluded.text, n_chunks = excluded.n_chunks, "
                "minhash = excluded.minhash",
                [_article_row(self.collection, item.article, item.minhash) for item in items])

    def publish(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord], obsolete: Sequence[str]) -> None:
        """Chunks and their lexical rows, articles 'ready', the ledger, obsolete articles 'deleting': at once."""
        with self._transaction() as db, db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO factcheck_chunks (collection, id, article_id, idx, span_start, span_end, text, text_hash, "
                "lexemes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, to_tsvector('simple', %s)) "
                "ON CONFLICT (collection, id) DO UPDATE SET article_id = excluded.article_id, idx = excluded.idx, "
                "span_start = excluded.span_start, span_end = excluded.span_end, text = excluded.text, "
                "text_hash = excluded.text_hash, lexemes = excluded.lexemes",
                [(self.collection, c.id, c.article_id, c.index, c.start, c.end, c.text, text_hash(c.text),
                  index_words(c.text)) for item in items for c in item.chunks])
            _set_status(db, self.collection, [item.article.id for item in items], "ready")
            cursor.executemany(
                "INSERT INTO factcheck_files (collection, path, file_hash, article_ids, problems) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (collection, path) DO UPDATE SET file_hash = "
                "excluded.file_hash, article_ids = excluded.article_ids, problems = excluded.problems",
                [(self.collection, f.path, f.file_hash, json.dumps(list(f.article_ids)),
                  json.dumps([p.model_dump() for p in f.problems])) for f in files])
            _set_status(db, self.collection, obsolete, "deleting")
            if items or obsolete:  # cleared by clear_dates_pending: a kill in between leaves it set
                _set_setting(db, self.collection, _DATES_PENDING, "1")

    def mark_deleting(self, ids: Sequence[str], *, forget_files: bool = False) -> None:
        with self._transaction() as db:
            _set_status(db, self.collection, ids, "deleting")
            if forget_files:  # ingesting those files again restores the articles
                db.execute("DELETE FROM factcheck_files WHERE collection = %s AND article_ids ?| %s",
                           (self.collection, list(ids)))

    def delete_articles(self, ids: Sequence[str]) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM factcheck_chunks WHERE collection = %s AND article_id = ANY(%s)",
                       (self.collection, list(ids)))
            db.execute("DELETE FROM factcheck_articles WHERE collection = %s AND id = ANY(%s)",
                       (self.collection, list(ids)))

    def set_inferred_date(self, article_id: str, date: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE factcheck_articles SET date = %s, date_inferred = true WHERE collection = %s "
                       "AND id = %s", (date, self.collection, article_id))


def _filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if filters.sources:
        parts.append(" AND a.source = ANY(%s)")
        params.append(list(filters.sources))
    if filters.since:
        parts.append(" AND a.date >= %s")
        params.append(filters.since)
    if filters.until:
        parts.append(" AND a.date <= %s")
        params.append(filters.until)
    return "".join(parts), params


def _set_status(db: Any, collection: str, ids: Sequence[str], status: str) -> None:
    if ids:
        db.execute("UPDATE factcheck_articles SET status = %s WHERE collection = %s AND id = ANY(%s)",
                   (status, collection, list(ids)))


def _set_setting(db: Any, collection: str, key: str, value: str) -> None:
    db.execute("INSERT INTO factcheck_settings (collection, key, value) VALUES (%s, %s, %s) "
               "ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value", (collection, key, value))


def _article_row(collection: str, article: Article, minhash: np.ndarray) -> tuple[Any, ...]:
    m = article.meta
    return (collection, article.id, m.title, m.source, m.date, m.date_inferred, m.url, m.author, m.caption,
            article.origin, article.content_hash, article.cluster, article.text, article.n_chunks, minhash.tobytes())


def _article(row: Sequence[Any]) -> Article:
    (article_id, title, source, date, date_inferred, url, author, caption, origin, content_hash, cluster, text,
     n_chunks) = row
    meta = ArticleMeta(title=title or "", source=source or "", date=date, date_inferred=bool(date_inferred), url=url,
                       author=author, caption=caption)
    return Article(id=article_id, text=text, meta=meta, origin=origin or "", content_hash=content_hash or "",
                   cluster=cluster or "", n_chunks=n_chunks or 0)


def _chunk(row: Sequence[Any]) -> Chunk:
    return Chunk(id=row[0], article_id=row[1], index=row[2], text=row[3], start=row[4], end=row[5])


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", url)


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
