"""A LangChain chat model for tests that answers by tool call, as real tool-calling models do for
`with_structured_output` (langchain-core's own fake chat models cannot: they have no `bind_tools`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

Script = Callable[[dict[str, Any]], dict[str, Any]]


class ToolCallingFake(BaseChatModel):
    """Each call becomes a request body like the fake OpenAI server's ({"messages": [{"role", "content"}]});
    `script(body)` returns the tool call's arguments. Every call reports 50 prompt + 10 completion tokens."""

    script: Script
    model_name: str = "fake-tool-caller"
    tool_name: str = ""
    calls: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "fake-tool-calling"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        self.tool_name = convert_to_openai_tool(tools[0])["function"]["name"]
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        body = {"messages": [{"role": "user" if m.type == "human" else m.type, "content": m.content}
                             for m in messages]}
        self.calls.append(body)
        message = AIMessage(content="", tool_calls=[{"name": self.tool_name, "args": self.script(body), "id": "c1"}],
                            usage_metadata={"input_tokens": 50, "output_tokens": 10, "total_tokens": 60},
                            response_metadata={"model_name": self.model_name})
        return ChatResult(generations=[ChatGeneration(message=message)])
