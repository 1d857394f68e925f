"""Dedupe and idempotence across Chroma and the SQLite index: stored once, edits replace, removal is total."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.store.store import Store
from tests.helpers import Consistent, OpenStore, RunCli, fts_chunk_ids

Ingest = Callable[..., dict[str, Any]]

STORY = (
    "The city council approved a new budget for the harbour district on Monday. "
    "The plan sets aside 40 million dollars for flood defences along the waterfront. "
    "Council members debated the plan for six hours before the vote. "
    "Residents of the old quarter had asked for better drainage after last winter's storms. "
    "The mayor said work on the sea wall would begin in the spring. "
    "Opposition members said the plan did too little for public transport in the district. "
    "A second vote on the transport budget is expected next month. "
    "Engineers will publish a detailed timetable for the works in January. "
) * 2


def _ids(store: Store) -> tuple[set[str], set[str]]:
    return store.vectors.all_ids(), store.catalog.all_chunk_ids()


def test_identical_article_in_two_files_is_stored_once(corpus: Path, ingest_ok: Ingest, consistent: Consistent,
                                                        run_cli: RunCli) -> None:
    (corpus / "one.txt").write_text(STORY)
    (corpus / "two.md").write_text("---\ntitle: A reprint\n---\n" + STORY.replace(". ", ".  "))  # same words
    summary = ingest_ok(corpus)
    assert (summary["articles"], summary["duplicates"]) == (1, 1)
    chunk_ids = consistent()
    assert len(chunk_ids) == summary["chunks"]
    assert len(run_cli("sources", "--json").json()["articles"]) == 1

    again = ingest_ok(corpus)
    assert (again["articles"], again["chunks"], again["skipped"]) == (0, 0, 2)
    assert consistent() == chunk_ids


def test_duplicate_records_in_one_file(corpus: Path, ingest_ok: Ingest, consistent: Consistent) -> None:
    record = json.dumps({"text": STORY, "title": "Budget"})
    (corpus / "feed.jsonl").write_text(f"{record}\n{record}\n")
    summary = ingest_ok(corpus)
    assert (summary["articles"], summary["duplicates"]) == (1, 1)
    assert len(consistent()) == summary["chunks"]


def test_editing_a_file_replaces_its_chunks_everywhere(corpus: Path, ingest_ok: Ingest, open_store: OpenStore,
                                                       consistent: Consistent) -> None:
    path = corpus / "budget.txt"
    path.write_text(STORY + "The treasurer called the budget prudent. ")
    first = ingest_ok(corpus)
    with open_store() as store:
        old_chroma, old_sql = _ids(store)
        assert fts_chunk_ids(store, "prudent")
    assert old_chroma == old_sql and len(old_sql) == first["chunks"] > 1

    path.write_text(STORY + "The treasurer called the budget reckless. ")
    second = ingest_ok(corpus)
    assert (second["articles"], second["removed"], second["skipped"]) == (1, 1, 0)
    with open_store() as store:
        new_chroma, new_sql = _ids(store)
        assert fts_chunk_ids(store, "prudent") == set()
        assert fts_chunk_ids(store, "reckless") <= new_sql and fts_chunk_ids(store, "reckless")
        (article,) = store.articles()
    assert new_chroma == new_sql == consistent()
    assert not old_sql & new_sql, "chunk ids of the old version survived"
    assert article.text.endswith("reckless.")
    assert {cid.split(":")[0] for cid in new_sql} == {article.id}


def test_editing_one_of_two_copies_keeps_the_shared_article(corpus: Path, ingest_ok: Ingest,
                                                            open_store: OpenStore, consistent: Consistent) -> None:
    (corpus / "one.txt").write_text(STORY)
    (corpus / "two.txt").write_text(STORY)
    ingest_ok(corpus)
    shared = consistent()
    (corpus / "one.txt").write_text("A different story about the zoo and its two new elephants.")
    summary = ingest_ok(corpus)
    assert (summary["articles"], summary["removed"]) == (1, 0)  # two.txt still holds the budget story
    after = consistent()
    assert shared < after
    with open_store() as store:
        assert len(store.articles()) == 2


@pytest.mark.parametrize("new_name", ["0_moved.txt", "z_moved.txt"])  # read before and after the edited file
def test_story_moved_to_another_file_survives(new_name: str, corpus: Path, ingest_ok: Ingest, run_cli: RunCli,
                                              consistent: Consistent) -> None:
    (corpus / "m_story.txt").write_text(STORY)
    ingest_ok(corpus)
    original = consistent()
    (corpus / new_name).write_text(STORY)  # the story moves to a new file ...
    (corpus / "m_story.txt").write_text("A brand new story about the zoo and its two elephants.")  # ... and this one
    summary = ingest_ok(corpus)
    assert (summary["articles"], summary["duplicates"], summary["removed"]) == (1, 1, 0)
    assert original < consistent()
    titles = {a["title"] for a in run_cli("sources", "--json").json()["articles"]}
    assert titles == {STORY.split(". ")[0] + ".", "A brand new story about the zoo and its two elephants."}
    assert ingest_ok(corpus)["skipped"] == 2


def test_remove_deletes_from_both_indexes(corpus: Path, seeds: Path, ingest_ok: Ingest, run_cli: RunCli,
                                          open_store: OpenStore, consistent: Consistent) -> None:
    ingest_ok(seeds)
    articles = run_cli("sources", "--json").json()["articles"]
    victim, survivor = articles[0]["id"], articles[1]["id"]
    before = consistent()
    victim_chunks = {c for c in before if c.startswith(f"{victim}:")}
    assert victim_chunks and len(victim_chunks) == articles[0]["chunks"]

    result = run_cli("sources", "remove", victim, "--json")
    assert result.exit_code == 0, result.output
    assert result.json() == {"removed": victim, "title": articles[0]["title"]}
    after = consistent()
    assert after == before - victim_chunks
    with open_store() as store:
        chroma, sql = _ids(store)
        assert not (chroma | sql) & victim_chunks
        assert not any(c.startswith(f"{victim}:") for c in fts_chunk_ids(store, "Raqqa"))
        assert store.catalog.article(victim) is None
    assert [a["id"] for a in run_cli("sources", "--json").json()["articles"]] == [survivor]
    hits = run_cli("search", "Daesh militants in Raqqa", "--json", "--k", "20").json()["results"]
    assert hits and all(h["article_id"] == survivor for h in hits)

    # Ingesting its file again restores it.
    restored = ingest_ok(seeds)
    assert (restored["articles"], restored["skipped"]) == (1, 1)
    assert consistent() == before


def test_remove_unknown_id_is_a_clear_error(run_cli: RunCli, seeds: Path, ingest_ok: Ingest,
                                            consistent: Consistent) -> None:
    ingest_ok(seeds)
    before = consistent()
    result = run_cli("sources", "remove", "0123456789abcdef")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no article with id '0123456789abcdef'; see `factcheck sources`"
    assert result.stdout == ""
    assert consistent() == before


def test_sources_on_an_empty_store(run_cli: RunCli) -> None:
    listed = run_cli("sources", "--json")
    assert listed.exit_code == 0 and listed.json() == {"articles": []}
    human = run_cli("sources")
    assert human.exit_code == 0 and "No articles yet" in human.stdout


def test_same_files_through_another_path_are_skipped(corpus: Path, seeds: Path, tmp_path: Path, ingest_ok: Ingest,
                                                     consistent: Consistent) -> None:
    ingest_ok(seeds)
    before = consistent()
    link = tmp_path / "seeds-link"
    link.symlink_to(seeds, target_is_directory=True)
    again = ingest_ok(link, seeds / "000_e5096ebe9da60f70.txt")
    assert (again["files"], again["skipped"], again["chunks"]) == (2, 2, 0)
    assert consistent() == before


def test_collections_are_separate(seeds: Path, corpus: Path, run_cli: RunCli, consistent: Consistent) -> None:
    (corpus / "zoo.txt").write_text("The city zoo welcomed two elephants from a sanctuary on Friday.")
    assert run_cli("ingest", seeds, "--collection", "wire").exit_code == 0
    assert run_cli("ingest", corpus).exit_code == 0
    wire = run_cli("sources", "--collection", "wire", "--json").json()["articles"]
    default = run_cli("sources", "--json").json()["articles"]
    assert len(wire) == 2 and [a["title"] for a in default] == ["The city zoo welcomed two elephants from a "
                                                                "sanctuary on Friday."]
    assert run_cli("sources", "remove", wire[0]["id"]).exit_code == 1  # not in the default collection
    assert len(consistent("wire")) == sum(a["chunks"] for a in wire)
    assert len(consistent()) == 1
