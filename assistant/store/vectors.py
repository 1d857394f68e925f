"""The only module that imports chromadb: a collection of chunk vectors, embedded or on a Chroma server.

Vectors are computed by our own Embedder and passed in, so Chroma never loads (or downloads) a model. The
collection's metadata records the embedding model that built it; opening it with another model is an error.
Chunk text lives in the catalog (SQLite); Chroma keeps vectors plus the metadata that filters need.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import EmbeddingMismatchError, StoreError
from assistant.types import Filters

Metadata = Mapping[str, str | int | float | bool | None]  # None: remove the key from a stored chunk
_WRITE_BATCH = 2000  # well under Chroma's max batch size
FIRM_DATE = 0.8  # date_confidence of a date the file gives (metadata 0.9, a leading date fragment 0.8)


def chroma_where(filters: Filters) -> dict[str, Any] | None:
    """The filters as a Chroma `where` on the chunk metadata (dates as YYYYMMDD numbers: Chroma compares
    numbers, not strings)."""
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.since:
        clauses.append({"date_num": {"$gte": int(filters.since.replace("-", ""))}})
    if filters.until:
        clauses.append({"date_num": {"$lte": int(filters.until.replace("-", ""))}})
    if filters.firm_dates:
        clauses.append({"date_confidence": {"$gte": FIRM_DATE}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _client(chroma_path: Path, chroma_url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    logging.getLogger("chromadb").setLevel(logging.ERROR)
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if chroma_url:
            url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=settings)
        chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(chroma_path), settings=settings)
    except Exception as exc:  # chromadb raises many unrelated types for an unreachable server or a bad path
        where = chroma_url or str(chroma_path)
        raise StoreError(f"cannot open the Chroma store at {where}: {_one_line(exc)}") from None


def check_embedding_model(collection: str, built_with: str | None, configured: str) -> None:
    """A collection's vectors are only comparable with vectors of the model that made them."""
    if built_with and built_with != configured:
        raise EmbeddingMismatchError(
            f"collection '{collection}' was built with the embedding model '{built_with}', but the configured "
            f"model is '{configured}'; set FACTCHECK_EMBEDDINGS to match, or use another --collection")


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class VectorIndex:
    """Chunk vectors in one Chroma collection."""

    def __init__(self, chroma_path: Path, chroma_url: str | None, collection: str, model_name: str, dim: int,
                 read_only: bool = False) -> None:
        self._snapshot: tempfile.TemporaryDirectory[str] | None = None
        if read_only and not chroma_url:
            # Chroma's embedded client writes to its folder on open (and refuses a read-only one): it reads a
            # private copy instead, so the store itself is never touched.
            self._snapshot = tempfile.TemporaryDirectory(prefix="factcheck-read-only-")
            copy = Path(self._snapshot.name) / "chroma"
            try:
                shutil.copytree(chroma_path, copy)
            except OSError as exc:
                raise StoreError(f"cannot read the Chroma store at {chroma_path}: {exc.strerror or exc}") from None
            chroma_path = copy
        self._client = _client(chroma_path, chroma_url)
        try:
            if read_only:
                self._collection = self._client.get_collection(name=collection, embedding_function=None)
            else:
                self._collection = self._client.get_or_create_collection(
                    name=collection,
                    configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
                    metadata={"embedding_model": model_name, "embedding_dim": dim},
                    embedding_function=None,
                )
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection '{collection}': {_one_line(exc)}") from None
        check_embedding_model(collection, (self._collection.metadata or {}).get("embedding_model"), model_name)
        self.model_name = model_name

    def close(self) -> None:
        if self._snapshot is not None:
            self._snapshot.cleanup()
            self._snapshot = None

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Metadata]) -> None:
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self._guard(self._collection.upsert, ids=list(ids[start:end]), embeddings=vectors[start:end],
                        metadatas=[dict(m) for m in metadatas[start:end]])

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[Metadata]) -> None:
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self._guard(self._collection.update, ids=list(ids[start:end]),
                        metadatas=[dict(m) for m in metadatas[start:end]])

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        for start in range(0, len(article_ids), 500):
            part = list(article_ids[start:start + 500])
            self._guard(self._collection.delete, where={"article_id": {"$in": part}})

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        found = self._guard(self._collection.get, ids=list(ids), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(found["ids"], found["embeddings"], strict=True)}

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks. (An empty collection answers with no ids; a
        count() first would cost ~9 ms per query at 100k chunks.)"""
        found = self._guard(self._collection.query, query_embeddings=vector[None, :], n_results=k,
                            where=dict(where) if where else None, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0], strict=True)]

    def neighbours(self, ids: Sequence[str], k: int) -> dict[str, list[tuple[str, float]]]:
        """For each stored chunk, the k nearest other chunks (chunk id, cosine similarity), best first, from the
        collection's HNSW index: one batched query per call, no pass over the whole collection."""
        stored = self.vectors(ids)
        present = [i for i in ids if i in stored]
        if not present:
            return {}
        found = self._guard(self._collection.query, query_embeddings=np.vstack([stored[i] for i in present]),
                            n_results=k + 1, include=["distances"])
        return {cid: [(h, 1.0 - float(d)) for h, d in zip(hits, distances, strict=True) if h != cid][:k]
                for cid, hits, distances in zip(present, found["ids"], found["distances"], strict=True)}

    def metadatas(self) -> dict[str, dict[str, Any]]:
        """Every chunk id with the metadata stored beside its vector (for audits and consistency checks)."""
        found = self._guard(self._collection.get, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(found["ids"], found["metadatas"], strict=True)}

    def all_ids(self) -> set[str]:
        found = self._guard(self._collection.get, include=[])
        return set(found["ids"])

    def count(self) -> int:
        return int(self._guard(self._collection.count))

    @staticmethod
    def _guard(call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"Chroma request failed: {_one_line(exc)}") from None
