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


def _break_a_supported_quote(fixtures: Path, shown: list[str]) -> str:
    """Edit the first fixture whose reply quotes one of the `shown` (verified) quotes so that it no longer does."""
    for path in sorted(fixtures.glob("*/*.json")):
        record = json.loads(path.read_text())
        try:
            reply = json.loads(record["reply"])
        except json.JSONDecodeError:
            continue
        for citation in [c for key in ("citations", "verdicts") for c in reply.get(key, []) if isinstance(c, dict)]:
            for quoted in [citation, *citation.get("citations", [])]:
                quote = str(quoted.get("quote", ""))
                if quote and any(q[:40] in quote or quote[:40] in q for q in shown):
                    word = max(quote.split(), key=len)
                    quoted["quote"] = quote.replace(word, "unicorns")
                    record["reply"] = json.dumps(reply)
                    path.write_text(json.dumps(record))
                    return f"{path.parent.name}/{path.name}"
    raise AssertionError("no committed fixture quotes a passage that the replay shows as verified")


@pytest.mark.slow
def test_a_fixture_edited_to_drop_a_citations_support_fails_the_gate(run_cli: RunCli, fixtures_copy: Path,
                                                                      tmp_path: Path) -> None:
    """make test replays the seeds suite against its baseline with no tolerance (replay is deterministic), so a
    fixture whose quote no longer is in its source fails it, saying which score fell."""
    pristine = run_cli("eval", "--suite", "seeds", "--out", str(tmp_path / "before"))
    assert pristine.exit_code == 0, pristine.output
    report = json.loads((tmp_path / "before" / "report.json").read_text())
    shown = [q for case in report["suites"][0]["cases"] for q in case["quotes"]]
    edited = _break_a_supported_quote(fixtures_copy, shown)
    result = run_cli("eval", "--suite", "seeds", "--out", str(tmp_path / "after"))
    assert result.exit_code == 1, f"editing {edited} did not fail the gate"
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
