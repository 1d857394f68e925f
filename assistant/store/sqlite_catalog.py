"""The SQLite catalog backend: articles, file ledger, chunks and their FTS5 lexical index in one file.

One database per collection, in WAL mode. It implements catalog.py's `Catalog` (read that docstring for the
statuses and the crash-safety protocol); the lexical query language and search plans are in fts5.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.errors import NotFoundError, StoreError
from assistant.store.catalog import EMBEDDING_MODEL_KEY, INFERRED_DATE, article_from_row
from assistant.store.corpus import FileRecord, Hit, PreparedArticle, text_hash
from assistant.store.fts5 import lexical_search
from assistant.store.writer_lock import FileWriterLock, WriterLock
from assistant.types import Article, Chunk, Filters, IngestProblem

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, title TEXT, source TEXT, date TEXT, date_inferred INTEGER DEFAULT 0,
    url TEXT, author TEXT, caption TEXT, origin TEXT, content_hash TEXT, cluster TEXT, text TEXT NOT NULL,
    n_chunks INTEGER DEFAULT 0, minhash BLOB, date_source TEXT, date_confidence REAL
);
CREATE INDEX IF NOT EXISTS articles_cluster ON articles(cluster);
CREATE INDEX IF NOT EXISTS articles_status ON articles(status);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, file_hash TEXT NOT NULL, article_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, article_id TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE INDEX IF NOT EXISTS chunks_text_hash ON chunks(text_hash);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_DATES_PENDING = "dates_pending"  # settings key: undated articles may have gained a dated copy
_RESTATING = "restating"  # settings key: ids (JSON) of restated articles whose new metadata Chroma may hold already
_ARTICLE_COLUMNS = "id, title, source, date, date_inferred, url, author, caption, origin, content_hash, cluster, " \
                   "text, n_chunks, date_source, date_confidence"


class SqliteCatalog:
    def __init__(self, path: Path, read_only: bool = False) -> None:
        try:
            if read_only:
                self._db = _open_read_only(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)
                self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the lexical index {path}: {exc}") from None
        self.path = path

    def _migrate(self) -> None:
        """Columns added after a store was first created (SQLite adds a column in place, keeping the rows)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(files)")}
        if "problems" not in columns:
            self._db.execute("ALTER TABLE files ADD COLUMN problems TEXT NOT NULL DEFAULT '[]'")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        if "date_source" not in columns:  # stores made before dates carried their provenance
            self._db.execute("ALTER TABLE articles ADD COLUMN date_source TEXT")
            self._db.execute("ALTER TABLE articles ADD COLUMN date_confidence REAL")
            self._db.execute("UPDATE articles SET date_source = ?, date_confidence = ? WHERE date_inferred = 1",
                             INFERRED_DATE)

    def close(self) -> None:
        self._db.close()

    def writer_lock(self) -> WriterLock:
        return FileWriterLock(self.path.parent / "writer.lock")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reads -------------------------------------------------------------------------------------------------
    def file_hash(self, path: str) -> str | None:
        row = self._db.execute("SELECT file_hash FROM files WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def file_problems(self, path: str) -> list[IngestProblem]:
        """The bad records noted when the file was last read (re-reported while it stays unchanged)."""
        row = self._db.execute("SELECT problems FROM files WHERE path = ?", (path,)).fetchone()
        return [IngestProblem.model_validate(p) for p in json.loads(row[0])] if row else []

    def file_articles(self, path: str) -> list[str]:
        row = self._db.execute("SELECT article_ids FROM files WHERE path = ?", (path,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def ready_article_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(r[0] for r in self._db.execute(
                f"SELECT id FROM articles WHERE +status = 'ready' AND id IN ({marks})", part))
        return found

    def unfinished_article_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM articles WHERE status != 'ready'")]

    def restating_article_ids(self) -> list[str]:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (_RESTATING,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def clear_restating(self) -> None:
        self._db.execute("DELETE FROM settings WHERE key = ?", (_RESTATING,))

    def signatures(self) -> Iterator[tuple[str, np.ndarray, str]]:
        for article_id, blob, cluster in self._db.execute(
                "SELECT id, minhash, cluster FROM articles WHERE status = 'ready' AND minhash IS NOT NULL"):
            yield article_id, np.frombuffer(blob, dtype=np.uint64), cluster

    def articles(self) -> list[Article]:
        rows = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE status = 'ready' "
                                "ORDER BY date, title, id")
        return [article_from_row(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE status = 'ready' AND id = ?",
                               (article_id,)).fetchone()
        return article_from_row(row) if row else None

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(set(ids))
        marks = ",".join("?" * len(wanted))
        # `+status`: keeps SQLite on the primary key; the status index matches nearly every row (~60 ms at 100k)
        rows = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE +status = 'ready' AND id IN ({marks})",
                                wanted) if wanted else []
        return {row[0]: article_from_row(row) for row in rows}

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT id, article_id, idx, text, start, end FROM chunks WHERE id IN ({marks})",
                                list(ids)) if ids else []
        return {r[0]: Chunk(id=r[0], article_id=r[1], index=r[2], text=r[3], start=r[4], end=r[5]) for r in rows}

    def chunk_ids_for_text_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """text_hash -> one stored chunk id with that exact text (to reuse its vector)."""
        wanted = list(set(hashes))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(self._db.execute(
                f"SELECT c.text_hash, c.id FROM chunks c JOIN articles a ON a.id = c.article_id "
                f"WHERE +a.status = 'ready' AND c.text_hash IN ({marks})", part).fetchall())
        return found

    def count_chunks(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def all_chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT id FROM chunks")}

    def chunks_of(self, article_id: str) -> list[Chunk]:
        rows = self._db.execute("SELECT id, article_id, idx, text, start, end FROM chunks WHERE article_id = ? "
                                "ORDER BY idx", (article_id,))
        return [Chunk(id=r[0], article_id=r[1], index=r[2], text=r[3], start=r[4], end=r[5]) for r in rows]

    def articles_referenced_elsewhere(self, ids: Iterable[str], except_path: str) -> set[str]:
        wanted = set(ids)
        found: set[str] = set()
        for (listed,) in self._db.execute("SELECT article_ids FROM files WHERE path != ?", (except_path,)):
            found.update(wanted.intersection(json.loads(listed)))
        return found

    def ledger(self) -> dict[str, list[str]]:
        return {path: json.loads(ids) for path, ids in self._db.execute("SELECT path, article_ids FROM files")}

    def source_names(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT source FROM articles WHERE status = 'ready'")]

    def undated_with_dated_copy(self) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT a.id, (SELECT min(b.date) FROM articles b WHERE b.cluster = a.cluster AND +b.status = 'ready' "
            "AND b.date IS NOT NULL AND b.date_inferred = 0) FROM articles a "
            "WHERE a.status = 'ready' AND a.date IS NULL").fetchall()
        return [(article_id, found) for article_id, found in rows if found]

    def lexical_search(self, query: str, k: int, filters: Filters) -> list[Hit]:
        return lexical_search(self._db, query, k, filters)

    def dates_pending(self) -> bool:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (_DATES_PENDING,)).fetchone()
        return bool(row) and row[0] == "1"

    def clear_dates_pending(self) -> None:
        self._db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, '0')", (_DATES_PENDING,))

    def embedding_model(self) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (EMBEDDING_MODEL_KEY,)).fetchone()
        except sqlite3.OperationalError:  # a read-only store made before the settings table: nothing recorded
            return None
        return str(row[0]) if row else None

    def record_embedding_model(self, name: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (EMBEDDING_MODEL_KEY, name))

    # -- writes, each one transaction ----------------------------------------------------------------------------
    def add_pending(self, items: Sequence[PreparedArticle]) -> None:
        with self.transaction() as db:
            for item in items:
                if not item.restated:
                    _insert_pending(db, item.article, item.minhash)
            restating = [item.article.id for item in items if item.restated]
            if restating:
                db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                           (_RESTATING, json.dumps(self.restating_article_ids() + restating)))

    def publish(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord], obsolete: Sequence[str]) -> None:
        with self.transaction() as db:
            for item in items:
                if item.restated:  # same text, same chunks: only the article's metadata changes
                    _update_meta(db, item.article)
                else:
                    _insert_chunks(db, item.chunks)
            _set_status(db, [item.article.id for item in items if not item.restated], "ready")
            db.execute("DELETE FROM settings WHERE key = ?", (_RESTATING,))
            for f in files:
                _record_file(db, f)
            _set_status(db, obsolete, "deleting")
            if items or obsolete:  # cleared by clear_dates_pending: a kill in between leaves it set
                db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, '1')", (_DATES_PENDING,))

    def mark_deleting(self, ids: Sequence[str], *, forget_files: bool = False) -> None:
        with self.transaction() as db:
            _set_status(db, ids, "deleting")
            if forget_files:
                for article_id in ids:
                    _forget_files_with(db, article_id)

    def forget_files(self, paths: Sequence[str]) -> list[str]:
        with self.transaction() as db:
            held: set[str] = set()
            for path in paths:
                row = db.execute("SELECT article_ids FROM files WHERE path = ?", (path,)).fetchone()
                held.update(json.loads(row[0]) if row else [])
            db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])
            for (listed,) in db.execute("SELECT article_ids FROM files"):
                held.difference_update(json.loads(listed))
            orphans = sorted(held)
            _set_status(db, orphans, "deleting")
        return orphans

    def delete_articles(self, ids: Sequence[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM chunks WHERE article_id = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])

    def set_inferred_date(self, article_id: str, date: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE articles SET date = ?, date_inferred = 1, date_source = ?, date_confidence = ? "
                       "WHERE id = ?", (date, *INFERRED_DATE, article_id))

    def raw(self) -> sqlite3.Connection:
        """The connection, for tests and benchmarks that look inside."""
        return self._db


