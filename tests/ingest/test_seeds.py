"""Acceptance on the shipped seeds: two syndicated copies of one story, feed debris kept out of the text."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.helpers import CliResult, Consistent, OpenStore, RunCli


def _ingest_seeds(run_cli: RunCli, seeds: Path) -> CliResult:
    result = run_cli("ingest", seeds, "--json")
    assert result.exit_code == 0, result.output
    return result


def test_seeds_become_two_dated_articles_of_one_story(run_cli: RunCli, seeds: Path) -> None:
    report = _ingest_seeds(run_cli, seeds).json()
    assert (report["files"], report["articles"], report["failed"], report["errors"]) == (2, 2, 0, [])
    assert report["chunks"] > 2

    listed = run_cli("sources", "--json")
    assert listed.exit_code == 0, listed.output
    articles = listed.json()["articles"]
    assert len(articles) == 2
    assert [a["date"] for a in articles] == ["2017-07-24", "2017-07-24"]
    assert articles[0]["cluster"] == articles[1]["cluster"] != ""
    assert sum(a["chunks"] for a in articles) == report["chunks"]
    # The undated copy takes the date of its dated syndicated copy, and says so.
    assert sorted(a["date_inferred"] for a in articles) == [False, True]


def test_feed_debris_is_not_article_text(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    _ingest_seeds(run_cli, seeds)
    with open_store() as store:
        articles = store.articles()
        chunks = store.catalog.chunks_by_id(sorted(store.catalog.all_chunk_ids()))
    assert len(articles) == 2
    for article in articles:
        assert not article.text.lower().startswith("date"), article.text[:40]
        assert article.text.startswith("AIN ISSA, Syria")
        assert "(AFP photo)" not in article.text
        assert not article.text.endswith("|")
    captions = [a.meta.caption for a in articles if a.meta.caption]
    assert len(captions) == 1 and captions[0].endswith("(AFP photo)")
    assert all("AFP photo" not in c.text and "date 2017-07-24" not in c.text for c in chunks.values())

    found = run_cli("search", "Syrians clear up the rubble of their houses", "--json", "--k", "20")
    assert found.exit_code == 0, found.output
    texts = [r["text"] for r in found.json()["results"]]
    assert texts, "search returned nothing"
    assert not any("(AFP photo)" in t or t.startswith("date 2017") for t in texts)


def test_reingesting_the_seeds_adds_nothing(run_cli: RunCli, seeds: Path, consistent: Consistent) -> None:
    first = _ingest_seeds(run_cli, seeds).json()
    again = _ingest_seeds(run_cli, seeds).json()
    assert (again["chunks"], again["articles"], again["skipped"], again["failed"]) == (0, 0, 2, 0)
    assert len(run_cli("sources", "--json").json()["articles"]) == 2
    assert len(consistent()) == first["chunks"]


def test_every_chunk_is_a_span_of_its_article(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    _ingest_seeds(run_cli, seeds)
    with open_store() as store:
        articles = {a.id: a for a in store.articles()}
        chunks = store.catalog.chunks_by_id(sorted(store.catalog.all_chunk_ids()))
    assert len(chunks) == sum(a.n_chunks for a in articles.values())
    for chunk in chunks.values():
        article = articles[chunk.article_id]
        assert 0 <= chunk.start < chunk.end <= len(article.text)
        assert article.text[chunk.start:chunk.end] == chunk.text, chunk.id
    # Consecutive chunks of an article cover it in order and overlap (by whole sentences) or touch.
    for article in articles.values():
        spans = sorted((c.index, c.start, c.end) for c in chunks.values() if c.article_id == article.id)
        assert [s[0] for s in spans] == list(range(article.n_chunks))
        assert spans[0][1] == 0 and spans[-1][2] == len(article.text)
        for (_, start_a, end_a), (_, start_b, _) in itertools.pairwise(spans):
            assert start_a < start_b <= end_a + 2
