"""Syndication-aware results: one story reprinted by five outlets fills one result, not five."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.types import Passage


def collapse_clusters(passages: Iterable[Passage]) -> list[Passage]:
    """Keep the best passage of each story cluster (input is best first); list the other outlets whose copy
    of the story also matched in `also_reported_by`."""
    best: dict[str, Passage] = {}
    order: list[str] = []
    for passage in passages:
        key = passage.cluster or passage.article_id
        kept = best.get(key)
        if kept is None:
            best[key] = passage.model_copy(update={"also_reported_by": []})
            order.append(key)
        elif passage.source != kept.source and passage.source not in kept.also_reported_by:
            kept.also_reported_by.append(passage.source)
    return [best[key] for key in order]


def drop_syndicated_repeats(passages: Sequence[Passage], overlap: float = 0.5) -> list[Passage]:
    """Keep every passage except those repeating one already kept from another copy of the same story
    (word Jaccard above `overlap`): a model's context gets each fact once, but all the story's facts."""
    kept: list[tuple[Passage, set[str]]] = []
    for passage in passages:
        words = set(passage.text.lower().split())
        if any(p.cluster == passage.cluster and p.article_id != passage.article_id
               and len(words & w) / max(1, len(words | w)) > overlap for p, w in kept):
            continue
        kept.append((passage, words))
    return [p for p, _ in kept]
