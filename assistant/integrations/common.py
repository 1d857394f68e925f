"""What the integrations share: settings with an optional data dir, the store opened once, filters from arguments."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings, load_settings
from assistant.llm.base import ChatModel
from assistant.retrieve import Filters
from assistant.runtime import make_chat_model, open_store, resolve_engine
from assistant.store.store import Store


def integration_settings(data_dir: str | Path | None = None) -> Settings:
    """The CLI's settings (environment, config file), with the data dir overridden when one is given."""
    return load_settings(data_dir=Path(data_dir)) if data_dir is not None else load_settings()


def filters_from(source: str | Sequence[str] | None, since: str | None, until: str | None) -> Filters:
    """The CLI's filters: one outlet or several, dates as YYYY-MM-DD (a bad date is a FactcheckError)."""
    sources = [source] if isinstance(source, str) else list(source or [])
    return Filters(sources=sources, since=since, until=until)


class Runtime:
    """The store (opened on first use, then reused: opening Chroma and the embedder costs seconds) and, for the
    reasoning tools, the engine and model the CLI would pick. One lock: the store is not shared across threads."""

    def __init__(self, settings: Settings, collection: str | None = None, engine: str | None = None) -> None:
        self.settings = settings
        self.collection = collection
        self._engine = engine
        self.lock = threading.RLock()
        self._store: Store | None = None
        self._model: ChatModel | None = None
        self._model_made = False

    @property
    def store(self) -> Store:
        with self.lock:
            if self._store is None:
                self._store = open_store(self.settings, self.collection)
            return self._store

    @property
    def engine(self) -> str:
        return resolve_engine(self.settings, self._engine)

    @property
    def model(self) -> ChatModel | None:
        with self.lock:
            if not self._model_made:
                self._model, self._model_made = make_chat_model(self.settings, self.engine), True
            return self._model

    def close(self) -> None:
        with self.lock:
            if self._store is not None:
                self._store.close()
                self._store = None
