"""An SQLite cache of model replies keyed like fixtures: the same prompt, model and input are paid for once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import BaseModel

from assistant.llm.base import ChatModel, RawReply, call_key
from assistant.prompts import RenderedPrompt
from assistant.types import Usage


class CachedModel:
    def __init__(self, inner: ChatModel, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, text TEXT NOT NULL)")

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        key = call_key(prompt, self.name)
        row = self._db.execute("SELECT text FROM replies WHERE key = ?", (key,)).fetchone()
        if row:
            return RawReply(text=row[0], usage=Usage())  # a cache hit costs no call and no tokens
        reply = self.inner.complete(prompt, schema)
        self._db.execute("INSERT OR REPLACE INTO replies (key, text) VALUES (?, ?)", (key, reply.text))
        return reply

    def forget(self, prompt: RenderedPrompt) -> None:
        """Drop a cached reply that failed validation, so a re-ask reaches the model."""
        self._db.execute("DELETE FROM replies WHERE key = ?", (call_key(prompt, self.name),))
