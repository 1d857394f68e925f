"""Train the local verifier's classifier on the training halves of the development datasets.

    .venv/bin/python bench/train_verifier.py            # writes assistant/check/verifier_weights.json
    .venv/bin/python bench/train_verifier.py --dry-run  # prints the cross-validated scores, writes nothing
    .venv/bin/python bench/train_verifier.py --cross-fit-twin DIR   # also the entailment groups, through a twin

Data: SummEdits, Climate-FEVER and WiCE dev claims whose group (SummEdits source document, Climate-FEVER claim,
WiCE claim) hashes into the "train" half (assistant/evaluate/datasets.py: split_of). The "test" half is never
read here, so every figure bench/check.py reports is on documents and claims the classifier has not seen.
When the shipped entailment model was made with --hold-out-decision-groups (its PROVENANCE.json says so), only
the training half's "decision" groups are used (splits.stage_of): claims the entailment model never read, so the
decision learns how far to trust its readings on new claims. With --cross-fit-twin DIR (a model made by
bench/train_nli.py --cross-fit-twin: the same recipe on the decision groups only), the entailment groups' claims
join them, read through that twin: every training-half claim, each read by a model that never saw it.
Model: scikit-learn multinomial logistic regression on standardised features; each dataset weighs the same in
the loss and, within it, each verdict class too. The per-class offsets and the overrule margin that
`assistant.check.learned.combine` applies are chosen on out-of-fold predictions (5 folds grouped by document,
train half only) to maximise the mean of the three datasets' headline scores.
Features come from bench/features.py (cached in bench/results/; the first run assesses every claim: ~3 min).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import sys
from pathlib import Path

import numpy as np
import sklearn
from claimsets import HEADLINE, ClaimSet, LabelledClaim, all_sets, false_support, right, score
from corpora import require_datasets
from features import Described, described, reads_through_twin
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from assistant.check.entailment import read_provenance
from assistant.check.features import FEATURES
from assistant.check.learned import CLASSES, WEIGHTS, VerifierModel, combine
from assistant.evaluate.splits import TEST_SHARE, stage_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent
C = 0.3  # inverse regularisation strength; 0.1-1.0 give the same scores within 0.01 on the folds
OFFSETS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
OVERRULE = (0.7, 0.8, 0.9, 1.01)  # overruling a rule-made "supported" needs a clear margin
OVERRULE_CONFLICT = (0.9, 0.95, 1.01)  # overruling a named slot conflict needs near certainty (1.01: never)
CALIBRATION_POINTS = 12  # breakpoints kept per verdict: a readable table in the weights file
FALSE_SUPPORT_TARGET = 0.10
CALIBRATION_BIN = 40  # verdicts per calibration bin at least


# Whether the shipped entailment model was trained without the training half's decision groups.
HELD_OUT = bool(read_provenance().get("decision_groups_held_out"))
# main() sets this with --cross-fit-twin: the entailment groups' claims, read through the twin that never saw them,
# join the decision groups' (read through the shipped model, which never saw those).
CROSS_FITTED = False


def learns_from(claim: LabelledClaim) -> bool:
    """Whether the decision is fitted on this claim: a training-half claim the entailment model never read.

    With an entailment model trained on every training-half claim (rounds 1-3), the decision can only be fitted
    on claims the model has read, where its readings are better than on new claims (the fitted decision then
    trusts them too much); a model made with --hold-out-decision-groups leaves the decision groups unread, and
    with --cross-fit-twin every training claim is read through a model that never saw it.
    """
    return claim.split == "train" and (not HELD_OUT or CROSS_FITTED or stage_of(claim.group) == "decision")


def training_rows(sets: list[tuple[ClaimSet, Described]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features, class index, sample weight, group) of every labelled training claim."""
    rows, labels, weights, groups = [], [], [], []
    for claimset, desc in sets:
        chosen = [i for i, c in enumerate(desc.claims) if learns_from(c) and c.label in CLASSES and c.text]
        counts = {label: sum(desc.claims[i].label == label for i in chosen) for label in CLASSES}
        present = [label for label in CLASSES if counts[label]]
        for i in chosen:
            label = desc.claims[i].label or ""
            rows.append(desc.features[i])
            labels.append(CLASSES.index(label))
            weights.append(1.0 / (len(present) * counts[label]))  # every dataset sums to 1, split evenly by class
            groups.append(f"{claimset.name}:{desc.claims[i].group}")
    return np.array(rows), np.array(labels), np.array(weights), np.array(groups)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit((x - mean) / scale, y, sample_weight=w * len(w) / w.sum())
    return model, mean, scale


