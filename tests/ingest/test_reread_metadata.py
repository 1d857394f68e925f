"""Re-ingesting a file whose articles now read differently (another FACTCHECK_FIELD_MAP, an edit to a metadata
field only) updates their metadata everywhere it is stored: the catalog, Chroma's chunk metadata and the filters
of lexical search. Through the real CLI and the real store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.store.sqlite_catalog import SqliteCatalog
from tests.helpers import Consistent, OpenStore, RunCli

Ingest = Callable[..., dict[str, Any]]

COUNCIL = "The city council approved a new budget for road repairs on Monday after a long debate."
FLOODS = "Heavy rain flooded several streets in the old town overnight, officials said on Tuesday."
CSV = ("text,headline,kicker,outlet,desk,published_at,updated_at\n"
       f'"{COUNCIL}",Council passes road budget,Roads money agreed,Daily Gazette,City Desk,2021-03-04,2021-03-05\n'
       f'"{FLOODS}",Floods in old town,Streets under water,Evening Post,Weather Desk,2021-03-09,2021-03-10\n')
REMAPPED = "title=kicker,source=desk,date=updated_at"


def _listed(run_cli: RunCli) -> set[tuple[str, str, str]]:
    articles = run_cli("sources", "--json").json()["articles"]
    return {(a["title"], a["source"], a["date"]) for a in articles}


def _search_sources(run_cli: RunCli, *args: str) -> set[str]:
    result = run_cli("search", "budget road repairs flooded streets", "--json", *args)
    assert result.exit_code == 0, result.output
    return {r["source"] for r in result.json()["results"]}


def test_a_new_field_map_updates_the_metadata_of_an_unchanged_file(
        corpus: Path, run_cli: RunCli, ingest_ok: Ingest, consistent: Consistent,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _remap_and_back(corpus, run_cli, ingest_ok, consistent, monkeypatch)


@pytest.mark.slow
@pytest.mark.xdist_group("postgres")
def test_the_same_on_the_shared_backend(postgres_url: str, chroma_url: str, corpus: Path, run_cli: RunCli,
                                        ingest_ok: Ingest, consistent: Consistent,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", postgres_url)
    monkeypatch.setenv("FACTCHECK_CHROMA_URL", chroma_url)
    _remap_and_back(corpus, run_cli, ingest_ok, consistent, monkeypatch)


def _remap_and_back(corpus: Path, run_cli: RunCli, ingest_ok: Ingest, consistent: Consistent,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "feed.csv").write_text(CSV)
    first = ingest_ok(corpus)
    assert (first["articles"], first["updated"]) == (2, 0)
    chunk_ids = consistent()
    assert _listed(run_cli) == {("Council passes road budget", "Daily Gazette", "2021-03-04"),
                                ("Floods in old town", "Evening Post", "2021-03-09")}

    monkeypatch.setenv("FACTCHECK_FIELD_MAP", REMAPPED)
    second = ingest_ok(corpus)
    assert (second["skipped"], second["updated"], second["articles"], second["chunks"], second["duplicates"],
            second["removed"]) == (0, 2, 0, 0, 0, 0)
    assert _listed(run_cli) == {("Roads money agreed", "City Desk", "2021-03-05"),
                                ("Streets under water", "Weather Desk", "2021-03-10")}
    assert consistent() == chunk_ids  # the same chunks; Chroma's metadata agrees with the catalog's (checked there)
    for mode in ("dense", "lexical"):  # each index filters on the new metadata
        assert _search_sources(run_cli, "--mode", mode, "--source", "city desk") == {"City Desk"}
        assert _search_sources(run_cli, "--mode", mode, "--since", "2021-03-10") == {"Weather Desk"}
    unknown = run_cli("search", "budget", "--source", "Daily Gazette")
    assert unknown.exit_code == 1 and "unknown source 'Daily Gazette'" in unknown.stderr

    human = run_cli("ingest", corpus)  # the same map again: unchanged
    assert human.exit_code == 0 and "1 skipped (unchanged), 0 duplicates, 0 updated" in human.stdout

    monkeypatch.delenv("FACTCHECK_FIELD_MAP")  # back to the names read without a map
    back = run_cli("ingest", corpus)
    assert back.exit_code == 0, back.output
    assert "0 skipped (unchanged), 0 duplicates, 2 updated, 0 replaced" in back.stdout
    assert _listed(run_cli) == {("Council passes road budget", "Daily Gazette", "2021-03-04"),
                                ("Floods in old town", "Evening Post", "2021-03-09")}
    assert consistent() == chunk_ids


def test_editing_only_a_metadata_field_updates_the_article(corpus: Path, run_cli: RunCli, ingest_ok: Ingest,
                                                           consistent: Consistent) -> None:
    path = corpus / "feed.csv"
    path.write_text(CSV)
    ingest_ok(corpus)
    chunk_ids = consistent()
    path.write_text(CSV.replace("Floods in old town,", "Old town flooded,").replace(",2021-03-09,", ",,"))
    again = ingest_ok(corpus)
    assert (again["updated"], again["unchanged"], again["duplicates"], again["articles"], again["removed"]) == (
        1, 1, 0, 0, 0)
    assert ("Old town flooded", "Evening Post", None) in _listed(run_cli)  # the date it lost is gone ...
    assert consistent() == chunk_ids  # ... from Chroma's chunk metadata too
    assert _search_sources(run_cli, "--since", "2021-01-01") == {"Daily Gazette"}


def test_a_record_appended_to_a_feed_adds_one_article_and_keeps_the_others(corpus: Path, ingest_ok: Ingest,
                                                                          consistent: Consistent) -> None:
    path = corpus / "feed.csv"
    path.write_text(CSV)
    ingest_ok(corpus)
    chunk_ids = consistent()
    path.write_text(CSV + '"The harbour board elected a new chair on Tuesday by five votes to four.",Harbour vote,'
                          'New chair,Coast News,Port Desk,2021-03-11,2021-03-11\n')
    again = ingest_ok(corpus)
    # the two stored articles are this file's own, read again as they were: not copies of anything
    assert (again["articles"], again["unchanged"], again["duplicates"], again["updated"]) == (1, 2, 0, 0)
    assert chunk_ids < consistent()


def test_a_copy_in_another_file_does_not_take_over_the_metadata(corpus: Path, run_cli: RunCli, ingest_ok: Ingest,
                                                                consistent: Consistent,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "a.csv").write_text(CSV)
    (corpus / "b.csv").write_text(CSV.replace("City Desk", "Metro Desk").replace("Weather Desk", "Metro Desk"))
    ingest_ok(corpus)
    monkeypatch.setenv("FACTCHECK_FIELD_MAP", REMAPPED)
    again = ingest_ok(corpus)
    assert (again["updated"], again["duplicates"]) == (2, 2)  # a.csv stored them first: its metadata stays theirs
    assert {source for _, source, _ in _listed(run_cli)} == {"City Desk", "Weather Desk"}
    consistent()


def test_a_run_killed_before_the_update_is_published_leaves_the_old_metadata(
        corpus: Path, run_cli: RunCli, ingest_ok: Ingest, consistent: Consistent, open_store: OpenStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "feed.csv").write_text(CSV)
    ingest_ok(corpus)
    before = _listed(run_cli)
    monkeypatch.setenv("FACTCHECK_FIELD_MAP", REMAPPED)

    def killed(*_args: object) -> None:  # a second Ctrl-C (quit at once) after Chroma took the new metadata
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(SqliteCatalog, "publish", killed)
        assert run_cli("ingest", corpus).exit_code != 0
    with open_store() as store:
        assert store.catalog.restating_article_ids()
        assert {m["source"] for m in store.vectors.metadatas().values()} == {"City Desk", "Weather Desk"}
        store.recover()  # what the next ingest (or removal) does first
        assert not store.catalog.restating_article_ids()
    consistent()  # Chroma has the catalog's metadata back
    assert _listed(run_cli) == before  # nothing of the update is visible

    again = ingest_ok(corpus)
    assert again["updated"] == 2
    assert {source for _, source, _ in _listed(run_cli)} == {"City Desk", "Weather Desk"}
    consistent()
