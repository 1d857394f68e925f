"""Fixtures for the reasoning commands: a fake OpenAI-compatible server wired in through the environment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.openai_server import FakeOpenAI

SOURCE_BLOCK = re.compile(r"^\[(\d+)\] [^\n]*\n(.*?)(?=\n\n\[\d+\] |\nSOURCES>>>)", re.MULTILINE | re.DOTALL)


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key-123456")
    monkeypatch.setenv("FACTCHECK_LLM_TIMEOUT", "2")
    monkeypatch.setenv("FACTCHECK_LLM_MAX_RETRIES", "1")
    monkeypatch.setenv("FACTCHECK_CACHE", "false")
    yield server
    server.stop()


def sources_in(body: dict[str, Any]) -> dict[int, str]:
    """The numbered source texts the assistant put in the prompt it sent."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return {int(n): text for n, text in SOURCE_BLOCK.findall(user)}


def first_sentence_with(body: dict[str, Any], word: str) -> tuple[int, str]:
    """(source number, a real sentence containing `word`) from the prompt, for a model reply that quotes it."""
    for number, text in sources_in(body).items():
        for sentence in re.split(r"(?<=[.!?”\"])\s+", text):
            if word in sentence:
                return number, sentence.strip()
    raise AssertionError(f"no source in the prompt mentions {word!r}")
