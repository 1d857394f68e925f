"""Which half of a development dataset a group belongs to: "train" or "test", by hash, the same on every machine.

Everything trained here (bench/train_nli.py) reads only "train" groups; every figure that `factcheck eval` and
`bench/` report is measured on "test" groups. Kept free of heavy imports so training scripts can use it.
"""

from __future__ import annotations

import hashlib

TEST_SHARE = 0.5


def split_of(group: str) -> str:
    """"train" or "test" for a dataset group (a source document, a claim)."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if bucket < TEST_SHARE else "train"


def summedits_group(doc: str) -> str:
    return "summedits:" + hashlib.sha256(doc.strip().encode("utf-8")).hexdigest()[:12]
