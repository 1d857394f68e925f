"""Evidence sentences: split retrieved passages into sentences and score each against a question or claim.

The score mixes meaning (cosine similarity of MiniLM embeddings) with content-word overlap, which catches
names and numbers that embeddings blur. It also gates relevance: when the best sentence scores under
`RELEVANT`, the corpus has nothing to say and no answer is attempted.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

import numpy as np

from assistant.resources import CHECK, resource_path
from assistant.store.embeddings import Embedder, LocalMiniLM
from assistant.text import content_terms, sentence_spans
from assistant.types import Passage

RELEVANT = 0.45  # calibrated on the seeds: on-topic questions score 0.6-0.9, off-topic ones under 0.35
ALIGNED = 0.55  # evidence sentences scoring under this are not about the claim
LEXICAL_WEIGHT = 0.35
ALWAYS_EMBEDDED_PASSAGES = 2  # every sentence of the best passages is embedded, shared words or not
CACHED_SENTENCES = 50_000  # ~75 MB of vectors: a draft's claims share most of their evidence sentences


@dataclass
class Sentence:
    passage: Passage
    number: int  # 1-based position of its passage in the source list
    start: int  # offsets within passage.text
    end: int
    score: float = 0.0
    cosine: float = 0.0

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
    terms = content_terms(query)
    overlaps = [overlap(terms, s.text) for s in sentences]
    # Embedding is most of a claim's cost; a sentence sharing no content word with the query, outside the best
    # passages, is not embedded (measured on WiCE: 59% of sentences, 8% of the top eight) and ranks last.
    embedded = [i for i, (s, share) in enumerate(zip(sentences, overlaps, strict=True))
                if share > 0 or s.number <= ALWAYS_EMBEDDED_PASSAGES]
    vectors = _SentenceVectors.of(sentence_scorer(embedder)).embed([query] + [sentences[i].text for i in embedded])
    for i, cosine in zip(embedded, np.asarray(vectors[1:] @ vectors[0], dtype=float), strict=True):
        sentences[i].cosine = float(cosine)
    for sentence, share in zip(sentences, overlaps, strict=True):
        sentence.score = sentence.cosine + LEXICAL_WEIGHT * share
    return sorted(sentences, key=lambda s: -s.score)


def sentence_scorer(embedder: Embedder) -> Embedder:
    """The embedder that ranks evidence sentences: for the local MiniLM, its shipped int8-product export
    (models/sentence: twice as fast, the same similarities to 0.99 correlation); any other embedder as is."""
    return _int8_minilm(embedder.threads) if isinstance(embedder, LocalMiniLM) else embedder


@cache
def _int8_minilm(threads: int) -> LocalMiniLM:
    # one sentence per run, like the entailment model: int8 activations share one scale per run, so batching
    # would make a sentence's vector depend on its neighbours (still ~2x faster than the store's embedder)
    return LocalMiniLM(threads=threads, max_batch=1,
                       model_path=resource_path(CHECK, "models", "sentence", "model.onnx"))


_CACHES_LOCK = threading.Lock()


class _SentenceVectors:
    """A bounded cache of sentence vectors per embedder: checking a draft re-reads the same evidence per claim."""

    _caches: ClassVar[weakref.WeakKeyDictionary[Embedder, _SentenceVectors]] = weakref.WeakKeyDictionary()

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the Slack bot's thread workers share one embedder, hence this cache

    @classmethod
    def of(cls, embedder: Embedder) -> _SentenceVectors:
        try:
            with _CACHES_LOCK:
                return cls._caches.setdefault(embedder, cls(embedder))
        except TypeError:  # an embedder that cannot be weakly referenced is not cached
            return cls(embedder)

    def embed(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
                self._vectors[text] = vector
        for text in texts:
            self._vectors.move_to_end(text)
        rows = np.stack([self._vectors[t] for t in texts])
        while len(self._vectors) > CACHED_SENTENCES:
            self._vectors.popitem(last=False)
        return rows
