"""Suite-level metrics from case results, and the gate: thresholds plus a committed baseline.

The gate files are the project's ./evals/config.yaml and ./evals/baseline.json when the current directory has
that config.yaml, else the defaults shipped in the package (the same files, mapped from evals/ at build time).
"""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from assistant.errors import ConfigError
from assistant.evaluate.metrics import accuracy, balanced_accuracy, confusion, mean
from assistant.evaluate.runner import CaseResult
from assistant.resources import EVALS, resource

CONFIG_NAME = "config.yaml"
BASELINE_NAME = "baseline.json"


def project_evals() -> Path | None:
    """./evals when the current directory has its own gate config there, else None (the shipped defaults)."""
    folder = Path.cwd() / "evals"
    return folder if (folder / CONFIG_NAME).is_file() else None


def evals_file(name: str) -> Traversable:
    """A file of ./evals when the current directory has its own gate config, else the copy shipped in the package
    (the gate's config.yaml and baseline.json, the newsroom claims)."""
    folder = project_evals()
    return folder / name if folder else resource(EVALS, name)


class SuiteResult(BaseModel):
    suite: str
    engine: str
    cases: list[CaseResult]
    metrics: dict[str, float | None] = Field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


def summarise(suite: str, engine: str, cases: list[CaseResult]) -> SuiteResult:
    pairs = [(c.expected_verdict, c.predicted_verdict or "error") for c in cases if c.expected_verdict]
    pairs_typed = [(e, p) for e, p in pairs if e is not None]
    citations = sum(c.citations for c in cases)
    sentences = sum(c.backed_sentences + c.unbacked_sentences for c in cases)
    ranks = [c.rank for c in cases if c.kind == "search"]
    metrics: dict[str, float | None] = {
        "cases": float(len(cases)),
        "pass_rate": mean([float(c.passed) for c in cases]),
        "verdict_accuracy": accuracy(pairs_typed),
        "verdict_balanced_accuracy": balanced_accuracy(pairs_typed),
        # no citation at all: nothing was measured, so the share is undefined (None), never a free 1.0
        "citation_validity": (sum(c.citations_valid for c in cases) / citations) if citations else None,
        # shown model prose whose facts are in its quotes (the answer-text guard, re-checked); undefined when none
        "answer_backing": (sum(c.backed_sentences for c in cases) / sentences) if sentences else None,
        "source_precision": mean([c.source_precision for c in cases if c.source_precision is not None]),
        "source_recall": mean([c.source_recall for c in cases if c.source_recall is not None]),
        "search_recall": mean([float(r is not None) for r in ranks]),
        "search_mrr": mean([1.0 / r if r else 0.0 for r in ranks]),
        "calls_per_case": mean([float(c.usage.calls) for c in cases]),
        "tokens_per_case": mean([float(c.usage.prompt_tokens + c.usage.completion_tokens) for c in cases]),
        "seconds": round(sum(c.seconds for c in cases), 2),
    }
    if engine in ("replay", "openai"):
        # replay is deterministic: a fixture edited so that a quote loses its support lowers this, and the
        # replay baseline (tolerance 0) fails; with the local engine it is not a score
        metrics["verified_citations_per_case"] = mean([float(c.citations_valid) for c in cases])
    return SuiteResult(suite=suite, engine=engine, cases=cases, metrics=metrics,
                       confusion=confusion(pairs_typed) if pairs_typed else {})


REPORTED_ONLY = "baseline_"  # a metric named baseline_* is a reference point (a trivial predictor's score): never gated


class GateConfig(BaseModel):
    tolerance: float = 0.02
    # "suite/engine" -> its own tolerance: a run that is deterministic (recorded replies over a corpus small enough
    # for exact neighbours) gets 0, so any fall from its baseline is a real change
    tolerances: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, dict[str, dict[str, float]]] = Field(default_factory=dict)

    def tolerance_for(self, suite: str, engine: str) -> float:
        return self.tolerances.get(f"{suite}/{engine}", self.tolerance)


def load_gate(path: Traversable | None = None) -> GateConfig:
    path = path or evals_file(CONFIG_NAME)
    try:
        config = GateConfig.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"cannot read the eval gate config {path}: {exc}") from None
    for suite, engines in config.thresholds.items():
        for engine, metrics in engines.items():
            for metric in metrics:
                if not _higher_is_better(metric):
                    raise ConfigError(f"the eval gate config {path} gates {suite}/{engine}: {metric}, which is "
                                      "a reference value or a cost, not a score; report it, do not gate it")
    return config


def load_baseline(path: Traversable | None = None) -> dict[str, Any]:
    path = path or evals_file(BASELINE_NAME)
    if not path.is_file():
        return {}
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the eval baseline {path}: {exc}") from None


def gate(results: list[SuiteResult], config: GateConfig, baseline: dict[str, Any]) -> list[str]:
    """Every reason the run fails: a metric under its threshold, or under the baseline beyond the tolerance."""
    failures = []
    for result in results:
        where = f"{result.suite}/{result.engine}"
        for metric, minimum in config.thresholds.get(result.suite, {}).get(result.engine, {}).items():
            value = result.metrics.get(metric)
            if value is None:  # a gate with nothing to measure has not passed
                failures.append(f"{where}: {metric} is undefined in this run (nothing to measure), so its "
                                f"threshold {minimum:.3f} cannot be met")
            elif value < minimum:
                failures.append(f"{where}: {metric} {value:.3f} is below the threshold {minimum:.3f}")
        tolerance = config.tolerance_for(result.suite, result.engine)
        for metric, previous in baseline.get(result.suite, {}).get(result.engine, {}).items():
            value = result.metrics.get(metric)
            if not _higher_is_better(metric) or previous is None:
                continue
            if value is None:
                failures.append(f"{where}: {metric} was {previous:.3f} (baseline) and is undefined now")
            elif round(value, 4) < previous - tolerance:
                failures.append(f"{where}: {metric} fell from {previous:.3f} (baseline) to {value:.3f}")
    return failures


def _higher_is_better(metric: str) -> bool:
    """A score to gate: not a count, a cost, a time, or a reference value (baseline_*)."""
    return metric not in ("cases", "calls_per_case", "tokens_per_case", "seconds") \
        and not metric.startswith(REPORTED_ONLY)


def update_baseline(results: list[SuiteResult], path: Path | None = None) -> Path:
    """Write these scores into the project's evals/baseline.json (never into the installed package)."""
    if path is None:
        folder = project_evals()
        if folder is None:
            raise ConfigError(f"--update-baseline writes evals/{BASELINE_NAME} beside evals/{CONFIG_NAME}, and "
                              f"{Path.cwd()} has no evals/{CONFIG_NAME}; run it from the project folder")
        path = folder / BASELINE_NAME
    baseline = load_baseline(path)
    for result in results:
        kept = {k: round(v, 4) for k, v in result.metrics.items() if v is not None and _higher_is_better(k)}
        baseline.setdefault(result.suite, {})[result.engine] = kept
    path.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
