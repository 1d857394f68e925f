"""LangChain's own standard tests for retrievers, run against FactcheckRetriever over the seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.integrations.langchain import FactcheckRetriever


class TestFactcheckRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _seeds(self, seeded: Path) -> None:
        self.data_dir = seeded

    @property
    def retriever_constructor(self) -> type[FactcheckRetriever]:
        return FactcheckRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"data_dir": self.data_dir, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return "How many civilians were killed in coalition strikes in June?"
