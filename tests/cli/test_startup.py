"""Start-up stays cheap: a command imports only what it uses (the figures themselves: bench/startup.py).

Each case runs the real entry point in a fresh interpreter and lists which heavy libraries ended up imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import factcheck_env

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


def imported_by(*args: str | Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *map(str, args)], env=factcheck_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


@pytest.mark.slow
def test_help_imports_no_command() -> None:
    assert imported_by("--help") == []
    assert imported_by("--version") == []


@pytest.mark.slow
def test_listing_sources_loads_no_model_and_no_chroma() -> None:
    assert set(imported_by("sources")) <= {"numpy", "pydantic_settings"}
