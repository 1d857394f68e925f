"""The local verifier's decision: multinomial logistic regression over the features of `features.py`.

The features include the entailment model's readings (check/entailment.py) next to coverage and slot checks.
The weights are a small JSON file in the package (verifier_weights.json, written by bench/train_verifier.py from
the training halves of the development datasets); applying them needs numpy only, no scikit-learn at run time
and no pickle. `combine` is the one place where the rules' verdict and the classifier's probabilities meet: a
slot conflict the rules can name stands unless the classifier is nearly sure of support; otherwise the
classifier decides between supported, contradicted and not_enough_evidence, with per-class margins.
`confidence` turns the probability of the chosen verdict into how often such verdicts were right on the training
half (per verdict: equal-count bins of out-of-fold predictions, made monotone): a calibrated confidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from assistant.check.features import FEATURES, citable
from assistant.errors import FactcheckError, ModelError
from assistant.resources import CHECK, resource_path

WEIGHTS = resource_path(CHECK, "verifier_weights.json")
CLASSES = ("supported", "contradicted", "not_enough_evidence")
UPGRADE_FLOOR = 0.5  # the classifier alone calls a claim supported or contradicted only when more likely than not


@dataclass(frozen=True)
class VerifierModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    thresholds: dict[str, float]  # per-class minimum probability to overrule the rules
    provenance: dict[str, Any]
    calibration: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)  # verdict -> (p, right)

    def confidence(self, label: str, probability: float) -> float:
        """How often a verdict `label` given at this probability was right on the training half."""
        if label not in self.calibration:
            return probability
        xs, ys = self.calibration[label]
        return float(np.interp(probability, xs, ys))

    def probabilities(self, features: np.ndarray) -> dict[str, float]:
        logits = self.coef @ ((features - self.mean) / self.scale) + self.intercept
        exp = np.exp(logits - logits.max())
        return {label: float(p) for label, p in zip(CLASSES, exp / exp.sum(), strict=True)}

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "classes": list(CLASSES),
                           "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                           "coef": self.coef.round(6).tolist(), "intercept": self.intercept.round(6).tolist(),
                           "thresholds": self.thresholds,
                           "calibration": {k: [list(map(float, xs)), list(map(float, ys))]
                                           for k, (xs, ys) in self.calibration.items()},
                           "provenance": self.provenance}, indent=1) + "\n"


def parse(text: str) -> VerifierModel:
    data = json.loads(text)
    if tuple(data["features"]) != FEATURES or tuple(data["classes"]) != CLASSES:
        raise FactcheckError("the verifier weights do not match this version's features; retrain with "
                             "`.venv/bin/python bench/train_verifier.py`")
    return VerifierModel(features=FEATURES, mean=np.array(data["mean"]), scale=np.array(data["scale"]),
                         coef=np.array(data["coef"]), intercept=np.array(data["intercept"]),
                         thresholds=dict(data["thresholds"]), provenance=dict(data["provenance"]),
                         calibration={k: (list(v[0]), list(v[1])) for k, v in data.get("calibration", {}).items()})


@cache
def shipped_model() -> VerifierModel:
    """The packaged weights. A missing file is an error naming it, never a silent fall-back to the rules alone."""
    try:
        return parse(WEIGHTS.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(f"verifier weights {WEIGHTS} cannot be read ({exc.strerror}); reinstall the package") from None


def combine(rule_verdict: str, probabilities: dict[str, float] | None, thresholds: dict[str, float],
            features: np.ndarray, firm_conflict: bool = False) -> str:
    """The final verdict from the rules' verdict, the classifier's class probabilities and the claim's features.

    Without an aligned evidence sentence, supported and contradicted cannot be shown with a quote, so they are
    not given; the classifier alone gives them only at p >= UPGRADE_FLOOR. `firm_conflict`: the rules' conflict is
    one a parse names exactly (who did what to whom reversed), which no probability overrules.
    """
    if probabilities is None or rule_verdict == "disputed":
        return rule_verdict
    if rule_verdict == "contradicted":  # a named slot conflict stands unless support is all but certain
        sure = (probabilities["supported"] >= thresholds.get("overrule_conflict", 1.01) and citable(features)
                and not firm_conflict)
        return "supported" if sure else rule_verdict
    best = max(probabilities, key=lambda label: probabilities[label] - thresholds.get(label, 0.0))
    if rule_verdict == "supported" and best != "supported" and probabilities[best] < thresholds.get("overrule", 1.0):
        return rule_verdict
    if best != "not_enough_evidence" and (not citable(features) or probabilities[best] < UPGRADE_FLOOR):
        return rule_verdict
    return best
