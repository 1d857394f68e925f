"""An SQLite cache of model replies keyed like fixtures: the same endpoint, prompt, model and input are paid for once.

Only a reply of the requested JSON shape is stored, and a caller whose checks reject a reply (a quote not in its
source) calls `forget`, so a bad reply is never replayed: the next run reaches the model again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import LLMOutputError
from assistant.llm.base import ChatModel, RawReply, call_key, parse_reply
from assistant.prompts import RenderedPrompt
from assistant.types import Usage


class CachedModel:
    def __init__(self, inner: ChatModel, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self._identity = f"{getattr(inner, 'endpoint', '')}|{inner.name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, text TEXT NOT NULL)")

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        key = call_key(prompt, self._identity)
        row = self._db.execute("SELECT text FROM replies WHERE key = ?", (key,)).fetchone()
        if row:
            return RawReply(text=row[0], usage=Usage())  # a cache hit costs no call and no tokens
        reply = self.inner.complete(prompt, schema)
        try:
            parse_reply(reply.text, schema)
        except LLMOutputError:
            return reply  # not the shape asked for: never cached
        self._db.execute("INSERT OR REPLACE INTO replies (key, text) VALUES (?, ?)", (key, reply.text))
        return reply

    def forget(self, prompt: RenderedPrompt) -> None:
        """Drop a cached reply that failed validation, so a re-ask reaches the model."""
        self._db.execute("DELETE FROM replies WHERE key = ?", (call_key(prompt, self._identity),))
