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
  local engine    rules + the shipped classifier: what `factcheck check` does by default
  other datasets  the same recipe trained on the other two datasets' training halves only (a whole dataset held
                  out: how the classifier transfers to a corpus it never saw)
Metrics: SummEdits balanced accuracy of flagging inconsistent summaries (a flag = any claim contradicted or
not_enough_evidence); Climate-FEVER per-class recall and macro-F1 over supported / contradicted /
not_enough_evidence (DISPUTED claims apart: how they are labelled); WiCE balanced accuracy, supported vs not.
Results also go to bench/results/check.json. Exit codes: 0 ok, 2 datasets missing, 3 weights trained on test data.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from claimsets import HEADLINE, ClaimSet, LabelledClaim, all_sets, score
from corpora import require_datasets
from features import RESULTS, Described, described
from train_verifier import fit, probabilities, training_rows

from assistant.check.features import FEATURES
from assistant.check.learned import CLASSES, VerifierModel, combine, shipped_model

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(t, 2) for t in np.arange(0.3, 1.0, 0.05)]


def _majority(desc: Described) -> str:
    labels = [c.label for c in desc.claims if c.split == "train" and c.label in CLASSES]
    return max(CLASSES, key=labels.count)


def _lexical(coverage: np.ndarray, threshold: float) -> list[str]:
    return ["supported" if c >= threshold else "not_enough_evidence" for c in coverage]


def _subset(desc: Described, split: str) -> list[int]:
    return [i for i, c in enumerate(desc.claims) if c.split == split]


def rows_for(claimset: ClaimSet, desc: Described, others: list[tuple[ClaimSet, Described]],
             model: VerifierModel) -> dict[str, Any]:
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
                       desc.features[i]) for i in test]
    x, y, w, _ = training_rows(others)
    lodo, mean, scale = fit(x, y, w)
    transferred = probabilities(lodo, mean, scale, desc.features[test])
    held_out = [combine(desc.rules[i], dict(zip(CLASSES, p, strict=True)), model.thresholds,
                        desc.features[i])
                for i, p in zip(test, transferred, strict=True)]
    return {
        "claims_test": len(test),
        "lexical_threshold": threshold,
        "rows": {
            "majority": scored([_majority(desc)] * len(test)),
            "lexical overlap": scored(_lexical(coverage[test], threshold)),
            "rules": scored([desc.rules[i] for i in test]),
            "local engine": scored(shipped),
            "other datasets": scored(held_out),
        },
        "assess_seconds": desc.seconds,
    }


def print_tables(results: dict[str, Any]) -> None:
    names = ["majority", "lexical overlap", "rules", "local engine", "other datasets"]
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
             ("wice-dev", "balanced_accuracy", "WiCE balanced accuracy")]
    for dataset, metric, label in lines:
        rows = results["datasets"][dataset]["rows"]
        print(f"{label:<34}" + "".join(f"{rows[n].get(metric, 0.0):>16.3f}" for n in names))
    for dataset, info in results["datasets"].items():
        print(f"{dataset}: {info['claims_test']:,} test claims; lexical threshold {info['lexical_threshold']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="re-ingest and re-assess, ignoring cached features")
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
    for claimset, desc in sets:
        others = [pair for pair in sets if pair[0].name != claimset.name]
        results["datasets"][claimset.name] = rows_for(claimset, desc, others, model)
    results["seconds"] = round(time.perf_counter() - started, 1)
    print_tables(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "check.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
