"""`audit`: statements in the corpus that contradict each other, across story clusters or outlets.

Every full sentence (8 words or more: menu fragments and captions are not statements) that carries a checkable
slot (a number, a year, a speaker) is embedded; for each, its nearest sentences in other articles of another
story or outlet are read by the entailment model in both directions. A pair is a conflict when the model finds
contradiction both ways (and they are not copies of one statement), or when a slot rule names a difference (a
number, a year, a name, a speaker) and the model does not find them in agreement.
Reported once per pair, with both quotes verified against their articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from assistant.check.citations import verified
from assistant.check.entailment import EntailmentModel, shipped_model
from assistant.check.evidence import Sentence
from assistant.check.features import restates
from assistant.check.slots import extract
from assistant.check.verify_local import judge
from assistant.store.corpus import Corpus
from assistant.text import sentence_spans
from assistant.types import Article, Citation, Passage

SIMILAR = 0.6  # cosine similarity above which two sentences are taken to speak of the same thing
NEIGHBOURS = 8
CONTRADICTION = 0.8  # p(contradiction) in both directions, when no slot rule names the difference
AGREES = 0.5  # p(entailment) both ways above which a named slot difference is not a conflict
MIN_WORDS = 8
RESTYLED = 0.8  # share of each statement's words the other uses, above which they are edited copies
BLOCK = 2048


class Conflict(BaseModel):
    kind: str  # number, date, attribution, name, antonym, or meaning (the model's reading; no slot rule names it)
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
            if len(article.text[start:end].split()) < MIN_WORDS:
                continue
            slots = extract(article.text[start:end])
            if slots.quantities or slots.years or slots.attribution:
                found.append(_Statement(article, Sentence(passage=whole, number=0, start=start, end=end)))
    return found


def audit(store: Corpus, limit: int = 20_000, model: EntailmentModel | None = None) -> AuditReport:
    articles = store.articles()
    statements = _statements(articles)[:limit]
    if len(statements) < 2:
        return AuditReport(articles=len(articles), sentences_compared=len(statements), conflicts=[])
    vectors = store.embedder.embed([s.sentence.text for s in statements])
    pairs: dict[tuple[int, int], float] = {}
    for block_start in range(0, len(statements), BLOCK):
        similarity = vectors[block_start:block_start + BLOCK] @ vectors.T
        for offset, row in enumerate(similarity):
            i = block_start + offset
            for j in np.argsort(-row)[:NEIGHBOURS + 1]:
                if row[j] >= SIMILAR and _comparable(statements[i], statements[int(j)]):
                    pairs.setdefault((min(i, int(j)), max(i, int(j))), float(row[j]))
    found = _conflicts(statements, pairs, model or shipped_model())
    return AuditReport(articles=len(articles), sentences_compared=len(statements),
                       conflicts=sorted(found, key=lambda c: -c.similarity))


def _comparable(a: _Statement, b: _Statement) -> bool:
    if a.article.id == b.article.id:
        return False
    return a.article.cluster != b.article.cluster or a.article.meta.source != b.article.meta.source


def _conflicts(statements: list[_Statement], pairs: dict[tuple[int, int], float],
               model: EntailmentModel) -> list[Conflict]:
    texts = [s.sentence.text for s in statements]
    ordered = list(pairs)
    forward = model.score_pairs([(texts[i], texts[j]) for i, j in ordered])
    backward = model.score_pairs([(texts[j], texts[i]) for i, j in ordered])
    found = []
    for (i, j), ab, ba in zip(ordered, forward, backward, strict=True):
        contradiction = min(ab.contradiction, ba.contradiction)
        agreement = min(ab.entailment, ba.entailment)  # both ways: one way may read an edited year as entailed
        if contradiction < CONTRADICTION and agreement >= AGREES:
            continue
        a, b = statements[i], statements[j]
        named = judge(texts[i], extract(texts[i]), b.sentence)
        slot = named.decided_by if named.relation == "conflict" else ""
        if slot:
            # Two reports of one figure ("officials said 40 million", "an audit found 65 million"): the model reads
            # the hedged pair as neutral, not contradiction; the named slot stands unless the model finds agreement.
            if agreement >= AGREES:
                continue
        elif contradiction < CONTRADICTION or (restates(texts[i], texts[j], RESTYLED)
                                               and restates(texts[j], texts[i], RESTYLED)):
            continue
        cite_a = verified(a.sentence.passage, texts[i], a.article.text)
        cite_b = verified(b.sentence.passage, texts[j], b.article.text)
        if cite_a is None or cite_b is None:
            continue
        decided_by = (f"{slot}; entailment: p(agreement) {agreement:.2f}" if slot else
                      f"entailment: p(contradiction) {contradiction:.2f} both ways")
        found.append(Conflict(kind=slot.split(":", 1)[0] if slot else "meaning", decided_by=decided_by,
                              similarity=round(pairs[(i, j)], 3), a=cite_a, b=cite_b))
    return found
