"""Check code runs on any Corpus: here an in-memory one, with no Chroma or SQLite store anywhere."""

from __future__ import annotations

from pathlib import Path

from assistant.check.check import check_text
from assistant.store.corpus import Corpus
from assistant.store.embeddings import LocalMiniLM
from tests.fakes.memory_corpus import MemoryCorpus, make_article

AIRWARS = ("The coalition says its strikes are precise. But Airwars, a London-based collective of journalists and "
           "researchers that tracks civilian deaths in Iraq and Syria, says 744 civilians were killed in coalition "
           "strikes in Syria and Iraq in the month of June alone. The group publishes its figures monthly.")
WEATHER = "Heavy rain is expected across the north of England this weekend, forecasters said on Friday."


def test_a_check_on_an_in_memory_corpus_contradicts_a_wrong_number(shared_embedder: LocalMiniLM,
                                                                     data_dir: Path) -> None:
    corpus: Corpus = MemoryCorpus(shared_embedder, [
        make_article(AIRWARS, title="Coalition strikes", source="wire", date="2017-07-24"),
        make_article(WEATHER, title="Weather", source="local", date="2017-07-21"),
    ])
    result = check_text(corpus, "Airwars says 603 civilians were killed in coalition strikes in June.", None, "local")
    [verdict] = result.claims
    assert verdict.verdict == "contradicted", verdict
    assert verdict.decided_by.startswith("number: claim 603, source 744"), verdict.decided_by
    quote = verdict.citations[0]
    article = corpus.article(quote.article_id)
    assert article is not None and article.text[quote.start:quote.end] == quote.quote and "744" in quote.quote
    assert not data_dir.exists(), "a store was opened"
