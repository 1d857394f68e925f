"""`factcheck mcp`: serve the assistant's tools over the Model Context Protocol (stdio, or streamable HTTP)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import err, fail, handles_errors
from assistant.cli.options import CollectionOption, EngineOption
from assistant.config import load_settings


@handles_errors
def mcp_command(
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP at http://HOST:PORT/mcp instead "
                                                      "of stdio.")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on with --http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on with --http.")] = 8000,
    allow_ingest: Annotated[bool, typer.Option("--allow-ingest", help="Also offer the `ingest` tool, which "
                                                                      "writes to the store (off: read-only).")] = False,
    engine: EngineOption = None,
    collection: CollectionOption = None,
) -> None:
    """Serve search, ask, check and sources as MCP tools (stdio by default: for Claude Desktop, IDEs, agents)."""
    from assistant.integrations.mcp_server import serve  # the mcp SDK loads only for this command

    if not http and (host != "127.0.0.1" or port != 8000):
        fail("--host and --port go with --http")
    settings = load_settings()
    if http:
        err.print(f"factcheck MCP server: http://{host}:{port}/mcp")
    serve(settings, "http" if http else "stdio", collection=collection, engine=engine, allow_ingest=allow_ingest,
          host=host, port=port)
