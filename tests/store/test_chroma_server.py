"""FACTCHECK_CHROMA_URL against a real `chroma run` server on 127.0.0.1 (started offline, stopped after)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Consistent, RunCli

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_heartbeat(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"chroma run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"no heartbeat from {url} within {timeout} s")


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.is_file():
        pytest.skip(f"no chroma command at {CHROMA}")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen([str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port),
                               "--path", str(tmp_path / "server-data")], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_heartbeat(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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
    monkeypatch.setenv("FACTCHECK_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    result = run_cli("ingest", seeds)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the Chroma store at http://127.0.0.1:")
