"""FACTCHECK_CHROMA_URL against a real `chroma run` server on 127.0.0.1 (started offline, stopped after)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.local_servers import free_port
from tests.helpers import Consistent, RunCli

pytestmark = pytest.mark.slow


def test_ingest_search_and_remove_through_a_chroma_server(
        chroma_url: str, seeds: Path, run_cli: RunCli, consistent: Consistent, data_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CHROMA_URL", chroma_url)
    ingested = run_cli("ingest", seeds, "--json")
    assert ingested.exit_code == 0, ingested.output
    assert ingested.json()["articles"] == 2
    assert not (data_dir / "chroma").exists(), "vectors went to the embedded store, not the server"
    chunk_ids = consistent()
    assert len(chunk_ids) == ingested.json()["chunks"]

    found = run_cli("search", "How many Daesh militants are in Raqqa?", "--json", "--mode", "dense")
    assert found.exit_code == 0, found.output
    results = found.json()["results"]
    assert results and any("2,000 Daesh militants" in r["text"] for r in results)
    assert {r["chunk_id"] for r in results} <= chunk_ids

    article = run_cli("sources", "--json").json()["articles"][0]["id"]
    assert run_cli("sources", "remove", article).exit_code == 0
    assert consistent() == {c for c in chunk_ids if not c.startswith(f"{article}:")}


def test_unreachable_server_is_a_one_line_error(seeds: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    result = run_cli("ingest", seeds)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the Chroma store at http://127.0.0.1:")
