"""The train/test split behind every dataset figure: deterministic, balanced, and never crossed by training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.check.features import FEATURES
from assistant.evaluate.datasets import datasets_dir, split_of, summedits_group

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
def test_training_rows_never_include_a_test_half_group() -> None:
    from claimsets import all_sets
    from features import Described
    from train_verifier import training_rows

    sets = all_sets(datasets_dir())
    described = [(s, Described(s.claims, np.zeros((len(s.claims), len(FEATURES))), [""] * len(s.claims), 0.0))
                 for s in sets]
    _x, y, weights, groups = training_rows(described)
    assert len(y) > 1000 and all(split_of(g.split(":", 1)[1]) == "train" for g in groups)
    for claimset in sets:  # every dataset weighs the same in the loss
        share = weights[[g.startswith(claimset.name + ":") for g in groups]].sum() / weights.sum()
        assert abs(share - 1 / len(sets)) < 1e-9
    test_groups = {c.group for s in sets for c in s.claims if c.split == "test"}
    assert test_groups and not test_groups & {g.split(":", 1)[1] for g in groups}
