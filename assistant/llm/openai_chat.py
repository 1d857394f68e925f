"""The OpenAI provider, through langchain-openai: OpenAI itself or any OpenAI-compatible server.

Retries with exponential backoff on 429, 5xx and timeouts are the openai client's own (max_retries); errors
that remain become one-line LLMErrors. Structured output asks for a JSON schema; a server that rejects
`response_format` json_schema is asked again with json_object, then with plain text (the prompt itself asks
for JSON, and the reply is validated either way).
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import ConfigError, LLMAuthError, LLMError, LLMUnavailableError
from assistant.llm.base import RawReply
from assistant.prompts import RenderedPrompt
from assistant.types import Usage

NO_ENDPOINT = "Set OPENAI_API_KEY or OPENAI_BASE_URL, or use --engine local"


def openai_configured() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))


class OpenAIChat:
    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        api_key, base_url = os.environ.get("OPENAI_API_KEY"), os.environ.get("OPENAI_BASE_URL")
        if not api_key and not base_url:
            raise ConfigError(NO_ENDPOINT)
        self.name = settings.model
        self.endpoint = base_url or "https://api.openai.com/v1"  # keys the response cache: two servers, two answers
        self._endpoint = base_url or "the OpenAI API"
        self._prices = settings.prices
        self._chat = ChatOpenAI(model=settings.model, api_key=api_key or "not-needed", base_url=base_url,
                                timeout=settings.llm_timeout, max_retries=settings.llm_max_retries, temperature=0)
        self._formats: list[dict[str, Any] | None] = []

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [SystemMessage(prompt.system), HumanMessage(prompt.user)]
        formats = self._formats or [_json_schema_format(schema), {"type": "json_object"}, None]
        for index, response_format in enumerate(formats):
            try:
                chat = self._chat.bind(response_format=response_format) if response_format else self._chat
                message = chat.invoke(messages)
            except Exception as exc:
                if _rejects_format(exc) and index + 1 < len(formats):
                    continue
                translated = self._translate(exc)
                if translated is None:
                    raise  # not an API error: a bug, which keeps its traceback (shown with FACTCHECK_DEBUG=1)
                raise translated from None
            self._formats = formats[index:]  # remember what this server accepts
            return RawReply(text=_text(message.content), usage=self._usage(message.usage_metadata))
        raise LLMError("the model endpoint rejected every structured-output format")

    def _usage(self, metadata: Any) -> Usage:
        prompt_tokens = int((metadata or {}).get("input_tokens", 0))
        completion_tokens = int((metadata or {}).get("output_tokens", 0))
        price_in, price_out = self._prices.get(self.name, (0.0, 0.0))
        cost = (prompt_tokens * price_in + completion_tokens * price_out) / 1_000_000
        return Usage(calls=1, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost_usd=round(cost, 6))

    def _translate(self, exc: Exception) -> LLMError | None:
        """The user-facing error for an API failure; None for anything else (a programming error)."""
        import openai

        if not isinstance(exc, openai.OpenAIError):
            return None
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMAuthError(f"the model endpoint ({self._endpoint}) refused the API key "
                                f"({exc.status_code}); check OPENAI_API_KEY")
        if isinstance(exc, openai.APITimeoutError):
            return LLMUnavailableError(f"the model did not answer within {self._chat.request_timeout} s "
                                       f"(after retries); try again or raise FACTCHECK_LLM_TIMEOUT")
        if isinstance(exc, openai.RateLimitError):
            return LLMUnavailableError("the model endpoint is rate-limiting requests (429) even after retries; "
                                       "try again later")
        if isinstance(exc, openai.APIConnectionError):
            return LLMUnavailableError(f"cannot reach the model endpoint ({self._endpoint})")
        if isinstance(exc, openai.APIStatusError):
            return LLMUnavailableError(f"the model endpoint failed with HTTP {exc.status_code} (after retries)")
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        return LLMError(f"model call failed: {type(exc).__name__}: {detail}")


def _json_schema_format(schema: type[BaseModel]) -> dict[str, Any]:
    return {"type": "json_schema",
            "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": False}}


def _rejects_format(exc: Exception) -> bool:
    import openai

    return isinstance(exc, openai.BadRequestError) and "response_format" in str(exc)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
