"""The OpenAI provider, through langchain-openai (`ChatOpenAI` in the LangChainChat adapter): OpenAI itself or any
OpenAI-compatible server.

Retries with exponential backoff on 429, 5xx and timeouts are the openai client's own (max_retries); errors
that remain become one-line LLMErrors. Structured output (`with_structured_output`) asks for a JSON schema; a server
that rejects `response_format` json_schema is asked again with json_object, then with plain text (the prompt itself asks
for JSON, and the reply is validated either way).
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import ConfigError, LLMAuthError, LLMError, LLMUnavailableError
from assistant.llm.base import RawReply
from assistant.llm.langchain_chat import LangChainChat
from assistant.prompts import RenderedPrompt

# json_schema first; a server that rejects it gets json_object with the schema beside it (llama.cpp's server), then
# plain json_object, then plain text
METHODS = ("json_schema", "json_object_schema", "json_mode", "text")
NO_ENDPOINT = "Set OPENAI_API_KEY or OPENAI_BASE_URL, or use --engine local"


class OpenAIChat(LangChainChat):
    """`ChatOpenAI` through the one LangChain path, with the OpenAI API's errors translated to one line each."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        api_key, base_url = settings.openai.key(), settings.openai.base_url
        if not settings.openai.configured:
            raise ConfigError(NO_ENDPOINT)
        # OpenAI reads max_completion_tokens; llama.cpp's server (and other compatible ones) only max_tokens
        cap = {"extra_body": {"max_tokens": settings.llm_max_tokens}} if settings.llm_max_tokens and base_url else {}
        self._chat = ChatOpenAI(model=settings.model, api_key=api_key or "not-needed", base_url=base_url,
                                timeout=settings.llm_timeout, max_retries=settings.llm_max_retries, temperature=0,
                                max_completion_tokens=settings.llm_max_tokens, **cap)
        super().__init__(self._chat, settings.model, settings.prices)
        self.endpoint = base_url or "https://api.openai.com/v1"  # keys the response cache: two servers, two answers
        self._endpoint = base_url or "the OpenAI API"
        self._methods: list[str] = []

    def complete(self, prompt: RenderedPrompt, schema: type[BaseModel]) -> RawReply:
        methods = self._methods or list(METHODS)
        for index, method in enumerate(methods):
            try:
                reply = self._complete(prompt, schema, method)
            except Exception as exc:
                if _rejects_format(exc) and index + 1 < len(methods):
                    continue
                translated = self._translate(exc)
                if translated is None:
                    raise  # not an API error: a bug, which keeps its traceback (shown with FACTCHECK_DEBUG=1)
                raise translated from None
            self._methods = methods[index:]  # remember what this server accepts
            return reply
        raise LLMError("the model endpoint rejected every structured-output format")

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


def _rejects_format(exc: Exception) -> bool:
    """A 400, 422 or 500 that names response_format: the server does not take this form of structured output
    (llama-cpp-python's server answers a response_format it does not know with a 500 naming it)."""
    import openai

    said = f"{exc} {getattr(exc, 'body', '')}"  # a 422's detail is in its body, not in its message
    refused = openai.BadRequestError | openai.UnprocessableEntityError | openai.InternalServerError
    return isinstance(exc, refused) and "response_format" in said

