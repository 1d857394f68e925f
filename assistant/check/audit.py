"""`audit`: statements in the corpus that contradict each other, across story clusters or outlets.

Every sentence that carries a checkable slot (a number, a year, a speaker) is embedded; for each, its nearest
sentences in other articles of another story or outlet are compared with the local verifier's slot checks.
A conflict is reported once per pair, with both quotes verified against their articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from assistant.check.citations import verified
from assistant.check.evidence import Sentence
from assistant.check.slots import extract
from assistant.check.verify_local import judge
from assistant.store.store import Store
from assistant.text import sentence_spans
from assistant.types import Article, Citation, Passage

SIMILAR = 0.6  # cosine similarity above which two sentences are taken to speak of the same thing
NEIGHBOURS = 8
BLOCK = 2048


class Conflict(BaseModel):
    kind: str  # number, date, attribution, negation, antonym
    decided_by: str
    similarity: float
    a: Citation
    b: Citation


class AuditReport(BaseModel):
    articles: int
    sentences_compared: int
    conflicts: list[Conflict]


@dataclass
class _Statement:
    article: Article
    sentence: Sentence


def _statements(articles: Sequence[Article]) -> list[_Statement]:
    found = []
    for article in articles:
        whole = Passage(chunk_id=f"{article.id}:all", article_id=article.id, title=article.meta.title,
                        source=article.meta.source, date=article.meta.date, text=article.text, start=0,
                        end=len(article.text), score=0.0, cluster=article.cluster)
        for start, end in sentence_spans(article.text):
            slots = extract(article.text[start:end])
            if slots.quantities or slots.years or slots.attribution:
                found.append(_Statement(article, Sentence(passage=whole, number=0, start=start, end=end)))
    return found


def audit(store: Store, limit: int = 20_000) -> AuditReport:
    articles = store.articles()
    statements = _statements(articles)[:limit]
    if len(statements) < 2:
        return AuditReport(articles=len(articles), sentences_compared=len(statements), conflicts=[])
    vectors = store.embedder.embed([s.sentence.text for s in statements])
    conflicts: dict[tuple[str, str], Conflict] = {}
    for block_start in range(0, len(statements), BLOCK):
        similarity = vectors[block_start:block_start + BLOCK] @ vectors.T
        for offset, row in enumerate(similarity):
            i = block_start + offset
            for j in np.argsort(-row)[:NEIGHBOURS + 1]:
                if row[j] < SIMILAR or not _comparable(statements[i], statements[int(j)]):
                    continue
                conflict = _compare(statements[i], statements[int(j)], float(row[j]))
                if conflict is not None:
                    key = tuple(sorted((conflict.a.chunk_id + str(conflict.a.start),
                                        conflict.b.chunk_id + str(conflict.b.start))))
                    conflicts.setdefault((key[0], key[1]), conflict)
    ordered = sorted(conflicts.values(), key=lambda c: -c.similarity)
    return AuditReport(articles=len(articles), sentences_compared=len(statements), conflicts=ordered)


def _comparable(a: _Statement, b: _Statement) -> bool:
    if a.article.id == b.article.id:
        return False
    return a.article.cluster != b.article.cluster or a.article.meta.source != b.article.meta.source


def _compare(a: _Statement, b: _Statement, similarity: float) -> Conflict | None:
    verdict = judge(a.sentence.text, extract(a.sentence.text), b.sentence)
    if verdict.relation != "conflict":
        return None
    cite_a = verified(a.sentence.passage, a.sentence.text, a.article.text)
    cite_b = verified(b.sentence.passage, b.sentence.text, b.article.text)
    if cite_a is None or cite_b is None:
        return None
    return Conflict(kind=verdict.decided_by.split(":", 1)[0], decided_by=verdict.decided_by,
                    similarity=round(similarity, 3), a=cite_a, b=cite_b)
