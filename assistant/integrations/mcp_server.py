"""`factcheck mcp`: the assistant as a Model Context Protocol server (official `mcp` SDK), for agents and IDEs.

Tools: `search`, `ask`, `check`, `sources` (read-only) and, only when started with `--allow-ingest`, `ingest`.
Each is a thin adapter over the function the CLI command calls, and returns the CLI's `--json` payload, so every
quote in an answer or verdict has been verified against the article text in code. Arguments are validated
against the advertised JSON schema by the SDK; a bad value, a bad date or a failing engine comes back as a tool
error (`isError`) with a one-line message, and the server keeps serving.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from assistant.check.answer import ask as ask_question
from assistant.check.check import MAX_DRAFT_CHARS, check_text
from assistant.config import Settings
from assistant.errors import FactcheckError
from assistant.integrations.common import Runtime, filters_from
from assistant.retrieve import Mode
from assistant.retrieve import search as search_passages

INSTRUCTIONS = ("Fact-checking over a corpus of news articles. `search` finds passages; `ask` answers a question "
                "and `check` gives claims a verdict (supported, contradicted, not_enough_evidence, disputed), both "
                "with quotes verified word for word against the articles; `sources` lists the articles.")

_TYPE_NOTE = re.compile(r" \[type=.*$")

Query = Annotated[str, Field(min_length=1, max_length=2000, description="What to look for.")]
Sources = Annotated[list[str] | None, Field(description="Only these outlets (the `source` of `sources`).")]
Since = Annotated[str | None, Field(description="Only articles dated on or after this date (YYYY-MM-DD).")]
Until = Annotated[str | None, Field(description="Only articles dated on or before this date (YYYY-MM-DD).")]


def build_server(settings: Settings, *, collection: str | None = None, engine: str | None = None,
                 allow_ingest: bool = False) -> Any:
    """An MCPServer whose tools share one opened store (and, for ask/check, the engine the CLI would pick)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.types import ToolAnnotations

    runtime = Runtime(settings, collection, engine)
    runtime.engine  # noqa: B018  an unknown engine fails at start-up, not at the first call
    server = MCPServer("factcheck", instructions=INSTRUCTIONS, log_level="WARNING", middleware=[one_line_errors])
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def guarded(call: Any) -> Any:
        try:
            with runtime.lock:
                return call()
        except FactcheckError as exc:  # the user's or the data's problem: the message is for the client
            raise ToolError(str(exc)) from None

    @server.tool(annotations=read_only)
    def search(query: Query, k: Annotated[int, Field(ge=1, le=50)] = 5, mode: Mode = "hybrid",
               source: Sources = None, since: Since = None, until: Until = None) -> dict[str, Any]:
        """Find the passages that best match the query (hybrid vector + keyword search), one per story."""
        def run() -> dict[str, Any]:
            passages = search_passages(runtime.store, query, k, filters_from(source, since, until), mode)
            return {"query": query, "mode": mode, "results": [p.model_dump() for p in passages]}
        return dict(guarded(run))

    @server.tool(annotations=read_only)
    def ask(question: Query, k: Annotated[int, Field(ge=1, le=20)] = 6, source: Sources = None,
            since: Since = None, until: Until = None) -> dict[str, Any]:
        """Answer a question from the corpus; every citation's quote is the article's own text."""
        return dict(guarded(lambda: ask_question(runtime.store, question, runtime.model, k,
                                                 filters_from(source, since, until)).model_dump()))

    @server.tool(annotations=read_only)
    def check(claim: Annotated[str, Field(min_length=1, max_length=MAX_DRAFT_CHARS,
                                          description="A claim, or a draft of several.")],
              source: Sources = None, since: Since = None, until: Until = None) -> dict[str, Any]:
        """Check a claim or a draft: one verdict per atomic claim, with verified quotes."""
        return dict(guarded(lambda: check_text(runtime.store, claim, runtime.model, runtime.engine,
                                               filters_from(source, since, until)).model_dump()))

    @server.tool(annotations=read_only)
    def sources() -> dict[str, Any]:
        """List the stored articles: id, title, source, date, number of chunks, story cluster."""
        return dict(guarded(lambda: {"articles": [_article(a) for a in runtime.store.articles()]}))

    if allow_ingest:
        @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False,
                                                 open_world_hint=False))
        def ingest(paths: Annotated[list[str], Field(min_length=1, description="Files or folders on the "
                                                                                 "server's disk.")]) -> dict[str, Any]:
            """Ingest article files (txt, md, html, jsonl, csv) into the store."""
            from assistant.ingest.pipeline import Ingestor

            def run() -> dict[str, Any]:  # inside guarded: opening the store may fail too
                return Ingestor(runtime.store, runtime.settings).run([Path(p) for p in paths]).model_dump()

            return dict(guarded(run))

    return server


def serve(settings: Settings, transport: Literal["stdio", "http"], *, collection: str | None = None,
          engine: str | None = None, allow_ingest: bool = False, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run until the client disconnects (stdio) or the process is stopped (streamable HTTP at /mcp)."""
    server = build_server(settings, collection=collection, engine=engine, allow_ingest=allow_ingest)
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)


async def one_line_errors(ctx: Any, call_next: Any) -> Any:
    """A tool error's text as one line: the SDK's argument-validation report spans several lines per field."""
    result = await call_next(ctx)
    if ctx.method == "tools/call" and isinstance(result, dict) and result.get("isError"):
        for part in result.get("content") or []:
            if isinstance(part, dict) and part.get("type") == "text":
                part["text"] = one_line(str(part.get("text", "")))
    return result


def one_line(text: str) -> str:
    """'Error executing tool search: 1 validation error for searchArguments\nk\n  Input should be ... [type=...'
    -> 'search: invalid argument k: Input should be ...'; other messages keep their text, prefix shortened."""
    head, _, detail = text.partition("\n")
    tool = re.match(r"Error executing tool (\w+): ", head)
    name = tool.group(1) if tool else ""
    if "validation error" not in head or not detail:
        return re.sub(r"^Error executing tool (\w+): ", r"\1: ", text).replace("\n", " ")
    lines = [line for line in detail.splitlines() if line.strip() and not line.strip().startswith("For further")]
    problems = [f"{field.strip()}: {_TYPE_NOTE.sub('', message.strip())}"
                for field, message in zip(lines[::2], lines[1::2], strict=False)]
    return f"{name}: invalid argument {'; '.join(problems)}"


def _article(a: Any) -> dict[str, Any]:
    return {"id": a.id, "title": a.meta.title, "source": a.meta.source, "date": a.meta.date,
            "date_inferred": a.meta.date_inferred, "url": a.meta.url, "chunks": a.n_chunks, "cluster": a.cluster,
            "origin": a.origin}
