"""The public search function: dense, lexical or hybrid (RRF) retrieval with filters and cluster collapsing."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.retrieve.diversify import collapse_clusters
from assistant.retrieve.filters import Filters
from assistant.retrieve.fusion import reciprocal_rank_fusion
from assistant.retrieve.lexical import lexical_search
from assistant.store.store import Store
from assistant.types import Passage

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")


class SearchConfig(BaseModel):
    """Fusion knobs. depth: candidates taken from each index; rrf_k: the RRF damping constant."""

    depth: int = 50
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    collapse: bool = True


def search(store: Store, query: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid",
           config: SearchConfig | None = None) -> list[Passage]:
    """The best k passages for the query, best first, one per story cluster (unless collapse is off)."""
    filters = filters or Filters()
    config = config or SearchConfig()
    if not query.strip():
        return []
    depth = max(config.depth, k * 3)
    rankings: dict[str, list[tuple[str, float]]] = {}
    if mode in ("dense", "hybrid"):
        vector = store.embedder.embed([query])[0]
        rankings["dense"] = store.vectors.query(vector, depth, filters.chroma_where())
    if mode in ("lexical", "hybrid"):
        rankings["lexical"] = lexical_search(store.catalog.raw(), query, depth, filters)
    if mode == "hybrid":
        weights = {"dense": config.dense_weight, "lexical": config.lexical_weight}
        ranked = reciprocal_rank_fusion(rankings, weights, config.rrf_k)
    else:
        ranked = rankings[mode]
    passages = store.passages(ranked)
    if config.collapse:
        passages = collapse_clusters(passages)
    return passages[:k]
