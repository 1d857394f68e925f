"""`factcheck audit`: planted conflicts across outlets are found with both quotes; syndicated copies agree."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import OpenStore, RunCli


def write(corpus: Path, name: str, source: str, body: str) -> None:
    (corpus / name).write_text(f"---\ntitle: {name}\nsource: {source}\ndate: 2024-03-01\n---\n{body}\n",
                               encoding="utf-8")


def test_planted_conflicts_are_reported_with_both_quotes(run_cli: RunCli, corpus: Path,
                                                         open_store: OpenStore) -> None:
    write(corpus, "a.md", "Daily Planet", "The new Elm Street bridge cost 40 million dollars to build.\n"
          "The bridge first opened to traffic in 2019, according to the city.\nLocal shops welcomed it.\n"
          "The steel for the bridge was made by Acme Foundry of Pittsburgh, the contractor said.")
    write(corpus, "b.md", "Gotham Gazette", "Auditors found that the Elm Street bridge cost 65 million dollars "
          "to build.\nThe bridge first opened to traffic in 2021, according to the city.\nCommuters were pleased.\n"
          "The steel for the bridge was made by Zenith Foundry of Pittsburgh, the contractor said.")
    write(corpus, "c.md", "Star Tribune", "A recipe for banana bread needs three ripe bananas.\n"
          "Bake it for 60 minutes.")
    assert run_cli("ingest", corpus).exit_code == 0
    result = run_cli("audit", "--json")
    assert result.exit_code == 0, result.output
    report = result.json()
    kinds = {c["kind"]: c for c in report["conflicts"]}
    assert {"number", "date", "name"} <= set(kinds), report
    named = ("name: claim Acme, source Zenith", "name: claim Zenith, source Acme")
    assert kinds["name"]["decided_by"].startswith(named)
    assert "entailment: p(contradiction)" in kinds["name"]["decided_by"]
    number = kinds["number"]
    assert {number["a"]["source"], number["b"]["source"]} == {"Daily Planet", "Gotham Gazette"}
    assert {"40000000", "65000000"} <= set(re.findall(r"\d+", number["decided_by"].replace(",", "")))
    with open_store() as store:
        for conflict in report["conflicts"]:
            for side in (conflict["a"], conflict["b"]):
                article = store.article(side["article_id"])
                assert article is not None and article.text[side["start"]:side["end"]] == side["quote"]
            assert "Star Tribune" not in (conflict["a"]["source"], conflict["b"]["source"])


def test_menu_fragments_and_agreeing_statements_are_not_conflicts(run_cli: RunCli, corpus: Path) -> None:
    write(corpus, "a.md", "Daily Planet", "Archive\nJanuary 2019\nFebruary 2019\n"
          "The council approved the 2024 budget of 12 million dollars on Monday, the mayor said.")
    write(corpus, "b.md", "Gotham Gazette", "Archive\nJanuary 2018\nFebruary 2018\n"
          "On Monday the council passed the 2024 budget, worth 12 million dollars, the mayor said.")
    assert run_cli("ingest", corpus).exit_code == 0
    report = run_cli("audit", "--json").json()
    assert report["conflicts"] == [], report


def test_seed_copies_do_not_conflict(run_cli: RunCli, seeds: Path) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    result = run_cli("audit")
    assert result.exit_code == 0
    assert "2 articles" in result.stdout and "0 conflicts" in result.stdout


def test_empty_store_audits_cleanly(run_cli: RunCli) -> None:
    result = run_cli("audit", "--json")
    assert result.exit_code == 0 and result.json()["conflicts"] == []