def _insert_pending(db: sqlite3.Connection, article: Article, minhash: np.ndarray) -> None:
    m = article.meta
    db.execute(
        "INSERT OR REPLACE INTO articles (id, status, title, source, date, date_inferred, url, author, caption, "
        "origin, content_hash, cluster, text, n_chunks, minhash, date_source, date_confidence) "
        "VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (article.id, m.title, m.source, m.date, int(m.date_inferred), m.url, m.author, m.caption, article.origin,
         article.content_hash, article.cluster, article.text, article.n_chunks, minhash.tobytes(), m.date_source,
         m.date_confidence),
    )


def _update_meta(db: sqlite3.Connection, article: Article) -> None:
    m = article.meta
    db.execute(
        "UPDATE articles SET title = ?, source = ?, date = ?, date_inferred = ?, url = ?, author = ?, caption = ?, "
        "origin = ?, date_source = ?, date_confidence = ? WHERE id = ?",
        (m.title, m.source, m.date, int(m.date_inferred), m.url, m.author, m.caption, article.origin, m.date_source,
         m.date_confidence, article.id),
    )


def _insert_chunks(db: sqlite3.Connection, chunks: Iterable[Chunk]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO chunks (id, article_id, idx, start, end, text, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(c.id, c.article_id, c.index, c.start, c.end, c.text, text_hash(c.text)) for c in chunks],
    )


