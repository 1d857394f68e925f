"""`factcheck mcp`: a real MCP client session (the official SDK's) against the real command over stdio."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.helpers import SEEDS, OpenStore, factcheck_command, factcheck_env

CLAIM = "Airwars says 744 civilians were killed in coalition strikes in June."
pytestmark = pytest.mark.slow


@asynccontextmanager
async def session(*args: str) -> AsyncIterator[ClientSession]:
    command, *prefix = factcheck_command()
    params = StdioServerParameters(command=command, args=[*prefix, "mcp", *args], env=factcheck_env())
    async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        yield client


def payload(result: Any) -> Any:
    assert result.content, result
    return json.loads(result.content[0].text)


def error_text(result: Any) -> str:
    assert result.is_error, result
    text = str(result.content[0].text)
    assert "\n" not in text, text  # one line, for a person or a model to read
    return text


async def test_stdio_session_lists_tools_and_checks_a_claim_with_a_verified_quote(seeded: Path,
                                                                                   open_store: OpenStore) -> None:
    async with session() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == {"search", "ask", "check", "sources"}  # read-only: no ingest unless allowed
        assert tools["check"].annotations is not None and tools["check"].annotations.read_only_hint
        result = await client.call_tool("check", {"claim": CLAIM})
        assert not result.is_error, result
        verdict = payload(result)["claims"][0]
        assert verdict["verdict"] == "supported" and "744" in verdict["citations"][0]["quote"]
        found = await client.call_tool("search", {"query": "civilians killed in June", "k": 2})
        assert "744" in json.dumps(payload(found)["results"])
        listed = payload(await client.call_tool("sources", {}))["articles"]
    assert len(listed) == 2
    with open_store() as store:
        c = verdict["citations"][0]
        article = store.article(c["article_id"])
        assert article is not None and article.text[c["start"]:c["end"]] == c["quote"]


async def test_bad_arguments_are_tool_errors_and_the_server_keeps_serving(seeded: Path) -> None:
    async with session() as client:
        assert error_text(await client.call_tool("search", {"query": "x", "k": 500})) == (
            "search: invalid argument k: Input should be less than or equal to 50")
        assert error_text(await client.call_tool("search", {})) == "search: invalid argument query: Field required"
        assert error_text(await client.call_tool("check", {"claim": CLAIM, "since": "last week"})) == (
            "check: not a date: 'last week'; use YYYY-MM-DD")
        assert "empty" in error_text(await client.call_tool("check", {"claim": "   "}))
        result = await client.call_tool("ask", {"question": "How many civilians were killed in June?"})
        assert not result.is_error and payload(result)["citations"]


async def test_ingest_only_when_allowed(tmp_path: Path) -> None:
    async with session("--allow-ingest") as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "ingest" in names
        report = payload(await client.call_tool("ingest", {"paths": [str(SEEDS)]}))
        assert report["articles"] == 2 and report["failed"] == 0
        missing = payload(await client.call_tool("ingest", {"paths": [str(tmp_path / "nowhere")]}))
        assert missing["failed"] == 1


def test_help_loads_neither_mcp_nor_langchain() -> None:
    code = ("import sys; from assistant.cli.main import app; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'mcp', 'langchain_core', 'openai'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_host_without_http_is_a_usage_error(run_cli: Any) -> None:
    result = run_cli("mcp", "--port", "9000")
    assert result.exit_code == 1 and "--http" in result.stderr


async def test_http_transport_serves_the_same_tools(seeded: Path) -> None:
    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*factcheck_command(), "mcp", "--http", "--port", str(port)], env=factcheck_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the HTTP server did not start"
            await asyncio.sleep(0.2)
        async with (streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write),
                    ClientSession(read, write) as client):
            await client.initialize()
            assert {t.name for t in (await client.list_tools()).tools} == {"search", "ask", "check", "sources"}
            assert len(payload(await client.call_tool("sources", {}))["articles"]) == 2
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stderr:
            server.stderr.close()
