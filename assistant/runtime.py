"""The composition root: builds the concrete embedder and store from Settings. Core code takes Protocols."""

from __future__ import annotations

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.store.embeddings import Embedder, LocalMiniLM
from assistant.store.store import Store


def make_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "local":
        return LocalMiniLM(threads=settings.onnx_threads)
    if settings.embeddings == "openai":
        from assistant.llm.embeddings import OpenAIEmbedder

        return OpenAIEmbedder.from_settings(settings)
    raise ConfigError(f"unknown FACTCHECK_EMBEDDINGS '{settings.embeddings}'; use local or openai")


def open_store(settings: Settings, collection: str | None = None) -> Store:
    return Store(settings, make_embedder(settings), collection)
