"""Story clusters: syndicated copies of one story (wire copy reprinted by several outlets) share a cluster id.

MinHash signatures over word 3-shingles go into a MinHash LSH index (datasketch), so finding the copies of a new
article is a bucket lookup, not a scan of the corpus. Copies differ in spelling (kilometers/kilometres), wording
and length, so the match is on estimated Jaccard similarity >= threshold (the two seeds score about 0.59;
unrelated articles on one topic score under 0.05). datasketch (and the scipy it pulls in, ~0.35 s) is imported
on first use, so commands that never cluster never pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SCHEME = "affine32"  # pinned: signatures stored by one version must stay comparable
_WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray:
    """The MinHash signature of the text's lower-cased word 3-shingles."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))}
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles))
    values: np.ndarray = minhash.hashvalues.astype(np.uint64)
    return values


@lru_cache(maxsize=8)
def _bands_and_rows(threshold: float) -> tuple[int, int]:
    """The LSH index's (bands, rows) for the threshold, worked out once per process: datasketch finds them by
    numerical integration over every split of the permutations (~30 ms) each time an index is built."""
    from datasketch import MinHashLSH

    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return index.b, index.r


def _minhash(values: np.ndarray) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


class StoryClusters:
    """An LSH index of known articles; `assign` returns the cluster a new article belongs to."""

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHashLSH

        self._threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=_bands_and_rows(threshold))
        self._known: dict[str, tuple[MinHash, str]] = {}  # built once: rebuilding per lookup cost ~1 ms each

    def add_known(self, items: Iterable[tuple[str, np.ndarray, str]]) -> None:
        """Index (article_id, signature, cluster) triples already in the store."""
        for article_id, values, cluster in items:
            self._insert(article_id, values, cluster)

    def assign(self, article_id: str, values: np.ndarray) -> str:
        """The cluster of the most similar known article above the threshold, or a new cluster of its own."""
        probe = _minhash(values)
        best, best_score = "", self._threshold
        for other in self._lsh.query(probe):
            other_minhash, cluster = self._known[other]
            score = probe.jaccard(other_minhash)
            if score >= best_score:
                best, best_score = cluster, score
        cluster = best or f"story-{article_id[:12]}"
        self._insert(article_id, values, cluster)
        return cluster

    def _insert(self, article_id: str, values: np.ndarray, cluster: str) -> None:
        if article_id in self._known:
            return
        minhash = _minhash(values)
        self._known[article_id] = (minhash, cluster)
        self._lsh.insert(article_id, minhash)
