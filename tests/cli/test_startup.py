"""Start-up stays cheap: a command imports only what it uses (the figures themselves: bench/startup.py).

Each case runs the real entry point in a fresh interpreter and lists which heavy libraries ended up imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.store.embeddings import LOCAL_MODEL_NAME
from assistant.store.hashing import HASHING_MODEL_NAME
from tests.helpers import RunCli, factcheck_env

HEAVY = ["chromadb", "onnxruntime", "spacy", "langchain_core", "openai", "slack_bolt", "mcp", "datasketch", "numpy",
         "pydantic_settings"]
PROBE = """
import json, sys
from assistant.cli.main import app
try:
    app(args=sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def imported_by(*args: str | Path, **env: str) -> list[str]:
    return run_probe(*args, **env)[0]


def run_probe(*args: str | Path, **env: str) -> tuple[list[str], str]:
    """(the heavy libraries the command imported, what else it wrote on stderr)"""
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *map(str, args)],
                          env=factcheck_env(**env), capture_output=True, text=True, timeout=120, check=False)
    *messages, last = done.stderr.strip().splitlines()
    loaded: list[str] = json.loads(last)
    return loaded, "\n".join(messages)


@pytest.mark.slow
def test_help_imports_no_command() -> None:
    assert imported_by("--help") == []
    assert imported_by("--version") == []


@pytest.mark.slow
def test_listing_sources_loads_no_model_and_no_chroma() -> None:
    assert set(imported_by("sources")) <= {"numpy", "pydantic_settings"}


@pytest.mark.slow
def test_sources_reports_a_collection_of_another_model_without_chroma_or_the_model(run_cli: RunCli,
                                                                                    seeds: Path) -> None:
    assert run_cli("ingest", seeds).exit_code == 0  # the real model
    loaded, message = run_probe("sources", FACTCHECK_EMBEDDINGS="hashing")
    assert f"built with the embedding model '{LOCAL_MODEL_NAME}'" in message and HASHING_MODEL_NAME in message
    assert set(loaded) <= {"numpy", "pydantic_settings"}
