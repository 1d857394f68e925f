"""Chunk offsets: every chunk is exactly `article.text[start:end]`, on awkward text and through the real CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from assistant.ingest.chunking import chunk_article, sentence_spans
from assistant.ingest.metadata import split_preamble
from tests.helpers import OpenStore, RunCli

PIECES = ["U.S. Army Col. Ryan Dillon said.", "“Quoted!” he said.", "\n\n", "\n", " ", "\t", "\u00a0", "\u200b",
          "http://example.com/" + "x" * 300, "e.g. this", "A. B. Smith", "…", "Wow?!", "'single'", "(aside.)",
          "1.5 million", "é", "🙂", "Mr.", "Dr. No.", "end.", "word" * 50, "Mosul” in Iraq."]


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", "  "]) for _ in range(rng.randint(1, 60)))


@pytest.mark.parametrize(("target", "overlap"), [(100, 0), (100, 2), (250, 1), (700, 1)])
def test_chunks_are_exact_trimmed_spans_covering_the_text(target: int, overlap: int) -> None:
    rng = random.Random(target * 10 + overlap)
    for _ in range(300):
        body, _, _ = split_preamble(_random_text(rng))
        if not body:
            continue
        chunks = chunk_article("a", body, target, overlap)
        assert chunks
        covered: set[int] = set()
        for index, chunk in enumerate(chunks):
            assert chunk.index == index and chunk.id == f"a:{index:04d}"
            assert body[chunk.start:chunk.end] == chunk.text
            assert chunk.text == chunk.text.strip() and chunk.text
            assert len(chunk.text) <= target
            covered.update(range(chunk.start, chunk.end))
        missing = [i for i, char in enumerate(body) if not char.isspace() and i not in covered]
        assert not missing, f"text left out of every chunk: {body[missing[0]:missing[0] + 40]!r}"


def test_abbreviations_do_not_end_sentences() -> None:
    text = ("British Maj. Gen. Rupert Jones told reporters. U.S. Army Col. Ryan Dillon estimates 2,000 militants. "
            "J. Smith agreed, e.g. on Raqqa.")
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == ["British Maj. Gen. Rupert Jones told reporters.",
                         "U.S. Army Col. Ryan Dillon estimates 2,000 militants.", "J. Smith agreed, e.g. on Raqqa."]


def test_a_time_goes_on_with_its_zone() -> None:
    # a wheel user's claim "... tour at 1 p.m. ET on March 5." was checked as two claims, "ET on March 5." supported
    text = "Students can watch the tour at 1 p.m. ET on March 5. The show ends at 10 p.m. Then the crowd left."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Students can watch the tour at 1 p.m. ET on March 5.", "The show ends at 10 p.m.", "Then the crowd left."]


def test_offsets_hold_for_every_format_through_the_cli(corpus: Path, run_cli: RunCli, open_store: OpenStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CHUNK_CHARS", "120")
    rng = random.Random(7)
    (corpus / "crlf.txt").write_bytes(("Line one.\r\nLine two, with “quotes”.\r\n\r\n" * 20).encode())
    (corpus / "odd.txt").write_text(_random_text(rng) + " The end.")
    (corpus / "post.md").write_text("---\ntitle: Post\n---\n" + "Para one. Para two?\n\n" * 15)
    (corpus / "page.html").write_text("<html><body><article>" + "<p>The council met on Monday. It voted.</p>" * 15
                                      + "</article></body></html>")
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps({"text": _random_text(rng) + " Done."})
                                                 for _ in range(5)))
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    with open_store() as store:
        articles = {a.id: a for a in store.articles()}
        chunks = store.catalog.chunks_by_id(sorted(store.catalog.all_chunk_ids()))
    assert len(articles) == 9 and len(chunks) == result.json()["chunks"] > len(articles)
    for chunk in chunks.values():
        text = articles[chunk.article_id].text
        assert text[chunk.start:chunk.end] == chunk.text
        assert "\r" not in chunk.text
