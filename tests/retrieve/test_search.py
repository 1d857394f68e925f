"""`factcheck search` end to end on the seeds: the real CLI, store, embedding model and indexes.

The two seeds are one wire story printed by two outlets (their sources are the file names), so they form one
story cluster: a passage both carry must come back once, naming the other outlet in `also_reported_by`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CliResult, OpenStore, RunCli

OUTLET_A = "000_e5096ebe9da60f70"  # "U.S.-led", has the Dillon paragraph ("2,000 Daesh militants")
OUTLET_B = "001_46ec0d67e7ac139e"  # "US-led", dated 2017-07-24 in the file
SHARED_SENTENCE = "We will continue to work with the Syrian Democratic Forces to complete the defeat of Daesh"
MODES = ("hybrid", "dense", "lexical")
HOSTILE_QUERIES = (
    'NEAR(Raqqa Daesh, 5)', 'Raqqa NEAR Daesh', '"unbalanced quote', "it's", '""', '"', "'", "(((", ")", "[Raqqa]",
    "{Raqqa}", "*", "Daesh*", "-", "-Raqqa", "Raqqa -Daesh", "+Raqqa", "^Raqqa", "text:Raqqa", "chunks_fts:Raqqa",
    "AND", "OR", "NOT", "Raqqa AND OR NOT", "a OR", "OR OR OR", "\\", "%_%", "; DROP TABLE chunks; --",
    "Raqqa — “quoted” ‘single’", "🙂 Raqqa", "ÄÖÜ ß", "  ", "\t", "a", "the of and",
)


@pytest.fixture
def seeded(seeded_data_dir: Path) -> None:
    """The seeds, stored (see conftest.seeded_data_dir); test_seeds.py checks what that ingest reports."""


def search_json(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("search", *args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = result.json()
    return payload


def assert_spans_match(open_store: OpenStore, results: list[dict[str, Any]]) -> None:
    """Every result's text is exactly the stored article text at [start, end)."""
    with open_store() as store:
        for r in results:
            article = store.article(r["article_id"])
            assert article is not None
            assert article.text[r["start"]:r["end"]] == r["text"]


# -- story clusters ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_paragraph_both_outlets_carry_appears_once(run_cli: RunCli, seeded: None, mode: str) -> None:
    results = search_json(run_cli, SHARED_SENTENCE, "--mode", mode)["results"]
    carrying = [r for r in results if "complete the defeat of Daesh" in r["text"]]
    assert len(carrying) == 1
    top = results[0]
    assert top is carrying[0]
    assert {top["source"], *top["also_reported_by"]} == {OUTLET_A, OUTLET_B}
    assert len(top["also_reported_by"]) == 1
    assert len({r["cluster"] for r in results}) == len(results)  # one result per story


def test_results_carry_the_documented_fields(run_cli: RunCli, seeded: None, open_store: OpenStore) -> None:
    payload = search_json(run_cli, "Raqqa coalition civilians")
    assert payload["query"] == "Raqqa coalition civilians" and payload["mode"] == "hybrid"
    assert payload["results"]
    for r in payload["results"]:
        assert set(r) == {"chunk_id", "article_id", "title", "source", "date", "text", "start", "end", "score",
                          "cluster", "also_reported_by", "date_source"}
        assert r["date"] == "2017-07-24"  # outlet A's date is inferred from its syndicated copy
    assert_spans_match(open_store, payload["results"])


@pytest.mark.parametrize("mode", MODES)
def test_every_result_is_an_exact_span_of_its_article(
        run_cli: RunCli, seeded: None, open_store: OpenStore, mode: str) -> None:
    for query in ("civilians killed in strikes", "Airwars 744", "tunnel networks drones", "Jones told reporters"):
        results = search_json(run_cli, query, "--mode", mode, "--k", "20")["results"]
        assert results
        assert_spans_match(open_store, results)