def _set_status(db: sqlite3.Connection, ids: Sequence[str], status: str) -> None:
    db.executemany("UPDATE articles SET status = ? WHERE id = ?", [(status, i) for i in ids])


def _record_file(db: sqlite3.Connection, record: FileRecord) -> None:
    db.execute("INSERT OR REPLACE INTO files (path, file_hash, article_ids, problems) VALUES (?, ?, ?, ?)",
               (record.path, record.file_hash, json.dumps(list(record.article_ids)),
                json.dumps([p.model_dump() for p in record.problems])))


def _forget_files_with(db: sqlite3.Connection, article_id: str) -> None:
    """Drop ledger rows that list the article, so ingesting those files again restores it."""
    db.execute("DELETE FROM files WHERE EXISTS (SELECT 1 FROM json_each(files.article_ids) WHERE value = ?)",
               (article_id,))


def _open_read_only(path: Path) -> sqlite3.Connection:
    """The catalog opened for reading only. `mode=ro` needs the WAL's shared-memory file to be creatable; on a
    read-only mount it is not, and `immutable=1` (nobody can be writing there) reads the file as it is. A store
    made before the date columns gets them as NULLs from a temporary view (temp objects live in memory)."""
    if not path.is_file():
        raise NotFoundError(f"no collection at {path.parent} (the store is read-only, so none is created)")
    for flags in ("mode=ro", "immutable=1"):
        db = sqlite3.connect(f"{path.as_uri()}?{flags}", uri=True, isolation_level=None, check_same_thread=False)
        try:
            columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
        except sqlite3.OperationalError:
            db.close()
            continue
        if "date_source" not in columns:
            db.execute("CREATE TEMP VIEW articles AS SELECT *, NULL AS date_source, NULL AS date_confidence "
                       "FROM main.articles")
        return db
    raise sqlite3.OperationalError("unable to open database file for reading")

