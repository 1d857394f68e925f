"""What the rest of the program sees of a store: `Corpus` to read it, `CorpusWriter` to ingest into it.

Retrieval and check code take a `Corpus`, ingest takes a `CorpusWriter`; neither knows which databases sit
behind them (today SQLite + Chroma, see store.py; a backend plugs in behind catalog.py's `Catalog`). Tests can
pass any object with these methods, such as an in-memory corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.store.embeddings import Embedder
from assistant.store.writer_lock import WriterLock
from assistant.types import Article, Chunk, Filters, IngestProblem, Passage

Hit = tuple[str, float]  # (chunk id, score: higher is better)
_SPACES = re.compile(r"\s+")


def text_hash(text: str) -> str:
    """The identity of a text up to whitespace: the same hash means the same vector can be reused."""
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


class Corpus(Protocol):
    """Read access to stored articles. Every method sees only articles that are completely written."""

    @property
    def embedder(self) -> Embedder:
        """The model the corpus's vectors were made with (callers embed evidence sentences with it too)."""
        ...

    def dense(self, query: str, k: int, filters: Filters) -> list[Hit]:
        """The k chunks nearest to the query's vector (cosine similarity), best first, inside the filters."""
        ...

    def lexical(self, query: str, k: int, filters: Filters) -> list[Hit]:
        """The k chunks best matching the query's words (bm25 or the like), best first, inside the filters.
        The query is plain text: nothing in it is interpreted as query syntax."""
        ...

    def passages(self, hits: Sequence[Hit]) -> list[Passage]:
        """Passages for hits, in the same order, dropping any whose chunk or article is gone."""
        ...

    def article(self, article_id: str) -> Article | None: ...

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]: ...

    def articles(self) -> list[Article]:
        """Every article, ordered by date, title and id."""
        ...

    def chunk_neighbours(self, chunk_ids: Sequence[str], k: int) -> dict[str, list[Hit]]:
        """Each stored chunk's k nearest chunks by vector (cosine similarity), best first: the audit's candidate
        pairs. An index answers it without a pass over the whole corpus (HNSW in Chroma, pgvector's index)."""
        ...


@dataclass
class PreparedArticle:
    """An article ready to write: its chunks, their vectors (filled in by the pipeline) and its MinHash.

    `restated`: an article stored already (same text, id, chunks and vectors) whose file now gives it other
    metadata; the commit swaps the new metadata in, and the stored version stays visible until then."""

    article: Article
    chunks: list[Chunk]
    minhash: np.ndarray
    embeddings: np.ndarray | None = None  # one row per chunk
    restated: bool = False


@dataclass
class FileRecord:
    """The ledger entry of one ingested file."""

    path: str
    file_hash: str
    article_ids: list[str]
    obsolete_ids: list[str] = field(default_factory=list)  # articles this file no longer holds
    problems: list[IngestProblem] = field(default_factory=list)  # bad records, re-reported while it is unchanged


class CorpusWriter(Protocol):
    """What ingest needs: the file ledger, what is stored already, vectors to reuse, and atomic batch commits."""

    @property
    def embedder(self) -> Embedder: ...

    def writer_lock(self) -> WriterLock:
        """The collection's one-writer lock: ingest holds it from `recover` to its last commit."""
        ...

    def recover(self) -> int:
        """Undo whatever a killed run left half-written; the number of articles cleaned up."""
        ...

    def file_hash(self, path: str) -> str | None:
        """The hash of the file as last ingested, or None."""
        ...

    def file_problems(self, path: str) -> list[IngestProblem]:
        """The bad records noted when the file was last read."""
        ...

    def article(self, article_id: str) -> Article | None:
        """The stored article (complete ones only), or None."""
        ...

    def chunks_of(self, article_id: str) -> list[Chunk]:
        """A stored article's chunks, in order."""
        ...

    def signatures(self) -> Iterator[tuple[str, np.ndarray, str]]:
        """(article id, MinHash signature, story cluster) of every stored article."""
        ...

    def obsolete_articles(self, path: str, keep: Sequence[str]) -> list[str]:
        """Articles the file held before but no longer does, and no other file holds."""
        ...

    def reusable_vectors(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """text_hash -> stored vector, for chunk texts embedded before."""
        ...

    def commit(self, items: Sequence[PreparedArticle], files: Sequence[FileRecord]) -> int:
        """Write a batch so it becomes visible all at once (or, after a crash, not at all). Returns the number
        of replaced articles removed."""
        ...

    def ledger(self) -> dict[str, list[str]]:
        """Every ingested file (its path as ingest recorded it) with the article ids it held."""
        ...

    def forget_files(self, paths: Sequence[str]) -> int:
        """Forget files that are gone, and remove the articles only they held; the number removed."""
        ...

    def dates_pending(self) -> bool: ...

    def fill_dates_from_clusters(self) -> int: ...

    def remove_article(self, article_id: str) -> Article: ...
