"""Ingest: files -> documents -> articles (metadata, ids, dedupe, story clusters) -> chunks -> vectors -> store.

Unchanged files are skipped before parsing (the ledger's file key: the file's hash, and how it is read, see
`_file_key`); identical articles are stored once; an article a re-read file holds with other metadata than stored
is updated in place; chunk texts embedded before are not embedded again. Work is committed in batches so a
killed run loses at most one batch, and the store's write protocol keeps Chroma and the lexical index identical.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import InputError
from assistant.ingest.chunking import chunk_article
from assistant.ingest.dates import DateOrders
from assistant.ingest.decode import read_bytes
from assistant.ingest.discover import discover
from assistant.ingest.loaders import READING_REVISIONS, RECORD_SUFFIXES, load_file, parse_field_map
from assistant.ingest.metadata import date_order_for, finish_meta, published_line_date, read_byline, split_preamble
from assistant.ingest.syndication import StoryClusters, signature
from assistant.store.corpus import CorpusWriter, FileRecord, PreparedArticle, text_hash
from assistant.store.writer_lock import hold
from assistant.types import Article, ArticleMeta, Document, IngestProblem, IngestReport

Progress = Callable[[str, int], None]  # (event, amount): files_total, file_done, chunks_queued, chunks_embedded
EMBED_SLICE = 128  # chunk texts per embedding call: progress (and its estimate) moves inside a large file


@dataclass
class _Batch:
    items: list[PreparedArticle] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)

    @property
    def n_chunks(self) -> int:
        return sum(len(i.chunks) for i in self.items)


class _Stopped(Exception):
    """Raised inside a batch when a stop was requested: the batch is dropped before anything of it is written."""


class Ingestor:
    """`stop` is polled between files and between embedding slices (a signal handler sets it): the batch being
    prepared is dropped, every committed batch stays, and the report says how many files remain."""

    def __init__(self, store: CorpusWriter, settings: Settings, progress: Progress | None = None,
                 stop: Callable[[], bool] | None = None, wait: bool = True, prune: bool = False) -> None:
        self.store = store
        self.settings = settings
        self.wait = wait  # for another writer of the collection; False: WriterBusyError at once
        self.prune = prune  # remove the articles of files that are gone from the paths ingested
        self.progress = progress or (lambda _event, _amount: None)
        self.stop = stop or (lambda: False)
        self.field_map = parse_field_map(self.settings.field_map)
        self.date_orders = DateOrders(self.settings.date_order)
        self._clusters: StoryClusters | None = None
        self._seen: set[str] = set()

    def run(self, paths: Sequence[Path]) -> IngestReport:
        """Ingest while holding the collection's writer lock: two ingests into one collection run one after the
        other, the second reading what the first stored (unchanged files, story clusters)."""
        started = time.perf_counter()
        report = IngestReport()
        files = list(discover(paths, report.errors))
        report.failed_files = len(report.errors)  # paths given that are not readable files
        with hold(self.store.writer_lock(), wait=self.wait, stop=self.stop,
                  on_wait=lambda pid: self.progress("writer_busy", pid or 0)) as holding:
            if holding:
                self._write(files, report)
                if not report.interrupted:  # after writing: a moved file's articles are held by its new path now
                    self._gone_files(paths, report)
            else:  # stopped while waiting for the other writer: nothing written
                report.interrupted, report.remaining = True, len(files)
        report.failed = len(report.errors)
        report.failed_records = report.failed - report.failed_files
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _gone_files(self, paths: Sequence[Path], report: IngestReport) -> None:
        """Files ingested before from under these paths that no longer exist: removed with --prune, else
        counted (their articles stay searchable until then)."""
        roots = [os.path.realpath(p) for p in paths]
        ledger = self.store.ledger()
        gone = sorted(p for p in ledger if any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
                      and not os.path.lexists(p))
        if not gone:
            return
        if self.prune:
            report.pruned = self.store.forget_files(gone)
        else:
            report.gone_files = len(gone)
            report.gone_articles = len({a for p in gone for a in ledger[p]})

    def _write(self, files: list[Path], report: IngestReport) -> None:
        self.store.recover()  # under the lock: another writer's batch in progress is not "unfinished"
        self.progress("files_total", len(files))
        batch = _Batch()
        try:
            for number, path in enumerate(files):
                if self.stop():
                    report.remaining = len(files) - number
                    raise _Stopped
                report.files += 1
                self._ingest_file(path, batch, report)
                self.progress("file_done", 1)
                if batch.n_chunks >= self.settings.batch_chunks:
                    self._flush(batch, report)
                    batch = _Batch()
            self._flush(batch, report)
        except _Stopped:
            report.interrupted = True
            report.remaining += len(batch.files)  # read but not written: the next run reads them again
        if self.store.dates_pending() and not report.interrupted:  # articles added since the last fill (this run
            self.store.fill_dates_from_clusters()  # or one killed before it); an interrupted run leaves it to the next

    def _ingest_file(self, path: Path, batch: _Batch, report: IngestReport) -> None:
        key = str(path)
        try:
            data = read_bytes(path, self.settings.max_file_bytes)
            file_hash = self._file_key(path, data)
            if self.store.file_hash(key) == file_hash:
                report.skipped += 1
                report.errors.extend(p.model_copy(update={"reason": f"{p.reason} (file unchanged since it was read)"})
                                     for p in self.store.file_problems(key))
                return
            loaded = load_file(path, data, self.field_map)
        except InputError as exc:
            report.failed_files += 1
            report.errors.append(IngestProblem(path=exc.path, line=exc.line, reason=exc.reason))
            return
        first_problem = len(report.errors)
        report.errors.extend(loaded.problems)
        report.warnings.extend(loaded.warnings)
        article_ids: list[str] = []
        for document in loaded.documents:
            prepared = self._prepare(document, path, key, report)
            if prepared is None:
                continue
            article_ids.append(prepared.article.id)
            if prepared.chunks:
                batch.items.append(prepared)
        ids = list(dict.fromkeys(article_ids))
        obsolete = self.store.obsolete_articles(key, keep=ids)
        batch.files.append(FileRecord(path=key, file_hash=file_hash, article_ids=ids, obsolete_ids=obsolete,
                                      problems=report.errors[first_problem:]))

    def _file_key(self, path: Path, data: bytes) -> str:
        """What decides that a file is unchanged: its bytes, and what else shapes the articles read from them (the
        field map of a record format, the date order, the loaders' revision of its format), so that re-ingesting an
        unchanged file after one of those changed reads it again and updates its articles. With none of them set
        it is the plain file hash, the key of stores ingested before the others were part of it."""
        file_hash = hashlib.sha256(data).hexdigest()
        suffix = path.suffix.lower()
        reading = []
        if self.field_map and suffix in RECORD_SUFFIXES:
            reading.append("field_map=" + ",".join(f"{k}={v}" for k, v in sorted(self.field_map.items())))
        if self.settings.date_order.strip():
            reading.append(f"date_order={self.settings.date_order.strip()}")
        if READING_REVISIONS.get(suffix):
            reading.append(f"revision={READING_REVISIONS[suffix]}")
        if not reading:
            return file_hash
        return hashlib.sha256("\n".join([file_hash, *reading]).encode()).hexdigest()

    def _prepare(self, document: Document, path: Path, key: str, report: IngestReport) -> PreparedArticle | None:
        body, found_date, caption = split_preamble(document.text.replace("\r\n", "\n"))
        line = _line_of(document.origin)
        if not body:
            report.errors.append(IngestProblem(path=str(path), line=line, reason="article has no text"))
            return None
        meta = document.meta
        if caption:
            meta = meta.model_copy(update={"caption": caption})
        author, byline_date = read_byline(body)
        if author and not meta.author:
            meta = meta.model_copy(update={"author": author})
        order = date_order_for(self.date_orders, meta, str(path), document.feed_date_order)
        meta, notes = finish_meta(meta, body, fallback_source=path.stem,
                                  text_date=found_date or byline_date or published_line_date(body), order=order)
        report.warnings.extend(IngestProblem(path=str(path), line=line, reason=note) for note in notes)
        content_hash = text_hash(body)
        article_id = content_hash[:16]
        stored = None if article_id in self._seen else self.store.article(article_id)
        if stored is not None and _held_by(stored.origin, key):  # this file's own article, read again
            self._seen.add(article_id)
            meta = _keep_inferred_date(meta, stored.meta)
            if not _same_meta(meta, stored.meta) or document.origin != stored.origin:
                # The replace path of an edited file, for an article whose text (so id, chunks and vectors) is
                # unchanged: the store swaps the metadata in at the batch's commit, all at once.
                return PreparedArticle(article=stored.model_copy(update={"meta": meta, "origin": document.origin}),
                                       chunks=self.store.chunks_of(article_id), minhash=np.zeros(0), restated=True)
            report.unchanged += 1  # the edit was elsewhere in the file: this article is kept as it is
            return PreparedArticle(article=stored, chunks=[], minhash=np.zeros(0))
        if article_id in self._seen or stored is not None:
            report.duplicates += 1
            return PreparedArticle(article=Article(id=article_id, text=body, meta=meta, origin=document.origin,
                                                   content_hash=content_hash), chunks=[], minhash=np.zeros(0))
        self._seen.add(article_id)
        minhash = signature(body)
        cluster = self._story_clusters().assign(article_id, minhash)
        chunks = chunk_article(article_id, body, self.settings.chunk_chars, self.settings.chunk_overlap_sentences)
        article = Article(id=article_id, text=body, meta=meta, origin=document.origin, content_hash=content_hash,
                          cluster=cluster, n_chunks=len(chunks))
        return PreparedArticle(article=article, chunks=chunks, minhash=minhash)

    def _story_clusters(self) -> StoryClusters:
        if self._clusters is None:  # built lazily: a run that skips every file never loads the signatures
            self._clusters = StoryClusters(self.settings.syndication_threshold)
            self._clusters.add_known(self.store.signatures())
        return self._clusters

    def _flush(self, batch: _Batch, report: IngestReport) -> None:
        if not batch.items and not batch.files:
            return
        self._embed(batch.items)  # a restated article's vectors are all reused: nothing is embedded for it
        report.removed += self.store.commit(batch.items, batch.files)
        written = [item for item in batch.items if not item.restated]
        report.articles += len(written)
        report.chunks += sum(len(item.chunks) for item in written)
        report.updated += len(batch.items) - len(written)

    def _embed(self, items: list[PreparedArticle]) -> None:
        chunks = [c for item in items for c in item.chunks]
        hashes = [text_hash(c.text) for c in chunks]
        known = self.store.reusable_vectors(hashes)
        todo = list(dict.fromkeys(h for h in hashes if h not in known))
        text_by_hash = {h: c.text for h, c in zip(hashes, chunks, strict=True)}
        self.progress("chunks_queued", len(todo))
        for start in range(0, len(todo), EMBED_SLICE):
            if self.stop():
                raise _Stopped
            part = todo[start:start + EMBED_SLICE]
            known.update(zip(part, self.store.embedder.embed([text_by_hash[h] for h in part]), strict=True))
            self.progress("chunks_embedded", len(part))
        position = 0
        for item in items:
            count = len(item.chunks)
            item.embeddings = np.vstack([known[h] for h in hashes[position:position + count]])
            position += count


def _held_by(origin: str, path: str) -> bool:
    """Whether an article's origin ("path" or "path:line") is in the file `path` (the file that stored it first,
    whose metadata it carries; a copy in another file is a duplicate and changes nothing)."""
    return origin == path or (origin.startswith(f"{path}:") and origin[len(path) + 1:].isdigit())


def _keep_inferred_date(meta: ArticleMeta, stored: ArticleMeta) -> ArticleMeta:
    """An undated article keeps the date stored from a dated copy (the file never gave it one to change)."""
    if meta.date is None and stored.date_inferred:
        return meta.model_copy(update={"date": stored.date, "date_inferred": True, "date_source": stored.date_source,
                                       "date_confidence": stored.date_confidence})
    return meta


def _same_meta(a: ArticleMeta, b: ArticleMeta) -> bool:
    """Equal metadata, the confidence compared as stored (a Postgres REAL keeps about 7 digits)."""
    def key(meta: ArticleMeta) -> dict[str, object]:
        confidence = None if meta.date_confidence is None else round(meta.date_confidence, 4)
        return {**meta.model_dump(), "date_confidence": confidence}
    return key(a) == key(b)


def _line_of(origin: str) -> int | None:
    _, _, tail = origin.rpartition(":")
    return int(tail) if tail.isdigit() else None
