"""The composition root: builds the concrete embedder and store from Settings. Core code takes Protocols."""

from __future__ import annotations

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.llm.base import ChatModel
from assistant.llm.cache import CachedModel
from assistant.llm.fixtures import RecordingModel, ReplayModel
from assistant.store.embeddings import Embedder, LocalMiniLM
from assistant.store.store import Store, read_only_reason


def make_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "local":
        return LocalMiniLM(threads=settings.onnx_threads)
    if settings.embeddings == "openai":
        from assistant.llm.embeddings import OpenAIEmbedder

        return OpenAIEmbedder.from_settings(settings)
    raise ConfigError(f"unknown FACTCHECK_EMBEDDINGS '{settings.embeddings}'; use local or openai")


def open_store(settings: Settings, collection: str | None = None) -> Store:
    return Store(settings, make_embedder(settings), collection)


def resolve_engine(settings: Settings, engine: str | None = None) -> str:
    """local, openai or replay. `auto` means openai when an endpoint is configured, else local."""
    from assistant.llm.openai_chat import openai_configured

    chosen = engine or settings.engine
    if chosen == "auto":
        return "openai" if openai_configured() else "local"
    if chosen not in ("local", "openai", "replay"):
        raise ConfigError(f"unknown engine '{chosen}'; use local, openai or replay")
    return chosen


def make_chat_model(settings: Settings, engine: str) -> ChatModel | None:
    """The model for an engine (None for local), wrapped with recording and the response cache as configured."""
    if engine == "local":
        return None
    if engine == "replay":
        return ReplayModel(settings.fixtures_dir)
    from assistant.llm.openai_chat import OpenAIChat

    model: ChatModel = OpenAIChat(settings)
    if settings.record:
        return RecordingModel(model, settings.fixtures_dir, settings.llm_server)
    if settings.cache and read_only_reason(settings) is None:  # a read-only store's folder gets no cache file
        model = CachedModel(model, settings.data_dir / "llm-cache.sqlite3")
    return model
