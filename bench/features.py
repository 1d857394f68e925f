"""Feature vectors of every labelled claim, computed once and cached (shared by bench/check.py and training).

For each dataset claim: the local verifier's assessment (retrieval, aligned sentences, rule judgements) gives the
feature vector of assistant/check/features.py and the rules-only verdict. Cached in bench/results/ under a key of
the feature code and the corpus, so re-running a benchmark or training costs seconds, not the ~15 minutes of
retrieval and alignment over ~4,000 claims on 2 cores.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from claimsets import ClaimSet, LabelledClaim
from stores import PROJECT_ROOT, built_store, fingerprint, say

from assistant.check.entailment import EntailmentModel
from assistant.check.features import FEATURES
from assistant.check.verify_local import assess, rules_verdict
from assistant.evaluate.splits import stage_of
from assistant.retrieve import Filters

RESULTS = PROJECT_ROOT / "bench" / "results"
TWIN_STAGE = "entailment"  # the stage the shipped model was trained on, which its twin never read
FEATURE_CODE = ("check/features.py", "check/entailment.py", "check/models/nli/PROVENANCE.json",
                "check/entities.py", "check/verify_local.py", "check/slots.py",
                "check/evidence.py", "check/claims.py", "retrieve/fusion.py", "store/fts5.py", "text.py",
                "retrieve/search.py")


@dataclass
class Described:
    claims: list[LabelledClaim]
    features: np.ndarray  # one row per claim, FEATURES columns (zeros for an empty SummEdits summary)
    rules: list[str]  # the rules-only verdict per claim ("" for an empty summary)
    firm: list[bool]  # the rules' conflict is one the classifier may not overrule (verify_local.FIRM_CONFLICT)
    seconds: float  # time spent assessing (0 when read from the cache)


def _cache_key(claimset: ClaimSet, twin: Path | None = None) -> str:
    digest = hashlib.sha256(fingerprint(claimset.articles).encode())
    if twin is not None:  # the twin's own weights and provenance, and the claims it reads
        digest.update(f"twin\t{TWIN_STAGE}".encode())
        for name in ("model.onnx", "PROVENANCE.json"):
            digest.update((twin / name).read_bytes())
    for claim in claimset.claims:
        digest.update(f"{claim.id}\t{claim.text}\t{claim.sources}".encode())
    for name in FEATURE_CODE:
        path = PROJECT_ROOT / "assistant" / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reads_through_twin(claim: LabelledClaim) -> bool:
    """The claims the cross-fitting twin reads for the decision: the training half's entailment groups, which the
    shipped model was trained on."""
    return claim.split == "train" and stage_of(claim.group) == TWIN_STAGE


def described(claimset: ClaimSet, fresh: bool = False, twin: Path | None = None) -> Described:
    """Every claim's features through the shipped entailment model; with `twin` (a model folder made with
    bench/train_nli.py --cross-fit-twin), those of the claims `reads_through_twin` through it, zeros elsewhere."""
    kind = "twin-" if twin is not None else ""
    path = RESULTS / f"features-{kind}{claimset.name}-{_cache_key(claimset, twin)}.npz"
    if path.exists() and not fresh:
        cached = np.load(path, allow_pickle=False)
        if list(cached["names"]) == list(FEATURES) and "firm" in cached:
            return Described(claimset.claims, cached["features"], json.loads(str(cached["rules"])),
                             json.loads(str(cached["firm"])), 0.0)
    features = np.zeros((len(claimset.claims), len(FEATURES)))
    rules = [""] * len(claimset.claims)
    firm = [False] * len(claimset.claims)
    started = time.perf_counter()
    model = EntailmentModel(twin) if twin is not None else None
    with built_store(claimset.name, claimset.articles, fresh) as (store, _info):
        for index, claim in enumerate(claimset.claims):
            if not claim.text or (twin is not None and not reads_through_twin(claim)):
                continue
            filters = Filters(sources=list(claim.sources)) if claim.sources else None
            assessment = assess(store, claim.text, filters, model=model)
            features[index] = assessment.features
            rules[index] = rules_verdict(store, assessment).verdict
            firm[index] = assessment.firm_conflict
            if index % 250 == 0:
                say(f"{claimset.name}: {index:,}/{len(claimset.claims):,} claims assessed "
                    f"({time.perf_counter() - started:.0f} s)")
    seconds = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, features=features, rules=json.dumps(rules), names=np.array(FEATURES),
                        firm=json.dumps(firm))
    return Described(claimset.claims, features, rules, firm, seconds)
