"""`factcheck audit`: planted conflicts across outlets are found with both quotes; syndicated copies agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.check.audit import audit, is_statement
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


def test_a_store_with_no_articles_is_an_error_not_a_clean_audit(run_cli: RunCli) -> None:
    # FACTCHECK_DATA_DIR not set in this shell reads another, empty folder: "no conflicts" would mislead
    for command in (("audit", "--json"), ("check", "The council cut 12 bus routes."), ("search", "bus routes"),
                    ("ask", "How many bus routes were cut?", "--engine", "local")):
        result = run_cli(*command)
        assert result.exit_code == 1 and "Traceback" not in result.output, command
        assert result.stderr.startswith("error: no articles in ") and "factcheck ingest PATH" in result.stderr
    assert run_cli("sources").exit_code == 0  # the one command that says an empty store is empty


@pytest.mark.parametrize(("text", "statement"), [
    ("The council approved the 2024 budget of 12 million dollars on Monday, the mayor said.", True),
    ("January 2019 February 2019 March 2019 April 2019 May 2019 June 2019 July 2019.", False),
    ("Home | News | Sport | Business | Archive 2019 | Contact us | About us today.", False),
    ("Copyright 2003 - 2019 Spelling Coast Media, all of its 12 titles and 4 radio stations.", False),
    ("Subscribe to our newsletter for 3 months and get 50 percent off the price.", False),
    ("World Politics Business Tech Science Health Sport Opinion Video 2019 Archive.", False),
    ("The bridge cost 40 million dollars", False),  # no sentence end: a caption or a list item
    ("It cost 40 million.", False),  # too short to be a statement about something
])
def test_only_full_statements_are_compared(text: str, statement: bool) -> None:
    assert is_statement(text) is statement


def test_audit_reads_candidate_pairs_only_and_reports_progress(run_cli: RunCli, corpus: Path,
                                                                open_store: OpenStore) -> None:
    write(corpus, "a.md", "Daily Planet", "The new Elm Street bridge cost 40 million dollars to build, officials said.")
    write(corpus, "b.md", "Gotham Gazette", "Auditors found that the Elm Street bridge cost 65 million dollars to "
          "build.")
    for n, topic in enumerate(["A recipe for banana bread needs 3 ripe bananas and 200 grams of flour, the chef said.",
                               "The football club signed 2 new strikers for the 2024 season, its manager said.",
                               "The museum counted 120,000 visitors in 2023, twice as many as in 2022, it said."]):
        write(corpus, f"other{n}.md", f"Outlet {n}", topic)
    assert run_cli("ingest", corpus).exit_code == 0
    phases: list[tuple[str, int, int]] = []
    with open_store() as store:
        report = audit(store, progress=lambda phase, done, total: phases.append((phase, done, total)))
    assert [p[0] for p in phases] == ["finding candidate pairs", "embedding statements", "reading pairs"]
    assert all(done == total for _, done, total in phases)
    assert report.sentences_compared == 5
    assert report.pairs_read == 1  # only the two bridge statements speak of the same thing
    (conflict,) = report.conflicts
    assert conflict.kind == "number" and {conflict.a.source, conflict.b.source} == {"Daily Planet", "Gotham Gazette"}


def test_a_shared_figure_with_an_earlier_one_is_not_a_conflict(run_cli: RunCli, corpus: Path) -> None:
    """The slot rule sees 3.41 against 3.69, but both say 3.69: the model finds no contradiction, and the
    figures are not wholly different, so it is not reported."""
    write(corpus, "a.md", "Daily Planet", "Diluted earnings per share were $3.69 for the third quarter of 2021, "
          "up from $3.41 in the second quarter, the bank said.")
    write(corpus, "b.md", "Gotham Gazette", "The bank said its third-quarter 2021 diluted earnings per share rose "
          "to $3.69 and its net interest income was $971 million.")
    assert run_cli("ingest", corpus).exit_code == 0
    report = run_cli("audit", "--json").json()
    assert report["pairs_read"] == 1 and report["conflicts"] == [], report