# -- filters -------------------------------------------------------------------------------------------------------
def test_source_filter_keeps_one_outlet(run_cli: RunCli, seeded: None) -> None:
    for outlet in (OUTLET_A, OUTLET_B):
        results = search_json(run_cli, SHARED_SENTENCE, "--source", outlet)["results"]
        assert results and {r["source"] for r in results} == {outlet}
        assert all(r["also_reported_by"] == [] for r in results)  # the other copy was filtered out before fusion
    both = search_json(run_cli, SHARED_SENTENCE, "--source", OUTLET_A, "--source", OUTLET_B)["results"]
    assert both[0]["also_reported_by"]
    assert {r["source"] for r in search_json(run_cli, SHARED_SENTENCE, "--source", OUTLET_A.upper())["results"]} \
        == {OUTLET_A}  # any case
    unknown = run_cli("search", SHARED_SENTENCE, "--source", "no-such-outlet")
    assert unknown.exit_code == 1  # named, with the known ones, never a silent empty result
    assert unknown.stderr.strip() == f"error: unknown source 'no-such-outlet'; known sources: {OUTLET_A}, {OUTLET_B}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("window", "found"), [
    (("--since", "2017-07-24"), True),
    (("--until", "2017-07-24"), True),
    (("--since", "2017-07-24", "--until", "2017-07-24"), True),
    (("--since", "July 1, 2017", "--until", "2017-07-31"), True),
    (("--since", "2017-07-25"), False),
    (("--until", "2017-07-23"), False),
])
def test_date_filters_include_and_exclude(
        run_cli: RunCli, seeded: None, mode: str, window: tuple[str, ...], found: bool) -> None:
    results = search_json(run_cli, "Raqqa", "--mode", mode, *window)["results"]
    assert bool(results) is found


@pytest.mark.parametrize("bad", [("--since", "yesterdayish"), ("--until", "2017-13-45"), ("--since", "soon")])
def test_a_bad_date_is_a_one_line_error(run_cli: RunCli, seeded: None, bad: tuple[str, str]) -> None:
    result = run_cli("search", "Raqqa", *bad)
    assert result.exit_code == 1
    assert "not a date" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_inverted_date_range_is_a_one_line_error(run_cli: RunCli, seeded: None) -> None:
    # a user's --since after --until had answered "No passages found."
    result = run_cli("search", "Raqqa", "--since", "2018-01-01", "--until", "2017-01-01")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: since 2018-01-01 is after until 2017-01-01: no article can match"


# -- query text is data --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_hostile_queries_never_raise(run_cli: RunCli, seeded: None, mode: str) -> None:
    for query in (*HOSTILE_QUERIES, "", "Raqqa " * 17_000):
        # `--` ends the options, as for any command: a query may start with "-"
        result = run_cli("search", "--mode", mode, "--json", "--", query)
        assert result.exit_code == 0, (query[:40], result.output)
        payload = result.json()
        assert payload["query"] == query
        assert isinstance(payload["results"], list)


def test_hostile_queries_in_human_output(run_cli: RunCli, seeded: None) -> None:
    for query in ('"[bold]Raqqa', "[/]", "NEAR(", "", "-Raqqa"):
        result = run_cli("search", "--", query)
        assert result.exit_code == 0, result.output


def test_empty_and_blank_queries_return_nothing(run_cli: RunCli, seeded: None) -> None:
    for query in ("", "   ", "\n"):
        assert search_json(run_cli, query)["results"] == []


def test_a_100_kb_query_is_searched(run_cli: RunCli, seeded: None) -> None:
    query = ("Raqqa Daesh coalition " * 5000)[:100_000]
    results = search_json(run_cli, query)["results"]
    assert results and "Raqqa" in results[0]["text"]


@pytest.mark.parametrize(("query", "expected"), [
    ("2,000", "2,000"),
    ("U.S.", "U.S."),
    ("Raqqa", "Raqqa"),
    ("603", "603"),
    ("Dillon", "Dillon"),
])
def test_numbers_and_names_survive_lexical_search(
        run_cli: RunCli, seeded: None, query: str, expected: str) -> None:
    results = search_json(run_cli, query, "--mode", "lexical")["results"]
    assert results, query
    assert all(expected in r["text"] for r in results)


def test_a_number_is_not_split_into_its_digits(run_cli: RunCli, seeded: None) -> None:
    # "2,000" is the phrase "2 000": a chunk containing "2014" or "000" alone must not match it.
    results = search_json(run_cli, "2,000", "--mode", "lexical", "--k", "50")["results"]
    assert [r["source"] for r in results] == [OUTLET_A]


