"""Verification benchmark: the local engine's verdicts on three real datasets, next to baselines from the same run.

    .venv/bin/python bench/check.py            # features cached in bench/results/ (first run ~3 min on 2 cores)
    .venv/bin/python bench/check.py --fresh    # re-ingest the corpora and re-assess every claim

Everything is scored on the test half only (bench/claimsets.py: split_of; the classifier in
assistant/check/verifier_weights.json was trained on the other half by bench/train_verifier.py, and this script
refuses weights whose provenance says otherwise). Rows, all computed in this process on the same claims:
  majority        every claim gets the training half's most common verdict
  lexical overlap supported when the best evidence sentence holds >= t of the claim's content words, else
                  not_enough_evidence; t chosen on the training half
  rules           the local verifier's slot rules alone (no classifier)
  no entailment   the same recipe without the entailment model's features (retrained here on the training half):
                  what the NLI cross-encoder adds
  local engine    rules + the shipped classifier: what `factcheck check` does by default
  other datasets  the same recipe trained on the other two datasets' training halves only (a whole dataset held
                  out: how the classifier transfers to a corpus it never saw)
Also printed: the share of false claims called supported (per dataset), the reliability table of the shipped
engine's confidence on the three test halves (bins vs accuracy), the SNLI test accuracy of the shipped int8
entailment model, the per-claim latency of `verify_claim` (p50 over test claims, warm, 2 cores), and a 20-claim
`factcheck check --batch` run end to end in a fresh process with its peak RSS.
Metrics: SummEdits balanced accuracy of flagging inconsistent summaries (a flag = any claim contradicted or
not_enough_evidence); Climate-FEVER per-class recall and macro-F1 over supported / contradicted /
not_enough_evidence (DISPUTED claims apart: how they are labelled); WiCE balanced accuracy, supported vs not.
Results also go to bench/results/check.json. Exit codes: 0 ok, 2 datasets missing, 3 weights trained on test data.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from claimsets import HEADLINE, ClaimSet, LabelledClaim, all_sets, false_support, right, score
from corpora import require_datasets
from features import RESULTS, Described, described
from stores import built_store
from train_verifier import fit, probabilities, training_rows

from assistant.check.entailment import shipped_model as entailment_model
from assistant.check.features import FEATURES, NLI_FEATURES
from assistant.check.learned import CLASSES, VerifierModel, combine, shipped_model
from assistant.check.verify_local import verify_claim
from assistant.retrieve import Filters

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(t, 2) for t in np.arange(0.3, 1.0, 0.05)]


def _majority(desc: Described) -> str:
    labels = [c.label for c in desc.claims if c.split == "train" and c.label in CLASSES]
    return max(CLASSES, key=labels.count)


def _lexical(coverage: np.ndarray, threshold: float) -> list[str]:
    return ["supported" if c >= threshold else "not_enough_evidence" for c in coverage]


def _subset(desc: Described, split: str) -> list[int]:
    return [i for i, c in enumerate(desc.claims) if c.split == split]


def rows_for(claimset: ClaimSet, desc: Described, everything: list[tuple[ClaimSet, Described]],
             model: VerifierModel) -> dict[str, Any]:
    others = [pair for pair in everything if pair[0].name != claimset.name]
    test = _subset(desc, "test")
    train = _subset(desc, "train")
    claims: list[LabelledClaim] = [desc.claims[i] for i in test]
    empty = [not c.text for c in claims]
    coverage = desc.features[:, FEATURES.index("coverage_best")]

    def scored(verdicts: list[str]) -> dict[str, float]:
        return score(claimset.name, claims, ["" if e else v for e, v in zip(empty, verdicts, strict=True)])

    threshold = max(THRESHOLDS, key=lambda t: score(claimset.name, [desc.claims[i] for i in train],
                                                    _lexical(coverage[train], t))[HEADLINE[claimset.name]])
    shipped = [combine(desc.rules[i], model.probabilities(desc.features[i]), model.thresholds,
                       desc.features[i], desc.firm[i]) for i in test]
    x, y, w, _ = training_rows(others)
    lodo, mean, scale = fit(x, y, w)
    transferred = probabilities(lodo, mean, scale, desc.features[test])
    held_out = [combine(desc.rules[i], dict(zip(CLASSES, p, strict=True)), model.thresholds,
                        desc.features[i], desc.firm[i])
                for i, p in zip(test, transferred, strict=True)]
    base = [i for i, name in enumerate(FEATURES) if name not in NLI_FEATURES]
    x, y, w, _ = training_rows(everything)
    plain, mean, scale = fit(x[:, base], y, w)
    without = [combine(desc.rules[i], dict(zip(CLASSES, p, strict=True)), model.thresholds, desc.features[i],
                       desc.firm[i])
               for i, p in zip(test, probabilities(plain, mean, scale, desc.features[test][:, base]), strict=True)]
    rows = {
        "majority": scored([_majority(desc)] * len(test)),
        "lexical overlap": scored(_lexical(coverage[test], threshold)),
        "rules": scored([desc.rules[i] for i in test]),
        "no entailment": scored(without),
        "local engine": scored(shipped),
        "other datasets": scored(held_out),
    }
    for name, verdicts in (("majority", [_majority(desc)] * len(test)), ("lexical overlap",
                           _lexical(coverage[test], threshold)), ("rules", [desc.rules[i] for i in test]),
                           ("no entailment", without), ("local engine", shipped), ("other datasets", held_out)):
        rows[name]["false_supported"] = false_support(claimset.name, claims, verdicts)
    reliability_rows = []
    for i, verdict in zip(test, shipped, strict=True):
        ok = right(claimset.name, desc.claims[i], verdict)
        if ok is not None and desc.claims[i].text:
            p = model.probabilities(desc.features[i])
            reliability_rows.append((ok, model.confidence(verdict, p.get(verdict, p["contradicted"]))))
    return {
        "claims_test": len(test),
        "lexical_threshold": threshold,
        "rows": rows,
        "reliability_rows": reliability_rows,
        "assess_seconds": desc.seconds,
    }


def reliability(rows: list[tuple[bool, float]]) -> list[dict[str, Any]]:
    edges = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    table = []
    for lo, hi in itertools.pairwise(edges):
        chosen = [ok for ok, conf in rows if lo <= conf < hi]
        table.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "verdicts": len(chosen),
                      "accuracy": round(sum(chosen) / len(chosen), 3) if chosen else None})
    return table


def snli_accuracy(root: Path) -> float:
    rows = [json.loads(line) for line in (root / "snli" / "snli_test.jsonl").open(encoding="utf-8")]
    scored = entailment_model().score_pairs([(r["premise"], r["hypothesis"]) for r in rows])
    return sum(s.label == r["label"] for s, r in zip(scored, rows, strict=True)) / len(rows)


def latencies(claimset: ClaimSet, claims: int) -> list[float]:
    """Seconds of `verify_claim` per test claim (warm process, cached corpus), as `check --batch` runs them, timed in
    a fresh process: computing the features in this one filled the models' caches with these very claims' pairs and
    sentences (measured: p50 0.076 s here against 0.17 s in a fresh process)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_timed_claims, claimset, claims).result()


