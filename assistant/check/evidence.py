"""Evidence sentences: split retrieved passages into sentences and score each against a question or claim.

The score mixes meaning (cosine similarity of MiniLM embeddings) with content-word overlap, which catches
names and numbers that embeddings blur. It also gates relevance: when the best sentence scores under
`RELEVANT`, the corpus has nothing to say and no answer is attempted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.ingest.chunking import sentence_spans
from assistant.retrieve.lexical import content_terms
from assistant.store.embeddings import Embedder
from assistant.types import Passage

RELEVANT = 0.45  # calibrated on the seeds: on-topic questions score 0.6-0.9, off-topic ones under 0.35
LEXICAL_WEIGHT = 0.35


@dataclass
class Sentence:
    passage: Passage
    number: int  # 1-based position of its passage in the source list
    start: int  # offsets within passage.text
    end: int
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.passage.text[self.start:self.end]


def overlap(query_terms: set[str], text: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & content_terms(text)) / len(query_terms)


def score_sentences(embedder: Embedder, query: str, passages: Sequence[Passage]) -> list[Sentence]:
    """Every sentence of the passages, scored, best first; duplicates (overlapping chunks) kept once."""
    sentences: list[Sentence] = []
    seen: set[tuple[str, int]] = set()
    for number, passage in enumerate(passages, start=1):
        for start, end in sentence_spans(passage.text):
            key = (passage.article_id, passage.start + start)
            if key in seen or len(re.findall(r"\w+", passage.text[start:end])) < 3:
                continue
            seen.add(key)
            sentences.append(Sentence(passage=passage, number=number, start=start, end=end))
    if not sentences:
        return []
    vectors = embedder.embed([query] + [s.text for s in sentences])
    similarity = vectors[1:] @ vectors[0]
    terms = content_terms(query)
    for sentence, cosine in zip(sentences, np.asarray(similarity, dtype=float), strict=True):
        sentence.score = float(cosine) + LEXICAL_WEIGHT * overlap(terms, sentence.text)
    return sorted(sentences, key=lambda s: -s.score)
