"""A chat model backed by a Python function: for tests and scripted demos, never a network call.

`FunctionModel(reply)` calls `reply(prompt, schema)` for each completion; the function returns the reply as a
`schema` object, a dict, or JSON text. (The idea of pydantic-ai's FunctionModel: the test double ships with the
package, so tests exercise the real parsing and checking code around it.) Calls are kept in `calls`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from assistant.llm.base import RawReply
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

Reply = Callable[[RenderedPrompt, type[BaseModel]], BaseModel | dict[str, Any] | str]


class FunctionModel:
    """A ChatModel whose replies come from `reply`; each call reports `usage` (default: one call, 50 + 10 tokens)."""

    def __init__(self, reply: Reply, name: str = "function-model", usage: Usage | None = None) -> None:
        self._reply = reply
        self.name = name
        self.usage = usage or Usage(calls=1, prompt_tokens=50, completion_tokens=10)
        self.calls: list[RenderedPrompt] = []

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        self.calls.append(prompt)
        answer = self._reply(prompt, schema)
        if isinstance(answer, BaseModel):
            text = answer.model_dump_json()
        elif isinstance(answer, dict):
            text = json.dumps(answer)
        else:
            text = answer
        return RawReply(text=text, usage=self.usage.model_copy(), served_by=self.name)
