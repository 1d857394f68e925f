"""`factcheck eval`: the offline gate passes on committed fixtures and fails, saying why, when they are tampered
with or when a prompt changes without re-recording."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import ROOT, RunCli

FIXTURES = ROOT / "evals" / "fixtures"
PROMPTS = ROOT / "prompts"


def test_replay_gate_passes_and_writes_the_reports(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run_cli("eval", "--engine", "replay", "--suite", "guardrails", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = result.json()
    assert payload["passed"] and payload["suites"][0]["metrics"]["citation_validity"] == 1.0
    for name in ("report.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 200
    assert "confusion" in (out / "report.json").read_text() and "<table>" in (out / "report.html").read_text()


@pytest.fixture
def fixtures_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    monkeypatch.setenv("FACTCHECK_FIXTURES_DIR", str(copy))
    return copy


def test_a_fixture_edited_to_smuggle_a_fabricated_quote_fails_the_gate(run_cli: RunCli, fixtures_copy: Path,
                                                                       tmp_path: Path) -> None:
    tampered = 0
    for path in (fixtures_copy / "answer").glob("*.json"):
        record = json.loads(path.read_text())
        if "How many Daesh militants are in Raqqa?" in record["input"]["user"]:
            reply = json.loads(record["reply"])
            reply["citations"] = [{"source": 1, "quote": "Col. Ryan Dillon estimates there are around 9,000 "
                                                         "Daesh militants in the northern city."}]
            record["reply"] = json.dumps(reply)
            path.write_text(json.dumps(record))
            tampered += 1
    assert tampered == 1
    result = run_cli("eval", "--suite", "seeds", "--case", "ask-militants", "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "ask-militants" in result.stdout and "dropped a quote not found in source [1]" in result.stdout
    assert "pass_rate 0.000 is below the threshold" in result.stderr


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
