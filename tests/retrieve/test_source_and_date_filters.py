"""Filters as a reporter types them: source names in any case, an unknown source named with the known ones,
and `--firm-dates` leaving out articles whose date came from their URL or from a syndicated copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import RunCli

REUTERS = "The harbour authority approved a plan to dredge the north quay to a depth of 14 metres on Tuesday."
COAST = ("Fishermen objected when port officials said they would dredge the north quay this spring, deepening the "
         "berths by several metres before the herring season.")


def _write(corpus: Path) -> None:
    (corpus / "reuters.md").write_text("---\ntitle: Dredging approved\nsource: Reuters\ndate: 2021-03-02\n---\n"
                                       + REUTERS + "\n")
    (corpus / "coast.md").write_text("---\ntitle: Quay works\nsource: www.Coast-Times.example\n"
                                     "url: https://coast-times.example/2021/03/03/quay\n---\n"
                                     + COAST + "\n")


def _sources(run_cli: RunCli, *args: str) -> list[str]:
    result = run_cli("search", "dredge the north quay", "--json", *args)
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = result.json()
    return sorted({r["source"] for r in payload["results"]})


def test_sources_match_whatever_their_case_and_unknown_ones_are_named(run_cli: RunCli, corpus: Path,
                                                                      ingest_ok: Any) -> None:
    _write(corpus)
    ingest_ok(corpus)
    assert _sources(run_cli, "--source", "reuters") == ["Reuters"]
    assert _sources(run_cli, "--source", "REUTERS", "--mode", "lexical") == ["Reuters"]
    assert _sources(run_cli, "--source", "WWW.coast-times.example") == ["coast-times.example"]
    unknown = run_cli("search", "dredge", "--source", "ap")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: unknown source 'ap'; known sources: coast-times.example, Reuters"


def test_firm_dates_leave_out_url_dates_and_sources_show_where_a_date_came_from(
        run_cli: RunCli, corpus: Path, ingest_ok: Any) -> None:
    _write(corpus)
    ingest_ok(corpus)
    listed = {a["source"]: a for a in run_cli("sources", "--json").json()["articles"]}
    assert (listed["Reuters"]["date"], listed["Reuters"]["date_source"], listed["Reuters"]["date_confidence"]) == (
        "2021-03-02", "metadata", 0.9)
    coast = listed["coast-times.example"]
    assert (coast["date"], coast["date_source"], coast["date_confidence"]) == ("2021-03-03", "url", 0.6)
    assert _sources(run_cli) == ["Reuters", "coast-times.example"]
    for mode in ("hybrid", "dense", "lexical"):
        assert _sources(run_cli, "--firm-dates", "--mode", mode) == ["Reuters"]
    text = run_cli("search", "dredge the north quay", "--k", "5").stdout
    assert "2021-03-03 (from the URL)" in text
