"""The ChatModel seam: core code asks for a pydantic object from a rendered prompt and gets usage back."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.errors import LLMOutputError
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

T = TypeVar("T", bound=BaseModel)
_SPACES = re.compile(r"\s+")


class RawReply(BaseModel):
    """What a model returned: the text of its message, the usage the API reported, and the model name the server
    reported serving it with (empty when it said none)."""

    text: str
    usage: Usage
    served_by: str = ""


class ChatModel(Protocol):
    """A model that answers a rendered prompt with JSON text matching `schema`."""

    name: str

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply: ...


def call_key(prompt: RenderedPrompt, model: str) -> str:
    """The identity of a call: prompt name, prompt hash, model and whitespace-normalised input."""
    normalised = _SPACES.sub(" ", prompt.system + "\n" + prompt.user).strip()
    payload = json.dumps([prompt.name, prompt.hash, model, normalised])
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def parse_reply(text: str, schema: type[T]) -> T:
    """The reply as a `schema` object; tolerates a ```json fence; anything else is an LLMOutputError."""
    body = text.strip()
    fence = re.match(r"^```(?:json)?\s*(.*?)\s*```$", body, re.DOTALL)
    if fence:
        body = fence.group(1)
    try:
        return schema.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        message = f"the model's reply is not valid {schema.__name__} JSON ({where}: {first['msg']})"
        raise LLMOutputError(message) from None