def _timed_claims(claimset: ClaimSet, claims: int) -> list[float]:
    chosen = [c for c in claimset.claims if c.split == "test" and c.text][:claims]
    seconds = []
    with built_store(claimset.name, claimset.articles, False) as (store, _info):
        verify_claim(store, chosen[0].text)  # loads the models: start-up is timed by the draft run
        for claim in chosen:
            filters = Filters(sources=list(claim.sources)) if claim.sources else None
            started = time.perf_counter()
            verify_claim(store, claim.text, filters)
            seconds.append(time.perf_counter() - started)
    return seconds


def draft_run(claimset: ClaimSet) -> dict[str, float]:
    """`factcheck check --batch` on 20 test-half claims in a fresh process: wall seconds and peak RSS."""
    claims = [c.text for c in claimset.claims if c.split == "test" and c.text][:20]
    with built_store(claimset.name, claimset.articles, False) as (_store, info):
        data_dir = info["data_dir"]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("".join(json.dumps({"id": str(i), "text": c}) + "\n" for i, c in enumerate(claims)))
    command = [str(Path(sys.executable).with_name("factcheck")), "check", "--batch", handle.name, "--json",
               "--engine", "local"]
    # Started by a small launcher that reports its child's own peak RSS: Linux carries a process's RSS high-water
    # mark across fork and exec, so a child started from this (large) process would report this one's peak
    # (753 MB measured that way, against 445 MB from `/usr/bin/time -v` on the same command).
    done = subprocess.run([sys.executable, "-c", _LAUNCH, *command], capture_output=True, text=True, check=True,
                          env={**os.environ, "FACTCHECK_DATA_DIR": str(data_dir)})
    os.unlink(handle.name)
    code, seconds, peak_kb = json.loads(done.stdout)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {code}")
    return {"claims": len(claims), "seconds": round(seconds, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}


_LAUNCH = """import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss]))
"""


def print_tables(results: dict[str, Any]) -> None:
    names = ["majority", "lexical overlap", "rules", "no entailment", "local engine", "other datasets"]
    print(f"\n{'dataset (test half)':<34}" + "".join(f"{n:>16}" for n in names))
    lines = [("summedits", "balanced_accuracy", "SummEdits balanced accuracy"),
             ("summedits", "balanced_accuracy_earnings-call", "  earnings calls"),
             ("summedits", "balanced_accuracy_podcast", "  podcasts"),
             ("climate-fever", "macro_f1", "Climate-FEVER macro-F1"),
             ("climate-fever", "recall_supported", "  recall supported"),
             ("climate-fever", "recall_contradicted", "  recall contradicted"),
             ("climate-fever", "recall_not_enough_evidence", "  recall not_enough_evidence"),
             ("climate-fever", "disputed_as_supported", "  DISPUTED -> supported"),
             ("climate-fever", "disputed_as_contradicted", "  DISPUTED -> contradicted"),
             ("climate-fever", "disputed_as_not_enough_evidence", "  DISPUTED -> not_enough_evidence"),
             ("climate-fever", "disputed_as_disputed", "  DISPUTED -> disputed"),
             ("climate-fever", "false_supported", "  refuted -> supported"),
             ("summedits", "false_supported", "SummEdits contradicted -> supported"),
             ("wice-dev", "balanced_accuracy", "WiCE balanced accuracy"),
             ("wice-dev", "false_supported", "  not_supported -> supported")]
    for dataset, metric, label in lines:
        rows = results["datasets"][dataset]["rows"]
        print(f"{label:<34}" + "".join(f"{rows[n].get(metric, 0.0):>16.3f}" for n in names))
    for dataset, info in results["datasets"].items():
        print(f"{dataset}: {info['claims_test']:,} test claims; lexical threshold {info['lexical_threshold']}")
    print("\nreliability of the local engine's confidence (three test halves): bin, verdicts, accuracy")
    for row in results["reliability"]:
        print(f"  {row['bin']:<9} {row['verdicts']:>6} {row['accuracy'] if row['accuracy'] is not None else '-':>7}")
    print(f"confidence >= 0.8: {results['confident_accuracy']}")
    print(f"SNLI test accuracy of the shipped int8 entailment model: {results['snli_test_accuracy']}")
    print(f"verify_claim p50 per claim (warm, 2 cores): {results['latency_p50_s']} s "
          f"over {results['latency_claims']} test claims")
    print(f"20-claim draft, `factcheck check --batch` end to end: {results['draft']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="re-ingest and re-assess, ignoring cached features")
    parser.add_argument("--quick", action="store_true", help="verdict tables only: no SNLI, latency or draft runs")
    args = parser.parse_args(argv)
    root = require_datasets(PROJECT_ROOT)
    model = shipped_model()
    if model is None or "the test half is never read" not in str(model.provenance.get("data", "")):
        print("assistant/check/verifier_weights.json is missing or was not trained on the training half only; "
              "run bench/train_verifier.py", file=sys.stderr)
        return 3
    started = time.perf_counter()
    sets = [(claimset, described(claimset, fresh=args.fresh)) for claimset in all_sets(root)]
    results: dict[str, Any] = {"datasets": {}, "weights": model.provenance}
    all_rows: list[tuple[bool, float]] = []
    for claimset, desc in sets:
        results["datasets"][claimset.name] = rows_for(claimset, desc, sets, model)
        all_rows += results["datasets"][claimset.name].pop("reliability_rows")
    results["reliability"] = reliability(all_rows)
    confident = [ok for ok, confidence in all_rows if confidence >= 0.8]
    results["confident_accuracy"] = {"verdicts": len(confident),
                                     "accuracy": round(sum(confident) / len(confident), 3) if confident else None}
    results["snli_test_accuracy"] = None if args.quick else round(snli_accuracy(root), 4)
    timings = [] if args.quick else [t for cs, _ in sets for t in latencies(cs, 60)]
    results["latency_p50_s"] = round(statistics.median(timings), 3) if timings else None
    results["latency_claims"] = len(timings)
    results["draft"] = {} if args.quick else draft_run(next(cs for cs, _ in sets if cs.name == "wice-dev"))
    results["seconds"] = round(time.perf_counter() - started, 1)
    print_tables(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "check.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
