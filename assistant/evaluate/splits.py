"""Which half of a development dataset a group belongs to: "train" or "test", by hash, the same on every machine.

Everything trained here (bench/train_nli.py) reads only "train" groups; every figure that `factcheck eval` and
`bench/` report is measured on "test" groups. Kept free of heavy imports so training scripts can use it.
"""

from __future__ import annotations

import hashlib

TEST_SHARE = 0.5
DECISION_SHARE = 0.5  # of the training half: groups kept from the entailment model for the verifier's decision


def _bucket(group: str, salt: str = "") -> float:
    return int(hashlib.sha256((salt + group).encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def split_of(group: str) -> str:
    """"train" or "test" for a dataset group (a source document, a claim)."""
    return "test" if _bucket(group) < TEST_SHARE else "train"


def stage_of(group: str) -> str:
    """Which model a training-half group trains: "entailment" or "decision".

    The verifier's decision is fitted on the entailment model's readings; on claims that model was trained on, the
    readings are far better than on new claims (Climate-FEVER false support 11% out of fold, 25% on the test
    half), and the decision learns to trust them too much. A model trained with decision groups held out
    (bench/train_nli.py --hold-out-decision-groups) leaves the decision claims it has never read.
    """
    return "decision" if _bucket(group, "stage:") < DECISION_SHARE else "entailment"


def summedits_group(doc: str) -> str:
    return "summedits:" + hashlib.sha256(doc.strip().encode("utf-8")).hexdigest()[:12]
