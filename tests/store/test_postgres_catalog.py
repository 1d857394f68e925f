"""The Postgres catalog on a real PostgreSQL server on 127.0.0.1: visibility by status, the lexical index's
query-side behaviour (hostile input is text, numbers and abbreviations match as written), filters, and the
one-writer lock."""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from assistant.store.corpus import FileRecord, PreparedArticle
from assistant.store.postgres_catalog import PostgresCatalog, index_words, tsquery_terms
from assistant.store.writer_lock import WriterBusyError, hold
from assistant.types import Article, ArticleMeta, Chunk, Filters

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgres")]  # one server per run, not per worker


def _item(article_id: str, text: str, source: str = "Herald", date: str | None = "2017-07-24") -> PreparedArticle:
    article = Article(id=article_id, text=text, meta=ArticleMeta(title=f"title {article_id}", source=source,
                                                                 date=date), origin="x", content_hash=article_id,
                      cluster=article_id, n_chunks=1)
    return PreparedArticle(article, [Chunk(id=f"{article_id}:0000", article_id=article_id, index=0, text=text,
                                           start=0, end=len(text))], np.arange(4, dtype=np.uint64))


ARTICLES = [
    _item("a1", "U.S. Army Col. Ryan Dillon estimates there are around 2,000 Daesh militants in the northern city."),
    _item("a2", "Airwars says 744 civilians were killed in coalition strikes in June.", source="Airwars",
          date="2017-06-30"),
    _item("a3", "Warming oceans and rising emissions: the café owner (Zoë) said nothing about it.", source="Post",
          date=None),
]


@pytest.fixture
def catalog(postgres_url: str) -> Iterator[PostgresCatalog]:
    opened = PostgresCatalog(postgres_url, "articles")
    opened.add_pending(ARTICLES)
    opened.publish(ARTICLES, [FileRecord("/news/a.jsonl", "f1", ["a1", "a2", "a3"])], [])
    yield opened
    opened.close()


def _ids(hits: list[tuple[str, float]]) -> list[str]:
    return [chunk_id.split(":")[0] for chunk_id, _ in hits]


def test_words_are_split_and_folded_as_fts5_does() -> None:
    assert index_words("U.S. long-term café, 2,000") == "u s long term cafe 2 000"
    assert [query for query, _, _ in tsquery_terms("How many U.S. troops: 2,000?")] == [
        "'many'", "'u' <-> 's'", "'troop':*", "'2' <-> '000'"]
    assert tsquery_terms("the of and") == []


def test_numbers_abbreviations_and_inflections_match_as_written(catalog: PostgresCatalog) -> None:
    assert _ids(catalog.lexical_search("2,000 militants", 5, Filters()))[0] == "a1"
    assert _ids(catalog.lexical_search("U.S.", 5, Filters())) == ["a1"]
    assert _ids(catalog.lexical_search("744", 5, Filters())) == ["a2"]
    assert _ids(catalog.lexical_search("warmed emission", 5, Filters())) == ["a3"]  # stems as prefixes
    assert _ids(catalog.lexical_search("Cafe Zoe", 5, Filters())) == ["a3"]  # diacritics folded on both sides
    assert catalog.lexical_search("2,001", 5, Filters()) == []


@pytest.mark.parametrize("hostile", ["'; DROP TABLE factcheck_chunks; --", "a & | ! <-> :* ( ) \\ '' \"",
                                     "militants:* & !city", "NEAR(x y) OR AND NOT *", "\x00 \u202e"])
def test_hostile_query_text_is_only_words(catalog: PostgresCatalog, hostile: str) -> None:
    catalog.lexical_search(hostile, 5, Filters())  # never a syntax error
    assert catalog.count_chunks() == 3
    assert _ids(catalog.lexical_search("militants:* & !city", 5, Filters())) == ["a1"]


def test_filters_apply_before_ranking_and_only_ready_articles_are_seen(catalog: PostgresCatalog) -> None:
    assert _ids(catalog.lexical_search("civilians militants", 5, Filters(sources=["Airwars"]))) == ["a2"]
    assert _ids(catalog.lexical_search("civilians militants", 5, Filters(since="2017-07-01"))) == ["a1"]
    pending = _item("a4", "Pending militants are not visible yet.")
    catalog.add_pending([pending])
    assert "a4" not in _ids(catalog.lexical_search("militants", 5, Filters()))
    assert catalog.unfinished_article_ids() == ["a4"]
    assert catalog.article("a4") is None and catalog.ready_article_ids(["a1", "a4"]) == {"a1"}
    catalog.delete_articles(["a4"])
    assert catalog.unfinished_article_ids() == [] and catalog.count_chunks() == 3


def test_ledger_and_reads(catalog: PostgresCatalog) -> None:
    assert catalog.file_hash("/news/a.jsonl") == "f1" and catalog.file_articles("/news/a.jsonl") == ["a1", "a2", "a3"]
    assert catalog.articles_referenced_elsewhere(["a1", "a9"], "/other.jsonl") == {"a1"}
    assert [a.id for a in catalog.articles()] == ["a3", "a2", "a1"]  # undated first, then by date
    catalog.mark_deleting(["a2"], forget_files=True)
    assert catalog.file_hash("/news/a.jsonl") is None and catalog.unfinished_article_ids() == ["a2"]
    assert {signature[0] for signature in catalog.signatures()} == {"a1", "a3"}


