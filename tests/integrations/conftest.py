"""Fixtures for the integration tests: the seeds ingested into the test's data dir, the fake OpenAI server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.conftest import fake_openai as fake_openai
from tests.helpers import SEEDS, RunCli


@pytest.fixture
def seeded(run_cli: RunCli, data_dir: Path) -> Path:
    """The seeds, ingested into this test's data dir (which is returned)."""
    result = run_cli("ingest", SEEDS)
    assert result.exit_code == 0, result.output
    return data_dir
