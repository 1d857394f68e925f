"""Fixtures for the integration tests: the seeds ingested into the test's data dir, the fake OpenAI server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.conftest import fake_openai as fake_openai


@pytest.fixture
def seeded(seeded_data_dir: Path) -> Path:
    """The seeds, stored in this test's data dir (which is returned; see tests/conftest.seeded_data_dir)."""
    return seeded_data_dir
