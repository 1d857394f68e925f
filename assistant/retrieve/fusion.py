"""Reciprocal rank fusion: combine ranked lists by rank, not by their incomparable raw scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[tuple[str, float]]], weights: Mapping[str, float], k: int = 60
) -> list[tuple[str, float]]:
    """score(id) = sum over rankings of weight / (k + rank); best first."""
    scores: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, (item, _score) in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