def test_inflected_words_match_their_stem(run_cli: RunCli, seeded: None) -> None:
    # "encircled" is searched as the prefix "encircl"*: the seeds say "encircling".
    results = search_json(run_cli, "encircled", "--mode", "lexical")["results"]
    assert results and "encircling" in results[0]["text"]


# -- empty store ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_data_dir_with_no_articles_is_an_error_not_no_results(run_cli: RunCli, mode: str) -> None:
    # FACTCHECK_DATA_DIR not exported in this shell reads another, empty folder: "No passages found" would mislead
    for result in (run_cli("search", "Raqqa", "--mode", mode, "--json"), run_cli("search", "Raqqa", "--mode", mode)):
        assert result.exit_code == 1 and result.stdout == "" and "Traceback" not in result.output
        assert result.stderr.startswith("error: no articles in ")


def test_batch_on_a_data_dir_with_no_articles(run_cli: RunCli, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("Raqqa\nDaesh\n", encoding="utf-8")
    result = run_cli("search", "--batch", queries, "--json")
    assert result.exit_code == 1 and result.stderr.startswith("error: no articles in ")


# -- batch ---------------------------------------------------------------------------------------------------------
def batch_lines(result: CliResult) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_batch_plain_text_one_line_per_query(run_cli: RunCli, seeded: None, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("Raqqa civilians\n\n2,000 militants\nNEAR(\"unbalanced\n", encoding="utf-8")
    lines = batch_lines(run_cli("search", "--batch", queries, "--json", "--k", "3"))
    assert [line["id"] for line in lines] == ["1", "3", "4"]  # ids are line numbers; blank lines skipped
    assert [line["query"] for line in lines] == ["Raqqa civilians", "2,000 militants", 'NEAR("unbalanced']
    assert all(line["mode"] == "hybrid" and len(line["results"]) <= 3 for line in lines)
    assert "2,000" in lines[1]["results"][0]["text"]


def test_batch_jsonl_echoes_ids(run_cli: RunCli, seeded: None, tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    records = [{"id": "claim-7", "query": "Airwars says 744 civilians were killed"},
               {"id": 42, "query": "Rupert Jones"}, {"id": "empty", "query": ""}]
    queries.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    lines = batch_lines(run_cli("search", "--batch", queries, "--json", "--mode", "lexical"))
    assert [line["id"] for line in lines] == ["claim-7", "42", "empty"]
    assert all(line["mode"] == "lexical" for line in lines)
    assert "744" in lines[0]["results"][0]["text"]
    assert lines[2]["results"] == []


def test_batch_matches_single_queries(run_cli: RunCli, seeded: None, tmp_path: Path) -> None:
    queries = ["Raqqa civilians", "liberation of Mosul", "U.S. Army Col. Ryan Dillon"]
    path = tmp_path / "queries.txt"
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    lines = batch_lines(run_cli("search", "--batch", path, "--json"))
    for query, line in zip(queries, lines, strict=True):
        assert line["results"] == search_json(run_cli, query)["results"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": 1, "query": "Raqqa"}\n{"id": 2, "query": \n', "malformed JSON"),
    ('{"id": 1, "question": "Raqqa"}\n', "'query' or 'text'"),
])
def test_a_bad_batch_line_is_a_one_line_error_and_the_rest_still_run(
        run_cli: RunCli, seeded: None, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "queries.jsonl"
    path.write_text(content + "Mosul\n", encoding="utf-8")
    result = run_cli("search", "--batch", path, "--json")
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    answered = [line for line in map(json.loads, result.stdout.splitlines()) if "results" in line]
    assert answered and answered[-1]["query"] == "Mosul" and answered[-1]["results"]


def test_query_and_batch_together_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "queries.txt"
    path.write_text("Raqqa\n", encoding="utf-8")
    result = run_cli("search", "Raqqa", "--batch", path)
    assert result.exit_code == 2 and "not both" in result.stderr


def test_article_text_is_never_read_as_markup(run_cli: RunCli, ingest_ok: Any, corpus: Path) -> None:
    (corpus / "brackets.txt").write_text("Markup [/] and [bold red]loud[/bold red] words about Raqqa here.\n",
                                         encoding="utf-8")
    ingest_ok(corpus)
    result = run_cli("search", "Raqqa")
    assert result.exit_code == 0, result.output
    assert "[bold red]loud[/bold red]" in result.stdout