def probabilities(model: LogisticRegression, mean: np.ndarray, scale: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict_proba((x - mean) / scale))


def out_of_fold(sets: list[tuple[ClaimSet, Described]]) -> dict[str, np.ndarray]:
    """Class probabilities of every claim from a model that did not train on its group (5 folds, train half)."""
    x, y, w, groups = training_rows(sets)
    oof: dict[str, np.ndarray] = {}
    keys = [f"{cs.name}:{c.group}" for cs, d in sets for c in d.claims]
    all_x = np.vstack([d.features for _, d in sets])
    fold_of = {}
    for fold, (_, test_index) in enumerate(GroupKFold(5).split(x, y, groups)):
        for group in set(groups[test_index]):
            fold_of[group] = fold
    predicted = np.zeros((len(keys), len(CLASSES)))
    for fold in range(5):
        train_index = np.array([fold_of[g] != fold for g in groups])
        model, mean, scale = fit(x[train_index], y[train_index], w[train_index])
        rows = np.array([fold_of.get(k, -1) == fold for k in keys])
        if rows.any():
            predicted[rows] = probabilities(model, mean, scale, all_x[rows])
    start = 0
    for claimset, desc in sets:
        oof[claimset.name] = predicted[start:start + len(desc.claims)]
        start += len(desc.claims)
    return oof


def tune(sets: list[tuple[ClaimSet, Described]], oof: dict[str, np.ndarray]
         ) -> tuple[dict[str, float], dict[str, float]]:
    """Offsets and overrule margins from out-of-fold predictions on the training half: (thresholds, scores).

    The objective is the mean of the three headline scores, less the mean excess of false support (false claims
    called supported) over FALSE_SUPPORT_TARGET: the worst error a fact-checker can make is paid for twice.
    """
    best: tuple[float, dict[str, float], dict[str, float]] = (-1.0, {}, {})
    for support, contra, overrule, conflict in itertools.product(OFFSETS, OFFSETS, OVERRULE, OVERRULE_CONFLICT):
        thresholds = {"supported": support, "contradicted": contra, "not_enough_evidence": 0.0, "overrule": overrule,
                      "overrule_conflict": conflict}
        scores: dict[str, float] = {}
        penalties: list[float] = []
        for claimset, desc in sets:
            train = [i for i, c in enumerate(desc.claims) if learns_from(c)]
            verdicts = [combine(desc.rules[i], dict(zip(CLASSES, oof[claimset.name][i], strict=True)), thresholds,
                                desc.features[i], desc.firm[i])
                        if desc.claims[i].text else "" for i in train]
            claims = [desc.claims[i] for i in train]
            scores[claimset.name] = score(claimset.name, claims, verdicts)[HEADLINE[claimset.name]]
            penalties.append(max(0.0, false_support(claimset.name, claims, verdicts) - FALSE_SUPPORT_TARGET))
        mean_score = float(np.mean(list(scores.values())) - np.mean(penalties))
        if mean_score > best[0]:
            best = (mean_score, thresholds, scores)
    return best[1], best[2]


