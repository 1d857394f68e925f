"""Any LangChain chat model as a ChatModel: structured output through `with_structured_output`.

This is the one path by which the assistant calls a language model: the `openai` engine wraps `ChatOpenAI` in
it, and the LangChain chains (assistant/integrations/langchain.py) wrap whatever model their user gives. The
model's reply is returned as JSON text and validated by the caller (`parse_reply`), so a reply that only looked
like JSON to a lenient parser is still an error there, and every quote in it is still checked in code.
Callbacks and tracing configured on the surrounding LangChain run reach the model call (LangChain passes the
run's config down through context), and usage comes from the reply's `usage_metadata`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.llm.base import RawReply
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def model_name(llm: BaseChatModel) -> str:
    """The model's name as its provider reports it (ChatOpenAI: model_name; ChatOllama: model), else its type."""
    for attribute in ("model_name", "model", "model_id"):
        value = getattr(llm, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(llm._llm_type)


class LangChainChat:
    """A ChatModel over a LangChain chat model. `_complete`'s `method` goes to `with_structured_output` (None:
    the model's own default); "json_object_schema" asks for JSON mode with the schema beside it (llama.cpp's
    server takes that form, not OpenAI's json_schema); "text" asks with no structured output at all (the prompt
    itself asks for JSON)."""

    def __init__(self, llm: BaseChatModel, name: str | None = None,
                 prices: dict[str, tuple[float, float]] | None = None) -> None:
        self.llm = llm
        self.name = name or model_name(llm)
        self._prices = prices or {}

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        return self._complete(prompt, schema, None)

    def _complete(self, prompt: RenderedPrompt, schema: type[BaseModel], method: str | None) -> RawReply:
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [SystemMessage(prompt.system), HumanMessage(prompt.user)]
        if method in ("text", "json_object_schema"):
            llm: Any = self.llm
            if method == "json_object_schema":  # llama.cpp's form: JSON mode constrained by a schema
                llm = llm.bind(response_format={"type": "json_object", "schema": schema.model_json_schema()})
            message = llm.invoke(messages)
            return RawReply(text=message_text(message.content), usage=self._usage(message),
                            served_by=served_model(message))
        options = {"method": method} if method else {}
        structured = self.llm.with_structured_output(schema.model_json_schema(), include_raw=True, **options)
        result: Any = structured.invoke(messages)
        raw, parsed = result["raw"], result.get("parsed")
        text = message_text(raw.content)
        if not text.strip() and parsed is not None:  # tool calling: the JSON is in the tool call's arguments
            text = json.dumps(parsed.model_dump() if isinstance(parsed, BaseModel) else parsed)
        return RawReply(text=text, usage=self._usage(raw), served_by=served_model(raw))

    def _usage(self, message: Any) -> Usage:
        metadata = getattr(message, "usage_metadata", None) or {}
        prompt_tokens = int(metadata.get("input_tokens", 0))
        completion_tokens = int(metadata.get("output_tokens", 0))
        price_in, price_out = self._prices.get(self.name, (0.0, 0.0))
        cost = (prompt_tokens * price_in + completion_tokens * price_out) / 1_000_000
        return Usage(calls=1, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost_usd=round(cost, 6))


def served_model(message: Any) -> str:
    """The model name the server put in its reply (OpenAI-compatible: the response's `model`), if any."""
    metadata = getattr(message, "response_metadata", None) or {}
    value = metadata.get("model_name") or metadata.get("model") or ""
    return str(value)


def message_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts: Sequence[Any] = content or []
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in parts)
