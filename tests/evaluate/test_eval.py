"""`factcheck eval`: the offline gate passes on committed fixtures and fails, saying why, when they are tampered
with or when a prompt changes without re-recording."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, RunCli

FIXTURES = ROOT / "evals" / "fixtures"
PROMPTS = ROOT / "prompts"


@pytest.mark.slow  # fixtures are keyed by the passages the real model retrieves
def test_replay_gate_passes_and_writes_the_reports(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run_cli("eval", "--engine", "replay", "--suite", "guardrails", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = result.json()
    metrics = payload["suites"][0]["metrics"]
    assert payload["passed"] and metrics["pass_rate"] == 1.0
    assert metrics["citation_validity"] is None  # every citation was an attack, caught: nothing to measure
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 200
    page = (out / "report.html").read_text()
    assert "confusion" in (out / "report.json").read_text() and "<table>" in page
    assert "aria-label='confusion matrix'" in page and "aria-label='reliability diagram'" in page


@pytest.fixture
def fixtures_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    monkeypatch.setenv("FACTCHECK_FIXTURES_DIR", str(copy))
    return copy


def _answer_fixture(project: Path, question: str) -> tuple[Path, dict[str, Any]]:
    for path in sorted((project / "evals" / "fixtures" / "answer").glob("*.json")):
        record = json.loads(path.read_text())
        if record["input"]["user"].startswith(f"Question: {question}\n"):
            return path, record
    raise AssertionError(f"no committed answer fixture for {question!r}")


@pytest.mark.slow
def test_a_fixture_edited_to_drop_a_citations_support_fails_the_gate(run_cli: RunCli, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """make test replays the seeds suite against its baseline with no tolerance (replay is deterministic). The
    committed replies are SmolLM2-135M's and none of its quotes is supported, so the test first gives one reply a
    supported quote (a sentence of its own source [1]) and accepts that as the baseline; then it edits the quote so
    that its source no longer holds it: the gate fails, saying which score fell."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "evals", project / "evals")
    shutil.copytree(ROOT / "seeds", project / "seeds")
    monkeypatch.chdir(project)
    path, record = _answer_fixture(project, "How many Daesh militants are in Raqqa?")
    source = re.search(r"^\[1\] [^\n]*\n(.+?)(?:\n|$)", record["input"]["user"], re.MULTILINE)
    assert source is not None
    sentence = source.group(1).strip()  # the first line of source [1]: a sentence of the article
    record["reply"] = json.dumps({"answer": f"{sentence} [1]", "answerable": True,
                                  "citations": [{"source": 1, "quote": sentence}]})
    path.write_text(json.dumps(record))
    accepted = run_cli("eval", "--suite", "seeds", "--update-baseline", "--out", str(tmp_path / "before"))
    assert accepted.exit_code == 0, accepted.output
    word = max(sentence.split(), key=len)
    record["reply"] = record["reply"].replace(word, "unicorns")  # the quote no longer is its source's text
    path.write_text(json.dumps(record))
    result = run_cli("eval", "--suite", "seeds", "--out", str(tmp_path / "after"))
    assert result.exit_code == 1
    assert "seeds/replay: verified_citations_per_case fell from" in result.stderr


def test_a_prompt_changed_without_re_recording_fails_with_the_reason(run_cli: RunCli, fixtures_copy: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(PROMPTS, prompts)
    answer = prompts / "answer.txt"
    answer.write_text(answer.read_text().replace("Rules:", "Rules (be brief):"))
    monkeypatch.setenv("FACTCHECK_PROMPTS_DIR", str(prompts))
    result = run_cli("eval", "--suite", "seeds", "--case", "ask-militants", "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "the prompt changed without re-recording" in result.stdout
    assert "--record" in result.stdout


def test_unknown_suite_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("eval", "--suite", "nope")
    assert result.exit_code == 1 and "unknown suite 'nope'" in result.stderr


def test_a_suite_named_for_another_engine_is_refused_not_skipped(run_cli: RunCli) -> None:
    # a wheel user's `factcheck eval --suite newsroom-test5-local` printed an empty table and exited 0 (replay is the
    # default engine and that suite runs with the local engine only)
    result = run_cli("eval", "--suite", "newsroom-test5-local")
    assert result.exit_code == 1
    assert "suite newsroom-test5-local does not run with the replay engine; choose --engine local" in result.stderr
