"""The train/test split behind every dataset figure: deterministic, balanced, and never crossed by training."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evaluate.datasets import datasets_dir
from assistant.evaluate.splits import split_of, stage_of, summedits_group

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_split_is_a_stable_hash_near_half_and_half() -> None:
    groups = [f"cf-{i}" for i in range(2000)]
    assert [split_of(g) for g in groups] == [split_of(g) for g in groups]
    share = sum(split_of(g) == "test" for g in groups) / len(groups)
    assert 0.45 < share < 0.55
    assert summedits_group(" a document \n") == summedits_group("a document")


@pytest.fixture
def bench_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    if not datasets_dir().exists():
        pytest.skip(f"datasets not found at {datasets_dir()}")
    monkeypatch.syspath_prepend(str(BENCH))


@pytest.mark.usefixtures("bench_modules")
def test_entailment_training_pairs_never_come_from_a_test_half_group() -> None:
    """bench/nli_data.py reads only training-half groups, and no sentence of a test-half claim's evidence."""
    import json

    from nli_data import climate_fever, summedits, wice

    folder = datasets_dir()
    cf_pairs, cf_docs = climate_fever(folder)
    rows = [json.loads(line) for line in (folder / "climate-fever" / "climate-fever.jsonl").open()]
    test_evidence = {e["evidence"] for r in rows if split_of(f"cf-{r['claim_id']}") == "test" for e in r["evidences"]}
    test_claims = {r["claim"] for r in rows if split_of(f"cf-{r['claim_id']}") == "test"}
    assert len(cf_pairs) > 1000
    assert not {p.premise for p in cf_pairs} & test_evidence
    assert not {s for d in cf_docs for s in d.sentences} & test_evidence
    train_claims = {r["claim"] for r in rows if split_of(f"cf-{r['claim_id']}") == "train"}
    assert {p.hypothesis for p in cf_pairs} <= train_claims and not {p.hypothesis for p in cf_pairs} & (
        test_claims - train_claims)
    wice_pairs, wice_docs = wice(folder, __import__("random").Random(0))
    assert wice_pairs and all(split_of(d.group) == "train" for d in wice_docs)
    _pairs, summedits_docs = summedits(folder)
    assert summedits_docs and all(split_of(d.group) == "train" for d in summedits_docs)


def test_decision_stage_is_a_stable_hash_near_half_of_the_training_half() -> None:
    groups = [f"cf-{i}" for i in range(4000) if split_of(f"cf-{i}") == "train"]
    stages = [stage_of(g) for g in groups]
    assert stages == [stage_of(g) for g in groups] and set(stages) == {"entailment", "decision"}
    assert 0.45 < stages.count("decision") / len(groups) < 0.55


@pytest.mark.usefixtures("bench_modules")
def test_held_out_decision_groups_give_no_entailment_training_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --hold-out-decision-groups, no claim or evidence sentence of a decision group is trained on."""
    import json
    import random

    import nli_data

    folder = datasets_dir()
    everything, _docs = nli_data.climate_fever(folder)
    monkeypatch.setattr(nli_data, "TRAINED_STAGE", "entailment")
    cf_pairs, cf_docs = nli_data.climate_fever(folder)
    rows = [json.loads(line) for line in (folder / "climate-fever" / "climate-fever.jsonl").open()]
    decision = [r for r in rows if split_of(f"cf-{r['claim_id']}") == "train"
                and stage_of(f"cf-{r['claim_id']}") == "decision"]
    decision_evidence = {e["evidence"] for r in decision for e in r["evidences"]}
    assert decision and 0.3 * len(everything) < len(cf_pairs) < 0.7 * len(everything)
    assert not {p.hypothesis for p in cf_pairs} & {r["claim"] for r in decision}
    assert not ({p.premise for p in cf_pairs} | {s for d in cf_docs for s in d.sentences}) & decision_evidence
    wice_pairs, wice_docs = nli_data.wice(folder, random.Random(0))
    _pairs, summedits_docs = nli_data.summedits(folder)
    assert wice_pairs and all(stage_of(d.group) == "entailment" for d in wice_docs + summedits_docs)
    assert all(stage_of(f"wice-{json.loads(line)['meta']['id']}") == "entailment"
               for line in (folder / "wice-dev" / "claim_dev.jsonl").open()
               if json.loads(line)["claim"] in {p.hypothesis for p in wice_pairs})


@pytest.mark.usefixtures("bench_modules")
def test_the_cross_fit_twin_reads_no_entailment_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --cross-fit-twin, the opposite: no claim or evidence sentence of an entailment group is trained on."""
    import json

    import nli_data

    folder = datasets_dir()
    monkeypatch.setattr(nli_data, "TRAINED_STAGE", "decision")
    cf_pairs, cf_docs = nli_data.climate_fever(folder)
    rows = [json.loads(line) for line in (folder / "climate-fever" / "climate-fever.jsonl").open()]
    entailment = [r for r in rows if split_of(f"cf-{r['claim_id']}") == "train"
                  and stage_of(f"cf-{r['claim_id']}") == "entailment"]
    assert entailment and cf_pairs
    assert not {p.hypothesis for p in cf_pairs} & {r["claim"] for r in entailment}
    assert not ({p.premise for p in cf_pairs} | {s for d in cf_docs for s in d.sentences}) & {
        e["evidence"] for r in entailment for e in r["evidences"]}