def test_one_writer_at_a_time_per_collection(postgres_url: str) -> None:
    first, second = PostgresCatalog(postgres_url, "articles"), PostgresCatalog(postgres_url, "articles")
    other = PostgresCatalog(postgres_url, "other-desk")
    waited_for: list[int | None] = []
    order: list[str] = []
    try:
        with hold(first.writer_lock(), wait=False, on_wait=waited_for.append):
            busy = r"another ingest is writing to this collection \(pid \d+\); not waiting"
            with pytest.raises(WriterBusyError, match=busy), hold(second.writer_lock(), wait=False,
                                                                 on_wait=waited_for.append):
                pass
            with hold(other.writer_lock(), wait=False, on_wait=waited_for.append):  # another collection: free
                pass

            def wait_then_write() -> None:
                with hold(second.writer_lock(), wait=True, on_wait=waited_for.append):
                    order.append("second")

            waiter = threading.Thread(target=wait_then_write)
            waiter.start()
            deadline = time.monotonic() + 10
            while not waited_for and time.monotonic() < deadline:
                time.sleep(0.02)
            order.append("first done")
        waiter.join(timeout=10)
        assert order == ["first done", "second"]
        assert waited_for == [os.getpid()]  # the holder's pid, for the "waiting" notice
    finally:
        for catalog in (first, second, other):
            catalog.close()


def test_ledger_sources_and_forgetting_files(catalog: PostgresCatalog) -> None:
    assert catalog.ledger() == {"/news/a.jsonl": ["a1", "a2", "a3"]}
    assert sorted(catalog.source_names()) == ["Airwars", "Herald", "Post"]
    assert catalog.forget_files(["/news/a.jsonl"]) == ["a1", "a2", "a3"]  # no other file holds them
    assert catalog.ledger() == {} and catalog.unfinished_article_ids() == ["a1", "a2", "a3"]


def test_ranking_is_bm25_from_the_posting_lists(postgres_url: str) -> None:
    """Scores equal BM25 computed here from the texts (FTS5's formula: idf floored at 1e-6, k1 1.2, b 0.75, exact
    term frequencies), for words, prefixes and filters; removing chunks takes them out of the posting lists."""
    rng = np.random.default_rng(7)
    vocabulary = [f"w{n}" for n in range(400)]
    odds = 1.0 / np.arange(1, len(vocabulary) + 1)  # Zipf: w0 is in most chunks, w399 in few
    odds /= odds.sum()
    texts = [" ".join(rng.choice(vocabulary, size=int(rng.integers(5, 40)), p=odds)) for _ in range(300)]
    items = [_item(f"z{n}", text, source="Herald" if n % 3 else "Post") for n, text in enumerate(texts)]
    words = [index_words(t).split() for t in texts]
    mean = sum(map(len, words)) / len(words)

    def expected(query: list[str], keep: set[int]) -> list[tuple[str, float]]:
        scores: dict[int, float] = {}
        for term in query:
            df = sum(1 for w in words if term in w)
            idf = max(math.log((len(words) - df + 0.5) / (df + 0.5)), 1e-6)
            for n, w in enumerate(words):
                tf = w.count(term)
                if tf and n in keep:
                    scores[n] = scores.get(n, 0.0) + idf * 2.2 * tf / (tf + 1.2 * (0.25 + 0.75 * len(w) / mean))
        best = sorted(scores.items(), key=lambda kv: (-kv[1], f"z{kv[0]}:0000"))[:5]
        return [(f"z{n}:0000", round(v, 6)) for n, v in best]

    catalog = PostgresCatalog(postgres_url, "zipf")
    try:
        catalog.add_pending(items)
        catalog.publish(items, [FileRecord("/zipf.jsonl", "z", [i.article.id for i in items])], [])
        everyone, post = set(range(len(texts))), {n for n in range(len(texts)) if n % 3 == 0}
        for _ in range(20):
            query = [str(w) for w in rng.choice(vocabulary[:120], size=4, replace=False)]
            found = catalog.lexical_search(" ".join(query), 5, Filters())
            assert [(i, round(s, 6)) for i, s in found] == expected(query, everyone), query
            in_post = catalog.lexical_search(" ".join(query), 5, Filters(sources=["Post"]))
            assert [(i, round(s, 6)) for i, s in in_post] == expected(query, post), query
        catalog.add_pending([items[0]])  # re-written: its rows are replaced, not doubled
        catalog.publish([items[0]], [], [])
        catalog.delete_articles(["z1"])
        rows = catalog.raw().execute("SELECT count(*), count(DISTINCT (lexeme, chunk_id)) FROM factcheck_postings "
                                     "WHERE collection = 'zipf'").fetchone()
        assert rows[0] == rows[1] == sum(len(set(w)) for n, w in enumerate(words) if n != 1)
    finally:
        catalog.close()


def test_a_collection_written_before_the_posting_lists_gets_them_on_open(postgres_url: str) -> None:
    items = [_item("old1", "Airwars says 744 civilians were killed in June."),
             _item("old2", "The coalition disputes the Airwars figures for June.")]
    catalog = PostgresCatalog(postgres_url, "before-postings")
    try:
        catalog.add_pending(items)
        catalog.publish(items, [FileRecord("/old.jsonl", "o", ["old1", "old2"])], [])
        ranked = catalog.lexical_search("Airwars June", 5, Filters())
        catalog.raw().execute("DELETE FROM factcheck_postings WHERE collection = 'before-postings'")
        catalog.raw().commit()
        assert catalog.lexical_search("Airwars June", 5, Filters()) == []
    finally:
        catalog.close()
    reopened = PostgresCatalog(postgres_url, "before-postings")
    try:
        assert ranked and reopened.lexical_search("Airwars June", 5, Filters()) == ranked
    finally:
        reopened.close()
