"""Recorded model replies: replay them offline (evals, tests, CI) and record new ones from a real model.

A fixture is a readable JSON file `evals/fixtures/<prompt>/<key>.json` holding the prompt name and hash, the
model, the normalised input, the reply text and its usage. The key is `call_key(...)`, so a changed prompt
file, model or input misses the fixture and says how to record it, instead of replaying a stale reply.
Secrets (API keys, bearer tokens) are scrubbed before anything is written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import ReplayMissError
from assistant.llm.base import ChatModel, RawReply, call_key
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

_SECRET_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-]{8,}"),
    re.compile(r"xox[abpr]-[A-Za-z0-9\-]{8,}"),
]


def scrub(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[REDACTED]", text)
    key = os.environ.get("OPENAI_API_KEY")
    if key and len(key) >= 8:
        text = text.replace(key, "[REDACTED]")
    return text


def fixture_path(directory: Path, prompt: RenderedPrompt, model: str) -> Path:
    return directory / prompt.name / f"{call_key(prompt, model)}.json"


class ReplayModel:
    """Answers only from recorded fixtures; never touches the network."""

    def __init__(self, directory: Path, model: str) -> None:
        self.directory = directory
        self.name = model

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        path = fixture_path(self.directory, prompt, self.name)
        try:
            recorded = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            stale = self._recorded_hashes(prompt.name) - {prompt.hash}
            why = (f"; the fixtures were recorded for prompt hash {', '.join(sorted(stale))}, but prompt "
                   f"'{prompt.name}' now hashes to {prompt.hash}: the prompt changed without re-recording"
                   if stale else "")
            raise ReplayMissError(
                f"no recorded reply for prompt '{prompt.name}' (hash {prompt.hash}, model {self.name}, "
                f"key {path.stem}) in {self.directory}{why}; record it by re-running the command with "
                "--engine openai --record against a real model") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise ReplayMissError(f"fixture {path} is unreadable: {exc}") from None
        if recorded.get("prompt_hash") != prompt.hash:
            raise ReplayMissError(f"fixture {path} was recorded for another version of prompt '{prompt.name}' "
                                  f"(hash {recorded.get('prompt_hash')}, now {prompt.hash}); re-record it")
        return RawReply(text=str(recorded["reply"]), usage=Usage(**recorded.get("usage", {"calls": 1})))


    def _recorded_hashes(self, prompt_name: str) -> set[str]:
        hashes = set()
        for fixture in (self.directory / prompt_name).glob("*.json"):
            try:
                hashes.add(str(json.loads(fixture.read_text(encoding="utf-8")).get("prompt_hash")))
            except (OSError, json.JSONDecodeError):
                continue
        return hashes


class RecordingModel:
    """Passes calls to a real model and writes each reply as a fixture."""

    def __init__(self, inner: ChatModel, directory: Path) -> None:
        self.inner = inner
        self.directory = directory
        self.name = inner.name

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        reply = self.inner.complete(prompt, schema)
        path = fixture_path(self.directory, prompt, self.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "prompt": prompt.name, "prompt_hash": prompt.hash, "model": self.name, "key": path.stem,
            "input": {"system": scrub(prompt.system), "user": scrub(prompt.user)},
            "reply": scrub(reply.text), "usage": reply.usage.model_dump(),
        }
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return reply
