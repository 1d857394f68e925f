"""The composition root: `Runtime` builds the settings' store, embedder and chat model, each on first use, for the
CLI, chat, Slack, eval and the integrations alike. Core code takes Protocols.

Nothing is built before it is asked for: `factcheck sources` opens the catalog and never constructs a model
(tests/cli/test_startup.py checks which heavy libraries each command imports).
"""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.llm.base import ChatModel
from assistant.llm.cache import CachedModel
from assistant.llm.fixtures import RecordingModel, ReplayModel
from assistant.store.embeddings import Embedder, LocalMiniLM
from assistant.store.hashing import HashingEmbedder
from assistant.store.store import Store, read_only_reason


def make_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "local":
        return LocalMiniLM(threads=settings.onnx_threads)
    if settings.embeddings == "openai":
        from assistant.llm.embeddings import OpenAIEmbedder

        return OpenAIEmbedder.from_settings(settings)
    if settings.embeddings == "hashing":
        return HashingEmbedder()
    raise ConfigError(f"unknown FACTCHECK_EMBEDDINGS '{settings.embeddings}'; use local, openai or hashing")


def open_store(settings: Settings, collection: str | None = None, embedder: Embedder | None = None) -> Store:
    """The configured store; `embedder` shares an already loaded model (the Slack bot's thread workers)."""
    if embedder is not None:
        return Store(settings, embedder, collection)
    return Runtime(settings, collection).store


def resolve_engine(settings: Settings, engine: str | None = None) -> str:
    """local, openai or replay. `auto` means openai when an endpoint is configured, else local."""
    chosen = engine or settings.engine
    if chosen == "auto":
        return "openai" if settings.openai.configured else "local"
    if chosen not in ("local", "openai", "replay"):
        raise ConfigError(f"unknown engine '{chosen}'; use local, openai or replay")
    return chosen


def recording_dir(settings: Settings) -> Path:
    """Where --record writes: FACTCHECK_FIXTURES_DIR when set, else ./evals/fixtures. Never the shipped fixtures'
    default (inside the installed package: site-packages is no place to write, and replay reads it)."""
    if "fixtures_dir" in settings.model_fields_set:
        return settings.fixtures_dir
    return Path.cwd() / "evals" / "fixtures"


def make_chat_model(settings: Settings, engine: str) -> ChatModel | None:
    """The model for an engine (None for local), wrapped with recording and the response cache as configured."""
    if engine == "local":
        return None
    if engine == "replay":
        return ReplayModel(settings.fixtures_dir)
    from assistant.llm.openai_chat import OpenAIChat

    model: ChatModel = OpenAIChat(settings)
    if settings.record:
        return RecordingModel(model, recording_dir(settings), settings.llm_server, secret=settings.openai.key())
    if settings.cache and read_only_reason(settings) is None:  # a read-only store's folder gets no cache file
        model = CachedModel(model, settings.data_dir / "llm-cache.sqlite3")
    return model


class Runtime:
    """Settings, with the store, embedder, engine and model they describe, built lazily and then reused (opening
    Chroma or loading a model costs seconds). One lock: the store is not shared across threads."""

    def __init__(self, settings: Settings, collection: str | None = None, engine: str | None = None) -> None:
        self.settings = settings
        self.collection = collection
        self._engine = engine
        self.lock = threading.RLock()
        self._store: Store | None = None
        self._embedder: Embedder | None = None
        self._model: ChatModel | None = None
        self._model_made = False

    @property
    def embedder(self) -> Embedder:
        with self.lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            return self._embedder

    @property
    def store(self) -> Store:
        with self.lock:
            if self._store is None:
                self._store = Store(self.settings, self.embedder, self.collection)
            return self._store

    @property
    def engine(self) -> str:
        return resolve_engine(self.settings, self._engine)

    @property
    def model(self) -> ChatModel | None:
        """The engine's chat model (None for the local engine)."""
        with self.lock:
            if not self._model_made:
                self._model, self._model_made = make_chat_model(self.settings, self.engine), True
            return self._model

    def close(self) -> None:
        with self.lock:
            if self._store is not None:
                self._store.close()
                self._store = None
