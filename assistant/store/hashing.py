"""A deterministic embedder that needs no model: content-word stems hashed into a fixed-size vector.

FACTCHECK_EMBEDDINGS=hashing. It exists for tests (the fast lane: `pytest -m "not slow"` never loads ONNX) and
for trying the tool where no model can be installed. Texts that share words score high, others near zero; it knows
no synonyms, so its retrieval is lexical, not semantic. A collection remembers which embedder built it, so one
built with this can never be searched with the real model by mistake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from assistant.text import content_terms, stem

HASHING_MODEL_NAME = "hashing-stems-384"


class HashingEmbedder:
    """Each content-word stem adds ±1 at a position chosen by its hash (feature hashing); rows are L2-normalised."""

    name = HASHING_MODEL_NAME
    dim = 384

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in content_terms(text):
                digest = hashlib.blake2b(stem(term).encode(), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
            else:  # no content words: any fixed unit vector keeps cosine distances defined
                out[row, 0] = 1.0
        return out
