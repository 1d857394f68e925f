"""An in-memory Corpus (assistant/store/corpus.py): articles chunked and embedded in a list, searched by brute
force. It lets check and retrieval code run without Chroma or SQLite; it is a test double of the storage, not
of the reasoning (the embedder passed in is whatever the test chooses, usually the real one)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.ingest.chunking import chunk_article
from assistant.store.corpus import Hit, text_hash
from assistant.store.embeddings import Embedder
from assistant.text import content_terms
from assistant.types import Article, ArticleMeta, Chunk, Filters, Passage


def make_article(text: str, *, title: str = "", source: str = "", date: str | None = None,
                 cluster: str = "") -> Article:
    article_id = text_hash(text)[:16]
    return Article(id=article_id, text=text, meta=ArticleMeta(title=title, source=source, date=date),
                   origin="memory", content_hash=text_hash(text), cluster=cluster or article_id)


class MemoryCorpus:
    def __init__(self, embedder: Embedder, articles: Sequence[Article], chunk_chars: int = 700) -> None:
        self._embedder = embedder
        self._articles = {a.id: a for a in articles}
        self._chunks: list[Chunk] = [c for a in articles for c in chunk_article(a.id, a.text, chunk_chars)]
        for article in self._articles.values():
            article.n_chunks = sum(c.article_id == article.id for c in self._chunks)
        self._vectors = embedder.embed([c.text for c in self._chunks])

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def dense(self, query: str, k: int, filters: Filters) -> list[Hit]:
        similarities = self._vectors @ self._embedder.embed([query])[0]
        return self._best(((c, float(s)) for c, s in zip(self._chunks, similarities, strict=True)), k, filters)

    def lexical(self, query: str, k: int, filters: Filters) -> list[Hit]:
        terms = content_terms(query)
        scored = ((c, float(len(terms & content_terms(c.text)))) for c in self._chunks)
        return self._best(((c, s) for c, s in scored if s > 0), k, filters)

    def _best(self, scored: Iterable[tuple[Chunk, float]], k: int, filters: Filters) -> list[Hit]:
        kept = [(c.id, s) for c, s in scored if self._passes(self._articles[c.article_id], filters)]
        return sorted(kept, key=lambda hit: -hit[1])[:k]

    @staticmethod
    def _passes(article: Article, filters: Filters) -> bool:
        date = article.meta.date
        return ((not filters.sources or article.meta.source in filters.sources)
                and (filters.since is None or (date is not None and date >= filters.since))
                and (filters.until is None or (date is not None and date <= filters.until)))

    def passages(self, hits: Sequence[Hit]) -> list[Passage]:
        by_id = {c.id: c for c in self._chunks}
        found = []
        for chunk_id, score in hits:
            chunk = by_id.get(chunk_id)
            if chunk is None:
                continue
            article = self._articles[chunk.article_id]
            found.append(Passage(chunk_id=chunk.id, article_id=article.id, title=article.meta.title,
                                 source=article.meta.source, date=article.meta.date, text=chunk.text,
                                 start=chunk.start, end=chunk.end, score=round(score, 6), cluster=article.cluster))
        return found

    def article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        return {i: self._articles[i] for i in ids if i in self._articles}

    def articles(self) -> list[Article]:
        return sorted(self._articles.values(), key=lambda a: (a.meta.date or "", a.meta.title, a.id))

    def chunk_neighbours(self, chunk_ids: Sequence[str], k: int) -> dict[str, list[Hit]]:
        index = {c.id: n for n, c in enumerate(self._chunks)}
        found: dict[str, list[Hit]] = {}
        for chunk_id in chunk_ids:
            if chunk_id not in index:
                continue
            similarities = self._vectors @ self._vectors[index[chunk_id]]
            ranked = sorted(((c.id, float(s)) for c, s in zip(self._chunks, similarities, strict=True)
                             if c.id != chunk_id), key=lambda hit: -hit[1])
            found[chunk_id] = ranked[:k]
        return found