def calibrate(sets: list[tuple[ClaimSet, Described]], oof: dict[str, np.ndarray], thresholds: dict[str, float]
              ) -> dict[str, tuple[list[float], list[float]]]:
    """Per verdict, how often the final verdict was right as a monotone function of its out-of-fold probability."""
    seen: dict[str, list[tuple[float, bool]]] = {label: [] for label in CLASSES}
    for claimset, desc in sets:
        for i, claim in enumerate(desc.claims):
            if not learns_from(claim) or not claim.text:
                continue
            p = dict(zip(CLASSES, oof[claimset.name][i], strict=True))
            verdict = combine(desc.rules[i], p, thresholds, desc.features[i], desc.firm[i])
            correct = right(claimset.name, claim, verdict)
            if correct is not None and verdict in seen:
                seen[verdict].append((p[verdict], correct))
    table = {}
    for label, points in seen.items():
        if len(points) < 2 * CALIBRATION_BIN:
            continue
        xs, ys = np.array([x for x, _ in points]), np.array([float(y) for _, y in points])
        # Equal-count bins of at least CALIBRATION_BIN verdicts, then made monotone (pool adjacent violators):
        # a few lucky verdicts at the top end must not promise 100%.
        bins = np.array_split(np.argsort(xs), min(CALIBRATION_POINTS, len(xs) // CALIBRATION_BIN))
        centres = np.array([xs[b].mean() for b in bins])
        accuracy = np.array([ys[b].mean() for b in bins])
        fitted = IsotonicRegression(y_min=0.0, y_max=1.0).fit(centres, accuracy, sample_weight=[len(b) for b in bins])
        table[label] = ([round(float(x), 4) for x in centres], [round(float(y), 4) for y in fitted.predict(centres)])
    return table


def _through_twin(desc: Described, twin: Described) -> Described:
    """The shipped model's features, with the twin's for the claims it reads."""
    features, rules, firm = desc.features.copy(), list(desc.rules), list(desc.firm)
    for i, claim in enumerate(desc.claims):
        if reads_through_twin(claim):
            features[i], rules[i], firm[i] = twin.features[i], twin.rules[i], twin.firm[i]
    return Described(desc.claims, features, rules, firm, desc.seconds + twin.seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the cross-validated scores, write nothing")
    parser.add_argument("--cross-fit-twin", type=Path, metavar="DIR",
                        help="a model folder made by bench/train_nli.py --cross-fit-twin: the decision is also "
                             "fitted on the entailment groups' claims, read through it")
    args = parser.parse_args(argv)
    root = require_datasets(PROJECT_ROOT)
    sets = [(claimset, described(claimset)) for claimset in all_sets(root)]
    if args.cross_fit_twin is not None:
        if not HELD_OUT or read_provenance(args.cross_fit_twin).get("trained_stage") != "decision":
            sys.exit("--cross-fit-twin needs a shipped model made with --hold-out-decision-groups and a twin made "
                     "with --cross-fit-twin (their PROVENANCE.json say so)")
        global CROSS_FITTED
        CROSS_FITTED = True
        sets = [(claimset, _through_twin(desc, described(claimset, twin=args.cross_fit_twin)))
                for claimset, desc in sets]
    oof = out_of_fold(sets)
    thresholds, oof_scores = tune(sets, oof)
    calibration = calibrate(sets, oof, thresholds)
    x, y, w, _groups = training_rows(sets)
    model, mean, scale = fit(x, y, w)
    counts = {cs.name: sum(learns_from(c) and c.label in CLASSES and bool(c.text) for c in d.claims)
              for cs, d in sets}
    verifier = VerifierModel(
        features=FEATURES, mean=mean, scale=scale, coef=model.coef_, intercept=model.intercept_,
        thresholds=thresholds, calibration=calibration, provenance={
            "trained": datetime.date.today().isoformat(), "script": "bench/train_verifier.py",
            "model": f"scikit-learn {sklearn.__version__} LogisticRegression(C={C}), standardised features",
            "data": "train half of summedits-dev, climate-fever, wice-dev: groups with split_of(group) == 'train' "
                    f"(sha256 bucket >= {TEST_SHARE}); the test half is never read"
                    + ("; its decision groups (stage_of), read through the shipped entailment model, and its "
                       "entailment groups, read through a twin trained on the decision groups only (cross-fitted: "
                       "no claim read through a model that was trained on it)" if CROSS_FITTED else
                       "; only its decision groups (stage_of), which the entailment model never read" if HELD_OUT
                       else "; the entailment model was trained on these claims too"),
            "training_claims": counts,
            "out_of_fold_scores_train_half": {k: round(v, 4) for k, v in oof_scores.items()},
            "calibration": "isotonic regression per verdict of out-of-fold correctness on the training half",
        })
    print(f"training claims: {counts}")
    print(f"out-of-fold scores on the training half: { {k: round(v, 3) for k, v in oof_scores.items()} }")
    print(f"thresholds: {thresholds}")
    if args.dry_run:
        return 0
    WEIGHTS.write_text(verifier.to_json(), encoding="utf-8")
    print(f"wrote {WEIGHTS.relative_to(PROJECT_ROOT)} ({WEIGHTS.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
