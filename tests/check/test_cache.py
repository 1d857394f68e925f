"""The response cache keeps only replies that validated, keyed by endpoint as well as model and prompt."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from assistant.llm.base import RawReply
from assistant.llm.cache import CachedModel
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

PROMPT = RenderedPrompt(name="answer", hash="abc", system="s", user="u")


class Reply(BaseModel):
    answer: str


class Scripted:
    """A function-backed chat model: replies in order, counting calls."""

    def __init__(self, *texts: str, endpoint: str = "http://127.0.0.1:1/v1") -> None:
        self.name, self.endpoint, self.texts, self.calls = "m", endpoint, list(texts), 0

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        self.calls += 1
        return RawReply(text=self.texts.pop(0), usage=Usage(calls=1))


def test_a_reply_of_the_wrong_shape_is_never_cached(tmp_path: Path) -> None:
    inner = Scripted("not json", '{"answer": "ok"}', '{"answer": "later"}')
    cached = CachedModel(inner, tmp_path / "cache.sqlite3")
    assert cached.complete(PROMPT, Reply).text == "not json"
    assert cached.complete(PROMPT, Reply).text == '{"answer": "ok"}'
    assert cached.complete(PROMPT, Reply).text == '{"answer": "ok"}' and inner.calls == 2


def test_a_forgotten_reply_reaches_the_model_again(tmp_path: Path) -> None:
    inner = Scripted('{"answer": "bad quote"}', '{"answer": "good"}')
    cached = CachedModel(inner, tmp_path / "cache.sqlite3")
    cached.complete(PROMPT, Reply)
    cached.forget(PROMPT)
    assert cached.complete(PROMPT, Reply).text == '{"answer": "good"}' and inner.calls == 2


def test_two_endpoints_never_share_a_cached_reply(tmp_path: Path) -> None:
    first = CachedModel(Scripted('{"answer": "one"}', endpoint="http://a/v1"), tmp_path / "cache.sqlite3")
    second = CachedModel(Scripted('{"answer": "two"}', endpoint="http://b/v1"), tmp_path / "cache.sqlite3")
    assert first.complete(PROMPT, Reply).text != second.complete(PROMPT, Reply).text
