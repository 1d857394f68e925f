"""Fusion of the dense and lexical rankings: z-score (default) or reciprocal rank fusion.

Measured on two real corpora (bench/retrieval.py), z-score fusion beats textbook RRF at every cut-off: RRF only
sees ranks, so a chunk that one index ranks first by a wide margin (a rare name, an exact number) scores no
better than one that index ranks first by a hair, and a chunk both indexes rank mediocre beats both. Z-scores
keep that margin and stay comparable across indexes whose raw scales differ (cosine vs bm25), because each list
is standardised against its own candidates for this query.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Ranking = Sequence[tuple[str, float]]  # (id, score: higher is better), best first


def reciprocal_rank_fusion(
    rankings: Mapping[str, Ranking], weights: Mapping[str, float], k: int = 60
) -> list[tuple[str, float]]:
    """score(id) = sum over rankings of weight / (k + rank); best first."""
    scores: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, (item, _score) in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return _best_first(scores)


def zscore_fusion(rankings: Mapping[str, Ranking], weights: Mapping[str, float]) -> list[tuple[str, float]]:
    """score(id) = sum over rankings of weight * z, z = (score - mean) / stdev within that ranking's candidates.
    An id missing from a ranking gets that ranking's lowest z: it scored below every candidate there."""
    standardised = {name: _zscores(ranking) for name, ranking in rankings.items() if ranking}
    floor = {name: min(z.values()) for name, z in standardised.items()}
    ids = {item for z in standardised.values() for item in z}
    scores = {item: sum(weights.get(name, 1.0) * z.get(item, floor[name]) for name, z in standardised.items())
              for item in ids}
    return _best_first(scores)


def _zscores(ranking: Ranking) -> dict[str, float]:
    values = [score for _, score in ranking]
    mean = math.fsum(values) / len(values)
    spread = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    return {item: (score - mean) / spread for item, score in ranking}


def _best_first(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
