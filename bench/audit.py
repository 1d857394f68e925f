"""Audit benchmark: `audit` on the 2,000-article benchmark corpus and its 500- and 1,000-article subsets.

    .venv/bin/python bench/audit.py                 # 500, 1,000 and 2,000 articles (builds the stores once)
    .venv/bin/python bench/audit.py --sizes 200 400 # a quick run

The corpus is bench/corpora.py's (the one bench/ingest.py and bench/retrieval.py use: Climate-FEVER, WiCE and
SummEdits text); the smaller sizes are evenly spread subsets of it, each a subset of the next. Stores are built
with the real pipeline and cached under the temp dir (the smaller store is copied and extended, so no text is
embedded twice). For each size: wall and CPU seconds of `audit`, statements compared, pairs the entailment
model read, conflicts by kind, and the growth per doubling (goal: under 2x). The conflicts of the largest run
go to bench/results/audit-conflicts.jsonl and a fixed random sample of 30 to bench/results/audit-sample.txt,
for reading by hand. Exit codes: 0 ok, 2 datasets missing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from corpora import build_corpus, require_datasets, write_jsonl
from stores import fingerprint, say

from assistant.check.audit import AuditReport, audit
from assistant.config import load_settings
from assistant.ingest.pipeline import Ingestor
from assistant.runtime import open_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results"
CACHE = Path(tempfile.gettempdir()) / "factcheck-bench-audit"
SAMPLE = 30


def _store_dir(size: int, key: str, previous: Path | None, articles: list[Any]) -> Path:
    """A data dir holding the articles, built once (from a copy of the previous, smaller store)."""
    data_dir = CACHE / f"audit-{size}-{key}"
    if (data_dir / "complete").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    if previous is not None:
        shutil.copytree(previous, data_dir)
        (data_dir / "complete").unlink()
    corpus_dir = CACHE / f"audit-{size}-{key}-corpus"
    write_jsonl(articles, corpus_dir)
    say(f"{size}: ingesting {len(articles):,} articles into {data_dir}")
    settings = load_settings(data_dir=data_dir, embeddings="local")
    store = open_store(settings)
    try:
        report = Ingestor(store, settings).run([corpus_dir])
    finally:
        store.close()
    shutil.rmtree(corpus_dir)
    if report.errors:
        raise SystemExit(f"ingest errors: {[str(e) for e in report.errors[:5]]}")
    (data_dir / "complete").write_text(json.dumps(report.model_dump(exclude={"errors", "warnings"})))
    return data_dir


def _run(data_dir: Path) -> tuple[AuditReport, dict[str, float]]:
    store = open_store(load_settings(data_dir=data_dir, embeddings="local"))
    phases: dict[str, float] = {}
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    last = [started_wall]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        phases[phase] = phases.get(phase, 0.0) + now - last[0]
        last[0] = now
        if done == total:
            say(f"   {phase}: {total:,} done")

    try:
        report = audit(store, progress=progress)
    finally:
        store.close()
    timing = {"wall_s": round(time.perf_counter() - started_wall, 2),
              "cpu_s": round(time.process_time() - started_cpu, 2),
              **{f"{k}_s": round(v, 2) for k, v in phases.items()}}
    return report, timing


def _growth(rows: list[dict[str, Any]], key: str) -> list[str]:
    return ["" if i == 0 else f"{rows[i][key] / max(rows[i - 1][key], 1e-9):.2f}x" for i in range(len(rows))]


def _write_conflicts(report: AuditReport) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / "audit-conflicts.jsonl", "w", encoding="utf-8") as handle:
        for conflict in report.conflicts:
            handle.write(conflict.model_dump_json() + "\n")
    sample = random.Random(15).sample(report.conflicts, min(SAMPLE, len(report.conflicts)))
    lines = []
    for n, c in enumerate(sample, start=1):
        lines += [f"{n}. [{c.kind}] {c.decided_by} (similarity {c.similarity})",
                  f"   A ({c.a.source} · {c.a.title[:60]}): {c.a.quote}",
                  f"   B ({c.b.source} · {c.b.title[:60]}): {c.b.quote}", ""]
    (RESULTS / "audit-sample.txt").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    corpus = build_corpus(require_datasets(PROJECT_ROOT))
    rows: list[dict[str, Any]] = []
    previous: Path | None = None
    report: AuditReport | None = None
    for size in sorted(args.sizes):
        articles = corpus.sample(size).articles
        data_dir = _store_dir(size, fingerprint(articles), previous, articles)
        previous = data_dir
        say(f"{size}: auditing")
        report, timing = _run(data_dir)
        kinds = Counter(c.kind for c in report.conflicts)
        rows.append({"articles": report.articles, "statements": report.sentences_compared,
                     "pairs_read": report.pairs_read, "conflicts": len(report.conflicts), "kinds": dict(kinds),
                     **timing})
    if report is not None:
        _write_conflicts(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "audit.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    wall, cpu = _growth(rows, "wall_s"), _growth(rows, "cpu_s")
    print("| articles | statements | pairs read | conflicts (by kind) | wall s | growth | CPU s | growth |")
    print("|---|---|---|---|---|---|---|---|")
    for row, w, c in zip(rows, wall, cpu, strict=True):
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(row["kinds"].items()))
        print(f"| {row['articles']:,} | {row['statements']:,} | {row['pairs_read']:,} | {row['conflicts']} "
              f"({kinds}) | {row['wall_s']} | {w} | {row['cpu_s']} | {c} |")
    phases = {k: v for k, v in rows[-1].items() if k.endswith("_s") and k not in ("wall_s", "cpu_s")}
    print(f"phases of the largest run: {json.dumps(phases)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
