"""Scale benchmark: search latency, index size and memory with N chunks of real text (default 100,000).

    .venv/bin/python bench/scale.py 100000          # builds the store once (~15-25 min on 2 cores), then measures
    .venv/bin/python bench/retrieval.py --scale 100000   # the same
    .venv/bin/python bench/scale.py 100000 --fresh  # rebuild in a fresh temp dir instead of the cache
    .venv/bin/python bench/scale.py 100000 --backend postgres   # and the same store on the shared backend

The corpus: every sentence of the Climate-FEVER articles, the WiCE dev pages and the SummEdits documents and
summaries (bench/corpora.py), cut into sliding windows that start at every sentence and pack whole sentences up to
700 characters (the default chunk size), then up to 350, then 200, until N distinct windows exist. Each window is
one article (the WiCE page's publisher and date kept), so each is exactly one chunk: N chunks of real text, every
vector computed by the real model through the real pipeline (`Ingestor.run`). Overlapping windows share most of
their words, so the story-cluster threshold is raised to 0.95 for this store: otherwise neighbouring windows would
chain into one giant "syndicated" cluster, which real corpora do not have.

Measured in a fresh child process (so its peak RSS is its own): p50/p95 latency of the default `search()` (hybrid,
k=10, collapse on) for real claims, dense and lexical alone, and where the hybrid time goes. Index size = the Chroma
directory + the SQLite catalog (with its FTS5 index and WAL). With `--backend postgres` the built store is copied
(same articles, chunks and vectors) into the shared backend (Postgres catalog + Chroma server; see
bench/stores.py: shared_servers) and measured the same way in another fresh process; the target there is a hybrid
p50 at most twice the default's. Results also go to bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from corpora import (
    CorpusArticle,
    climate_fever_articles,
    require_datasets,
    summedits_documents,
    summedits_summaries,
    wice_articles,
    write_jsonl,
)
from stores import copy_store, say, shared_servers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results" / "scale.json"
CACHE = Path(tempfile.gettempdir()) / "factcheck-bench-scale"
WINDOW_CHARS = (700, 350, 200)
QUERIES = 600
WARMUP = 20
TARGET_P50_MS = 50.0
SHARED_MAX_RATIO = 2.0  # the shared backend's hybrid p50 against the default's
SYNDICATION_THRESHOLD = 0.95


# -- corpus ----------------------------------------------------------------------------------------------------------
def _documents(root: Path) -> list[tuple[CorpusArticle, list[str]]]:
    """(article, its sentences in order) for every source document."""
    from assistant.text import sentence_spans

    docs = [(a, [a.text[s:e] for s, e in sorted(a.spans.values())])
            for a in (*climate_fever_articles(root), *wice_articles(root))]
    docs += [(a, [a.text[s:e] for s, e in sentence_spans(a.text)])
             for a in (*summedits_documents(root), *summedits_summaries(root))]
    return docs


def _windows(sentences: Sequence[str], limit: int) -> Iterator[str]:
    """A window starting at every sentence: whole sentences joined while the text stays within `limit`."""
    for first in range(len(sentences)):
        parts: list[str] = []
        size = 0
        for sentence in sentences[first:]:
            grown = size + len(sentence) + (1 if parts else 0)
            if grown > limit:
                break
            parts.append(sentence)
            size = grown
        if parts:
            yield " ".join(parts)


def window_corpus(root: Path, n: int) -> list[CorpusArticle]:
    docs = _documents(root)
    seen: set[str] = set()
    articles: list[CorpusArticle] = []
    for limit in WINDOW_CHARS:
        for doc, sentences in docs:
            for text in _windows(sentences, limit):
                if text in seen:
                    continue
                seen.add(text)
                articles.append(CorpusArticle(key=f"window:{len(articles)}", part=f"window-{limit}", text=text,
                                              title=doc.title, source=doc.source or doc.part, date=doc.date))
                if len(articles) >= n:
                    return articles
    raise SystemExit(f"only {len(articles):,} distinct windows can be made from the datasets; ask for fewer")


def claims(root: Path, n: int) -> list[str]:
    """n real claims, evenly spread over Climate-FEVER and WiCE (the retrieval benchmark's queries)."""
    found: list[str] = []
    for path, key in ((root / "climate-fever" / "climate-fever.jsonl", "claim"),
                      (root / "wice-dev" / "claim_dev.jsonl", "claim")):
        with open(path, encoding="utf-8") as handle:
            found += [json.loads(line)[key] for line in handle if line.strip()]
    step = max(1, len(found) // n)
    return found[::step][:n]


# -- build ------------------------------------------------------------------------------------------------------------
def _settings(data_dir: Path, shared: dict[str, str] | None = None) -> Any:
    from assistant.config import load_settings

    return load_settings(data_dir=data_dir, embeddings="local", syndication_threshold=SYNDICATION_THRESHOLD,
                         **(shared or {}))


def _build_child(data_dir: str, corpus_dir: str, results: Any) -> None:
    from assistant.ingest.pipeline import Ingestor
    from assistant.runtime import open_store

    settings = _settings(Path(data_dir))
    store = open_store(settings)
    state = {"chunks": 0, "next": 5000, "started": time.perf_counter()}

    def progress(event: str, amount: int) -> None:
        if event == "chunks_embedded":
            state["chunks"] += amount
            if state["chunks"] >= state["next"]:
                say(f"  ... {state['chunks']:,} chunks in {time.perf_counter() - state['started']:.0f} s")
                state["next"] += 5000

    report = Ingestor(store, settings, progress).run([Path(corpus_dir)])
    store.close()
    results.put({"report": report.model_dump(exclude={"errors"}), "errors": [str(e) for e in report.errors][:10],
                 "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})


def build(root: Path, n: int, data_dir: Path) -> dict[str, Any]:
    articles = window_corpus(root, n)
    corpus_dir = data_dir.parent / f"{data_dir.name}-corpus"
    write_jsonl(articles, corpus_dir, shard_size=5000)
    chars = [len(a.text) for a in articles]
    say(f"scale: {len(articles):,} windows (mean {statistics.fmean(chars):.0f} chars); ingesting into {data_dir}")
    built = _in_child(_build_child, str(data_dir), str(corpus_dir))
    shutil.rmtree(corpus_dir)
    if built["errors"]:
        raise SystemExit(f"ingest errors: {built['errors']}")
    built["windows"] = {"count": len(articles), "mean_chars": round(statistics.fmean(chars), 1),
                        "by_limit": {str(k): sum(1 for a in articles if a.part == f"window-{k}")
                                     for k in WINDOW_CHARS}}
    (data_dir / "complete").write_text(json.dumps(built), encoding="utf-8")
    return built


# -- measure ----------------------------------------------------------------------------------------------------------
def _percentiles(seconds: Sequence[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 2), "p95_ms": round(cuts[94] * 1000, 2),
            "mean_ms": round(statistics.fmean(seconds) * 1000, 2)}


def _measure_child(data_dir: str, queries: list[str], shared: dict[str, str] | None, results: Any) -> None:
    from assistant.retrieve import Filters, SearchConfig, search
    from assistant.retrieve.search import MODES
    from assistant.runtime import open_store

    started = time.perf_counter()
    store = open_store(_settings(Path(data_dir), shared))
    open_seconds = time.perf_counter() - started
    for query in queries[:WARMUP]:
        for mode in MODES:
            search(store, query, 10, mode=mode)
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    load_before = os.getloadavg()
    for query in queries:  # modes interleaved, so that load from other processes falls on all of them alike
        for mode in MODES:
            started = time.perf_counter()
            search(store, query, 10, mode=mode)
            times[mode].append(time.perf_counter() - started)
    latency = {mode: _percentiles(values) for mode, values in times.items()}
    # where the hybrid time goes: the steps search() takes, timed one by one, then the whole call
    depth = SearchConfig().depth
    parts: dict[str, list[float]] = {"embed": [], "chroma": [], "fts": [], "fuse+fetch+collapse": []}
    for query in queries:
        t0 = time.perf_counter()
        vector = store.embedder.embed([query])[0]
        t1 = time.perf_counter()
        store.vectors.query(vector, depth, None)
        t2 = time.perf_counter()
        store.lexical(query, depth, Filters())
        t3 = time.perf_counter()
        search(store, query, 10)
        t4 = time.perf_counter()
        for key, value in (("embed", t1 - t0), ("chroma", t2 - t1), ("fts", t3 - t2),
                           ("fuse+fetch+collapse", max(0.0, (t4 - t3) - (t3 - t0)))):
            parts[key].append(value)
    chunks = store.catalog.count_chunks()
    store.close()
    results.put({"latency": latency, "hybrid_parts": {k: _percentiles(v) for k, v in parts.items()},
                 "chunks": chunks, "open_seconds": round(open_seconds, 3),
                 "load_average": {"before": [round(x, 2) for x in load_before],
                                  "after": [round(x, 2) for x in os.getloadavg()]},
                 "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})


def _in_child(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    context = mp.get_context("spawn")  # a fresh interpreter: its RSS is its own, nothing inherited
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"child process failed with exit code {process.exitcode}")
    return result


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def disk_sizes(data_dir: Path) -> dict[str, int]:
    chroma = data_dir / "chroma"
    catalog_dir = data_dir / "collections"
    return {"chroma_bytes": _size(chroma), "sqlite_bytes": _size(catalog_dir),
            "total_bytes": _size(chroma) + _size(catalog_dir)}


def measure_shared(data_dir: Path, queries: list[str]) -> dict[str, Any]:
    """The built store copied into the shared backend, measured like the default in a fresh process."""
    from assistant.runtime import open_store

    with shared_servers() as shared, tempfile.TemporaryDirectory(prefix="factcheck-bench-scale-shared-") as local:
        source = open_store(_settings(data_dir))
        target = open_store(_settings(Path(local), shared))
        started = time.perf_counter()
        copied = copy_store(source, target, batch=2000)
        copy_seconds = time.perf_counter() - started
        say(f"scale: {copied:,} chunks copied into the shared backend in {copy_seconds:.0f} s")
        source.close()
        sizes = dict(target.catalog.raw().execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname LIKE 'factcheck%' "
            "AND relkind = 'r'").fetchall())
        target.close()
        say(f"scale: measuring {len(queries)} queries x 3 modes on the shared backend in a fresh process")
        measured = _in_child(_measure_child, local, queries, shared)
    return {**measured, "copy_seconds": round(copy_seconds, 1), "postgres_table_bytes": sizes}


def from_retrieval_stores(data_dir: Path) -> dict[str, Any]:
    """A store made of every corpus the retrieval benchmark has built and cached (their real vectors copied, not
    embedded again): the largest store this machine can make in minutes when embedding N chunks takes hours."""
    from stores import CACHE as RETRIEVAL_CACHE

    from assistant.runtime import open_store

    sources = {}
    for folder in sorted(RETRIEVAL_CACHE.glob("*-*"), key=lambda f: f.stat().st_mtime):
        if (folder / "complete").exists():
            sources[folder.name.rsplit("-", 1)[0]] = folder  # the newest build of each corpus
    if not sources:
        raise SystemExit("no cached retrieval-benchmark stores: run bench/retrieval.py first")
    target = open_store(_settings(data_dir))
    started, copied = time.perf_counter(), 0
    for name, folder in sorted(sources.items()):
        source = open_store(_settings(folder))
        copied += copy_store(source, target, batch=2000)
        source.close()
        say(f"scale: {name} copied ({copied:,} chunks so far)")
    target.close()
    built = {"report": {"seconds": round(time.perf_counter() - started, 1), "chunks": copied},
             "windows": {"count": 0, "mean_chars": 0.0, "by_limit": {}},
             "note": f"made from the retrieval benchmark's stores ({', '.join(sorted(sources))}), vectors copied"}
    (data_dir / "complete").write_text(json.dumps(built), encoding="utf-8")
    return built


def run(root: Path, n: int, fresh: bool, backend: str = "default", reuse: bool = False) -> dict[str, Any]:
    holder = tempfile.TemporaryDirectory(prefix="factcheck-bench-scale-") if fresh else None
    data_dir = Path(holder.name) / "data" if holder else CACHE / (f"scale-{n}" if not reuse else "from-retrieval")
    try:
        if not holder and data_dir.exists() and not (data_dir / "complete").exists():
            shutil.rmtree(data_dir)
        if (data_dir / "complete").exists():
            built = json.loads((data_dir / "complete").read_text(encoding="utf-8"))
            built["cached_store"] = str(data_dir)
        elif reuse:
            built = from_retrieval_stores(data_dir)
        else:
            built = build(root, n, data_dir)
        queries = claims(root, QUERIES)
        say(f"scale: measuring {len(queries)} queries x 3 modes in a fresh process")
        measured = _in_child(_measure_child, str(data_dir), queries, None)
        sizes = disk_sizes(data_dir)
        on_shared = measure_shared(data_dir, queries) if backend == "postgres" else None
    finally:
        if holder:
            holder.cleanup()
    return {**({"postgres": on_shared} if on_shared else {}),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "requested_chunks": n, "build": built, "queries": len(queries), **measured, "disk": sizes,
            "syndication_threshold": SYNDICATION_THRESHOLD, "target_p50_ms": TARGET_P50_MS}


def print_table(r: dict[str, Any]) -> None:
    mib = 1 << 20
    b = r["build"]
    print(f"Scale benchmark (one run; {r['machine']['cpus']} CPUs): {r['chunks']:,} chunks of real text "
          + (f"({b['windows']['count']:,} sentence windows, mean {b['windows']['mean_chars']:.0f} chars)"
             if b["windows"]["count"] else ""))
    rss = f"{b['peak_rss_bytes'] / mib:,.0f} MiB" if b.get("peak_rss_bytes") else "not recorded"
    print(f"  built by Ingestor.run in {b['report']['seconds']:,.0f} s, ingest peak RSS {rss}"
          + (" (cached store)" if "cached_store" in b else ""))
    if b.get("note"):
        print(f"  build note: {b['note']}")
    print(f"  {r['queries']} real claims per mode (modes interleaved), k=10, default config (collapse on), "
          f"after {WARMUP} warm-up queries")
    print(f"  {'mode':<10} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for mode, m in r["latency"].items():
        print(f"  {mode:<10} {m['p50_ms']:>8.1f} {m['p95_ms']:>8.1f} {m['mean_ms']:>8.1f}")
    print("  hybrid, step by step (p50 / p95 ms): " + ", ".join(
        f"{k} {v['p50_ms']:.1f} / {v['p95_ms']:.1f}" for k, v in r["hybrid_parts"].items()))
    d = r["disk"]
    print(f"  index on disk: {d['total_bytes'] / mib:,.0f} MiB (Chroma {d['chroma_bytes'] / mib:,.0f} MiB + SQLite "
          f"catalog/FTS5 {d['sqlite_bytes'] / mib:,.0f} MiB)")
    load = r["load_average"]
    print(f"  load average (1/5/15 min) before {load['before']}, after {load['after']} on {r['machine']['cpus']} CPUs "
          "(other processes' load slows every figure here)")
    print(f"  peak RSS of the search process: {r['peak_rss_bytes'] / mib:,.0f} MiB (store open + model: "
          f"{r['open_seconds']:.1f} s)")
    p50 = r["latency"]["hybrid"]["p50_ms"]
    print(f"  {'ok    ' if p50 <= TARGET_P50_MS else 'MISSED'} hybrid p50 {p50:.1f} ms <= {TARGET_P50_MS:.0f} ms")
    shared = r.get("postgres")
    if shared:
        print(f"\n  the same store on the shared backend (Postgres catalog + tsvector, Chroma server; copied in "
              f"{shared['copy_seconds']:.0f} s):")
        print(f"  {'mode':<10} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}   {'default p50':>11} {'ratio':>6}")
        for mode, m in shared["latency"].items():
            default = r["latency"][mode]["p50_ms"]
            print(f"  {mode:<10} {m['p50_ms']:>8.1f} {m['p95_ms']:>8.1f} {m['mean_ms']:>8.1f}   {default:>11.1f} "
                  f"{m['p50_ms'] / default:>6.2f}")
        print("  hybrid, step by step (p50 / p95 ms): " + ", ".join(
            f"{k} {v['p50_ms']:.1f} / {v['p95_ms']:.1f}" for k, v in shared["hybrid_parts"].items()))
        tables = ", ".join(f"{k} {v / mib:,.0f}" for k, v in sorted(shared["postgres_table_bytes"].items()))
        print(f"  Postgres tables with their indexes (MiB): {tables}")
        ratio = shared["latency"]["hybrid"]["p50_ms"] / p50
        print(f"  {'ok    ' if ratio <= SHARED_MAX_RATIO else 'MISSED'} shared hybrid p50 "
              f"{shared['latency']['hybrid']['p50_ms']:.1f} ms <= {SHARED_MAX_RATIO:.0f}x the default's ({ratio:.2f}x)")



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("chunks", type=int, nargs="?", default=100_000, help="chunks in the store (default 100000)")
    parser.add_argument("--fresh", action="store_true", help="build in a fresh temp dir (no cache)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--backend", choices=("default", "postgres"), default="default",
                        help="postgres: also measure the same store on the shared backend")
    parser.add_argument("--from-retrieval-stores", action="store_true",
                        help="instead of N windows, the retrieval benchmark's cached stores in one (no embedding)")
    args = parser.parse_args(argv)
    if args.chunks < 1000:
        parser.error("use at least 1000 chunks")
    root = require_datasets(PROJECT_ROOT)
    results = run(root, args.chunks, args.fresh, args.backend, args.from_retrieval_stores)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
        print(f"(written to {RESULTS.relative_to(PROJECT_ROOT)})")
    ok = results["latency"]["hybrid"]["p50_ms"] <= TARGET_P50_MS
    if "postgres" in results:
        ok = ok and results["postgres"]["latency"]["hybrid"]["p50_ms"] <= (
            SHARED_MAX_RATIO * results["latency"]["hybrid"]["p50_ms"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
