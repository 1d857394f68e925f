"""Recorded model replies: replay them offline (evals, tests, CI) and record new ones from a real model.

A fixture is a readable JSON file `evals/fixtures/<prompt>/<key>.json` holding the prompt name and hash, the
normalised input, the reply text, and its provenance: the model name the server reported, the server kind, the
endpoint, the date, and the token usage as the server reported it (zero for a scripted stand-in, whose
`provenance.kind` is "stand-in"). The key is `fixture_key(prompt)` (prompt name, prompt hash and input), so a
changed prompt file or input misses the fixture and says how to record it, instead of replaying a stale reply;
which model produced a reply is what the fixture records, not something the replaying side chooses.
Secrets (API keys, bearer tokens) are scrubbed before anything is written.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def scrub(text: str, secret: str | None = None) -> str:
    """Text with API keys and tokens replaced: known shapes, and `secret` (the configured key) whatever its shape."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[REDACTED]", text)
    if secret and len(secret) >= 8:
        text = text.replace(secret, "[REDACTED]")
    return text


def fixture_path(directory: Path, prompt: RenderedPrompt) -> Path:
    return directory / prompt.name / f"{call_key(prompt, '')}.json"


class ReplayModel:
    """Answers only from recorded fixtures; never touches the network. Its name says which model the last replayed
    reply came from, as the fixture records it ("replay of <model>")."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = "replay"

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        path = fixture_path(self.directory, prompt)
        try:
            recorded = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            stale = self._recorded_hashes(prompt.name) - {prompt.hash}
            why = (f"; the fixtures were recorded for prompt hash {', '.join(sorted(stale))}, but prompt "
                   f"'{prompt.name}' now hashes to {prompt.hash}: the prompt changed without re-recording"
                   if stale else "")
            raise ReplayMissError(
                f"no recorded reply for prompt '{prompt.name}' (hash {prompt.hash}, key {path.stem}) in "
                f"{self.directory}{why}; record it by re-running the command with "
                "--engine openai --record against a real model") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise ReplayMissError(f"fixture {path} is unreadable: {exc}") from None
        if recorded.get("prompt_hash") != prompt.hash:
            raise ReplayMissError(f"fixture {path} was recorded for another version of prompt '{prompt.name}' "
                                  f"(hash {recorded.get('prompt_hash')}, now {prompt.hash}); re-record it")
        produced_by = str(recorded.get("model") or "an unknown model")
        self.name = f"replay of {produced_by}"
        return RawReply(text=str(recorded["reply"]), usage=Usage(**recorded.get("usage", {"calls": 1})),
                        served_by=produced_by)


    def _recorded_hashes(self, prompt_name: str) -> set[str]:
        hashes = set()
        for fixture in (self.directory / prompt_name).glob("*.json"):
            try:
                hashes.add(str(json.loads(fixture.read_text(encoding="utf-8")).get("prompt_hash")))
            except (OSError, json.JSONDecodeError):
                continue
        return hashes


def served_name(reported: str) -> str:
    """A reported model name as recorded: a local server that reports its model file's path gives its file name."""
    return reported.replace("\\", "/").rsplit("/", 1)[-1] if "/" in reported or "\\" in reported else reported


class RecordingModel:
    """Passes calls to a real model and writes each reply as a fixture, with where it came from."""

    def __init__(self, inner: ChatModel, directory: Path, server: str = "", secret: str | None = None) -> None:
        self.inner = inner
        self._secret = secret
        self.directory = directory
        self.name = inner.name
        self.server = server

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        reply = self.inner.complete(prompt, schema)
        path = fixture_path(self.directory, prompt)
        path.parent.mkdir(parents=True, exist_ok=True)
        endpoint = str(getattr(self.inner, "endpoint", ""))
        provenance: dict[str, Any] = {
            "kind": "recorded",
            "model_reported": reply.served_by or None,  # exactly as the server sent it
            "model_requested": self.name,
            "server": self.server or ("OpenAI API" if "api.openai.com" in endpoint else "not stated"),
            "endpoint": scrub(endpoint, self._secret),
            "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "usage_reported": reply.usage.prompt_tokens + reply.usage.completion_tokens > 0,
        }
        record = {
            "prompt": prompt.name, "prompt_hash": prompt.hash, "key": path.stem,
            "model": served_name(reply.served_by) if reply.served_by else f"{self.name} (as requested; the server "
                                                                            "named no model)",
            "provenance": provenance,
            "input": {"system": scrub(prompt.system, self._secret), "user": scrub(prompt.user, self._secret)},
            "reply": scrub(reply.text, self._secret), "usage": reply.usage.model_dump(),
        }
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return reply
