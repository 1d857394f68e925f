"""The eval gate can fail: undefined metrics are not passes, reference values are never gated, replay's baseline
has no slack, and a missing datasets folder fails a CI run in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.evaluate.runner import CaseResult
from assistant.evaluate.scoring import GateConfig, gate, load_gate, summarise
from assistant.evaluate.suites import load_page_claims
from tests.helpers import ROOT, RunCli


def case(citations: int = 0, valid: int = 0, passed: bool = True) -> CaseResult:
    return CaseResult(id="c", kind="ask", passed=passed, citations=citations, citations_valid=valid)


def test_citation_validity_is_undefined_without_citations_and_a_gate_on_it_fails() -> None:
    result = summarise("s", "replay", [case(), case()])
    assert result.metrics["citation_validity"] is None
    failures = gate([result], GateConfig(thresholds={"s": {"replay": {"citation_validity": 1.0}}}), {})
    assert failures == ["s/replay: citation_validity is undefined in this run (nothing to measure), so its "
                        "threshold 1.000 cannot be met"]
    measured = summarise("s", "replay", [case(citations=4, valid=3)])
    assert measured.metrics["citation_validity"] == 0.75
    assert gate([measured], GateConfig(thresholds={"s": {"replay": {"citation_validity": 0.7}}}), {}) == []


def test_a_metric_that_was_measured_and_is_now_undefined_fails_the_baseline() -> None:
    result = summarise("s", "replay", [case()])
    failures = gate([result], GateConfig(), {"s": {"replay": {"citation_validity": 1.0}}})
    assert failures == ["s/replay: citation_validity was 1.000 (baseline) and is undefined now"]


def test_reference_values_are_reported_never_gated() -> None:
    result = summarise("s", "local", [case()])
    result.metrics["baseline_majority_accuracy"] = 0.1
    assert gate([result], GateConfig(), {"s": {"local": {"baseline_majority_accuracy": 0.9}}}) == []


def test_a_config_gating_a_reference_value_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("thresholds: {s: {local: {baseline_majority_accuracy: 0.5}}}\n")
    with pytest.raises(ConfigError, match="a reference value or a cost, not a score"):
        load_gate(config)


def test_replay_has_no_tolerance_so_one_lost_citation_fails() -> None:
    config = load_gate(ROOT / "evals" / "config.yaml")
    assert config.tolerance_for("seeds", "replay") == 0.0 and config.tolerance_for("seeds", "local") > 0
    assert config.tolerance_for("climate-fever-retrieval", "replay") > 0  # approximate search over many articles
    config.tolerances["s/replay"] = 0.0
    before = summarise("s", "replay", [case(citations=1, valid=1)] * 40)
    after = summarise("s", "replay", [case(citations=1, valid=1)] * 39 + [case()])
    baseline = {"s": {"replay": {"verified_citations_per_case": before.metrics["verified_citations_per_case"]}}}
    assert gate([before], config, baseline) == []
    assert gate([after], config, baseline) == ["s/replay: verified_citations_per_case fell from 1.000 (baseline) "
                                               "to 0.975"]


def test_the_committed_gates_hold_no_constant_and_no_reference_metric() -> None:
    config = load_gate(ROOT / "evals" / "config.yaml")
    gated = {m for engines in config.thresholds.values() for metrics in engines.values() for m in metrics}
    assert "majority_baseline" not in gated and not any(m.startswith("baseline_") for m in gated)


def test_require_datasets_fails_in_one_line_when_the_folder_is_absent(run_cli: RunCli, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_DATASETS", str(tmp_path / "absent"))
    result = run_cli("eval", "--engine", "local", "--suite", "wice-local", "--require-datasets",
                     "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--require-datasets" in result.stderr and "absent" in result.stderr
    skipped = run_cli("eval", "--engine", "local", "--suite", "wice-local", "--out", str(tmp_path / "r"))
    assert skipped.exit_code == 0 and "skipping suite wice-local" in skipped.stderr


def _make_lines(makefile: str, target: str) -> list[str]:
    """The recipe lines `make target` runs: its prerequisites', its own, and those of the goals a sub-make runs."""
    rules = {m.group(1): (m.group(2).split(), m.group(3).splitlines())
             for m in re.finditer(r"^([\w.-]+):([^=\n]*)\n((?:\t[^\n]*\n?)*)", makefile, re.M)}
    prerequisites, recipe = rules.get(target, ([], []))
    lines = [line for p in prerequisites if p in rules for line in _make_lines(makefile, p)]
    for line in recipe:
        lines.append(line)
        if "$(MAKE)" in line:
            lines += [sub for word in line.split() if word in rules for sub in _make_lines(makefile, word)]
    return lines


def test_ci_runs_the_dataset_suites_with_require_datasets() -> None:
    ci = _make_lines((ROOT / "Makefile").read_text(), "test")
    evals = [line for line in ci if "factcheck eval" in line]
    assert len(evals) == 2 and all("--require-datasets" in line for line in evals)
    assert any("--engine local" in line for line in evals) and any("pytest" in line for line in ci)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_newsroom_claims_that_do_not_parse_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "newsroom.yaml"
    bad.write_text("pages: [dev00328]\ncases:\n  - {id: x, claim: y, expected: maybe}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"newsroom.yaml is invalid at cases.0.expected"):
        load_page_claims(bad)
    shipped = load_page_claims(ROOT / "evals" / "newsroom.yaml")
    assert len({c.id for c in shipped.cases}) == len(shipped.cases) and len(shipped.pages) == 13
