"""`check --format claimreview` (schema.org JSON-LD) and `--format csv` for check and search, parsed back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.export import CHECK_COLUMNS, CsvOut, check_rows
from assistant.types import CheckResult, Citation, Verdict
from tests.helpers import OpenStore, RunCli

AIRWARS = "Airwars says 744 civilians were killed in coalition strikes in June."
MAYOR = "The mayor of Raqqa resigned on Tuesday."


@pytest.fixture(autouse=True)
def seeded(seeded_data_dir: Path) -> None:
    """The seeds, stored (see conftest.seeded_data_dir)."""


def run_ok(run_cli: RunCli, *args: str) -> str:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def reviews(document: dict[str, Any]) -> list[dict[str, Any]]:
    assert document["@context"] in ("https://schema.org", "http://schema.org", "https://schema.org/")
    graph: list[dict[str, Any]] = document["@graph"]
    assert all(item["@type"] == "ClaimReview" for item in graph)
    return graph


def test_claimreview_is_json_ld_with_one_review_per_claim(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch,
                                                          open_store: OpenStore) -> None:
    monkeypatch.setenv("FACTCHECK_AUTHOR", "Example Fact Check Desk")
    monkeypatch.setenv("FACTCHECK_AUTHOR_URL", "https://factcheck.example.org")
    out = run_ok(run_cli, "check", f"{AIRWARS} {MAYOR}", "--engine", "local", "--format", "claimreview")
    airwars, mayor = reviews(json.loads(out))
    assert airwars["claimReviewed"] == AIRWARS and mayor["claimReviewed"] == MAYOR
    assert airwars["author"] == {"@type": "Organization", "name": "Example Fact Check Desk",
                                 "url": "https://factcheck.example.org"}
    assert airwars["reviewRating"]["alternateName"] == "supported" and airwars["reviewRating"]["ratingValue"] == 3
    assert mayor["reviewRating"] == {"@type": "Rating", "alternateName": "not_enough_evidence"}
    assert len(airwars["datePublished"]) == 10 and airwars["datePublished"][4] == "-"
    appearance = airwars["itemReviewed"]["appearance"][0]
    assert airwars["itemReviewed"]["@type"] == "Claim" and appearance["@type"] == "NewsArticle"
    assert "744" in appearance["text"] and appearance["datePublished"] == "2017-07-24"
    with open_store() as store:
        assert any(appearance["text"] in a.text for a in store.articles())  # the verified quote, verbatim


def test_claimreview_for_a_batch_is_one_document(run_cli: RunCli, tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text(json.dumps({"id": "a", "text": AIRWARS}) + "\n" + json.dumps({"id": "b", "text": "  "}) + "\n"
                     + json.dumps({"id": "c", "text": MAYOR}) + "\n", encoding="utf-8")
    result = run_cli("check", "--batch", str(batch), "--engine", "local", "--format", "claimreview")
    assert result.exit_code == 1  # the empty record is named; the others are reviewed
    assert [(r["identifier"], r["claimReviewed"]) for r in reviews(json.loads(result.stdout))] == [
        ("a", AIRWARS), ("c", MAYOR)]  # each review says which record it answers
    assert "record b" in result.stderr and "empty" in result.stderr


def test_check_batch_csv_has_one_row_per_claim(run_cli: RunCli, tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text(json.dumps({"id": "a", "text": f"{AIRWARS} {MAYOR}"}) + "\n"
                     + json.dumps({"id": "b", "text": ""}) + "\n", encoding="utf-8")
    result = run_cli("check", "--batch", str(batch), "--engine", "local", "--format", "csv")
    assert result.exit_code == 1 and "record b: nothing to check" in result.stderr  # named; the rest is done
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["claim"], r["verdict"]) for r in rows] == [
        ("a", AIRWARS, "supported"), ("a", MAYOR, "not_enough_evidence"), ("b", "", "")]
    assert "744" in rows[0]["quote"] and rows[0]["citations"] == "1" and rows[0]["date"] == "2017-07-24"
    assert rows[1]["quote"] == "" and "empty" in rows[2]["error"]
    assert rows[0]["other_quotes"] == ""  # one quote


def test_a_disputed_claim_in_csv_carries_the_other_sides_quote() -> None:
    def cite(n: int, quote: str, date: str | None) -> Citation:
        return Citation(chunk_id=f"a{n}:0001", article_id=f"a{n}", title=f"Story {n}", source=f"outlet{n}",
                        date=date, quote=quote, start=0, end=len(quote))

    disputed = Verdict(claim="Barr ordered five executions.", verdict="disputed", confidence=0.33, rationale="",
                       decided_by="number: claim 5, source 6",
                       citations=[cite(1, "five inmates", "2019-07-25"), cite(2, "six inmates", None),
                                  cite(3, "said \"six\"", "2019-07-26")])
    out = io.StringIO()
    CsvOut(out, CHECK_COLUMNS).write(check_rows("a", CheckResult(engine="local", claims=[disputed]), {}))
    [row] = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["quote"] == "five inmates" and row["citations"] == "3"
    assert row["other_quotes"].splitlines() == ['"six inmates" — outlet2, undated',
                                                '"said "six"" — outlet3, 2019-07-26']


def test_search_batch_csv_has_one_row_per_result(run_cli: RunCli, tmp_path: Path) -> None:
    batch = tmp_path / "queries.txt"
    batch.write_text("civilians killed in June\nDaesh militants in Raqqa\n", encoding="utf-8")
    out = run_ok(run_cli, "search", "--batch", str(batch), "--k", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["rank"]) for r in rows] == [("1", "1"), ("2", "1")]  # one story: one result per query
    assert rows[0]["query"] == "civilians killed in June" and "744" in rows[0]["text"]
    assert rows[0]["also_reported_by"]  # the syndicated copy


def test_two_formats_at_once_is_an_error(run_cli: RunCli) -> None:
    result = run_cli("check", AIRWARS, "--json", "--format", "csv")
    assert result.exit_code == 2 and "two formats" in result.stderr
    assert run_cli("check", AIRWARS, "--format", "yaml").exit_code == 2
