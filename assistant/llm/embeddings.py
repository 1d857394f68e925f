"""OpenAI (or any OpenAI-compatible server) embeddings, used when FACTCHECK_EMBEDDINGS=openai."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.config import Settings
from assistant.errors import ConfigError, EmbeddingError

_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}


class OpenAIEmbedder:
    def __init__(self, model: str, api_key: str | None, base_url: str | None, batch_size: int = 256) -> None:
        import openai

        self.name = f"openai:{model}"
        self.dim = _DIMENSIONS.get(model, 0)
        self._model = model
        self._batch = batch_size
        self._client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=60, max_retries=3)
        self._errors = (openai.OpenAIError,)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIEmbedder:
        api_key, base_url = settings.openai.key(), settings.openai.base_url
        if not settings.openai.configured:
            raise ConfigError("FACTCHECK_EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL; "
                              "or use FACTCHECK_EMBEDDINGS=local")
        return cls(settings.openai_embedding_model, api_key, base_url)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            try:
                batch = list(texts[start:start + self._batch])
                response = self._client.embeddings.create(model=self._model, input=batch)
            except self._errors as exc:
                raise EmbeddingError(f"OpenAI embeddings request failed: {type(exc).__name__}: "
                                     f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
        self.dim = vectors.shape[1] if len(rows) else self.dim
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: np.ndarray = vectors / np.clip(norms, 1e-12, None)
        return normalised
