"""The public search function: dense, lexical or hybrid retrieval with filters and cluster collapsing.

Hybrid = both indexes queried `depth` deep (filters applied inside each), fused (z-score by default, see
fusion.py), then passages fetched for only as many fused ids as the answer needs. A reranker would slot in
between fusion and `_passages` (it takes fused ids, returns them reordered).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from assistant.retrieve.diversify import collapse_clusters, drop_syndicated_repeats
from assistant.retrieve.fusion import reciprocal_rank_fusion, zscore_fusion
from assistant.store.corpus import Corpus, Hit
from assistant.types import Filters, Passage

Mode = Literal["hybrid", "dense", "lexical"]
Fusion = Literal["zscore", "rrf"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")


class SearchConfig(BaseModel):
    """Retrieval knobs; the defaults were tuned on two real corpora with bench/retrieval.py.

    depth: candidates taken from each index; fusion: zscore (score-aware) or rrf (rank only, damped by rrf_k);
    weights: each index's share of the fused score; collapse: one result per story cluster."""

    depth: int = Field(default=100, ge=1, le=1000)
    fusion: Fusion = "zscore"
    rrf_k: int = Field(default=60, ge=0)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    collapse: bool = True


def search(corpus: Corpus, query: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid",
           config: SearchConfig | None = None) -> list[Passage]:
    """The best k passages for the query, best first, one per story cluster (unless collapse is off)."""
    filters = filters or Filters()
    config = config or SearchConfig()
    if not query.strip() or k < 1:
        return []
    depth = max(config.depth, k * 3)
    rankings: dict[str, list[Hit]] = {}
    if mode in ("dense", "hybrid"):
        rankings["dense"] = corpus.dense(query, depth, filters)
    if mode in ("lexical", "hybrid"):
        rankings["lexical"] = corpus.lexical(query, depth, filters)
    if mode == "hybrid":
        weights = {"dense": config.dense_weight, "lexical": config.lexical_weight}
        if config.fusion == "rrf":
            ranked = reciprocal_rank_fusion(rankings, weights, config.rrf_k)
        else:
            ranked = zscore_fusion(rankings, weights)
    else:
        ranked = rankings[mode]
    if not config.collapse:
        return corpus.passages(ranked[:k])
    return _collapsed(corpus, ranked, k)


def _collapsed(corpus: Corpus, ranked: Sequence[Hit], k: int) -> list[Passage]:
    """k results, one per story cluster. Passages are fetched a page at a time (each fetch reads whole article
    rows), and the first page is usually enough."""
    fetched: list[Passage] = []
    results: list[Passage] = []
    page = k * 3
    for start in range(0, len(ranked), page):
        fetched.extend(corpus.passages(ranked[start:start + page]))
        results = collapse_clusters(fetched)
        if len(results) >= k:
            break
    return results[:k]


def distinct_passages(corpus: Corpus, query: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid",
                      config: SearchConfig | None = None) -> list[Passage]:
    """The best k passages with each fact once, for a model's context: every story's passages (not one per
    story), less those repeating a passage already kept from another copy of the same story. The candidate
    list widens until k are left or the index has no more."""
    config = (config or SearchConfig()).model_copy(update={"collapse": False})
    depth = k * 2
    while True:
        ranked = search(corpus, query, depth, filters, mode, config)
        kept = drop_syndicated_repeats(ranked)
        if len(kept) >= k or len(ranked) < depth:
            return kept[:k]
        depth *= 2
