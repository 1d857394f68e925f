"""Benchmark stores: a corpus ingested with the real pipeline, cached in the temp dir between runs.

The cache key is the corpus records plus the code that shapes stored text and chunks, so a changed chunker
rebuilds the store; other ingest/store changes do not invalidate it (pass fresh=True for a clean run).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpora import CorpusArticle, write_jsonl

from assistant.config import load_settings
from assistant.ingest.pipeline import Ingestor
from assistant.runtime import open_store
from assistant.store.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "factcheck-bench-retrieval"
SHAPING_CODE = ("ingest/chunking.py", "ingest/metadata.py", "ingest/loaders.py", "store/embeddings.py")


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
