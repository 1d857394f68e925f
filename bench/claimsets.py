"""Labelled claims from the three development datasets, for training and measuring the local verifier.

Every claim carries a `group` (the unit held out together: a SummEdits source document, a Climate-FEVER claim,
a WiCE claim) and `split_of(group)` (assistant/evaluate/datasets.py, shared with `factcheck eval`) puts each
group in "train" or "test" by a hash, so the classifier never sees a test document and the split is the same on
every machine and run.

Labels are the product's verdicts:
  SummEdits   a summary is split into claims as `factcheck check` splits it. Claims of consistent summaries are
              `supported`; in an inconsistent summary, the claims that differ from its `original_summary` are the
              edited ones: `not_enough_evidence` when the only edit is an inserted fact, else `contradicted`. An
              unchanged claim of an inconsistent summary has no claim label (kept for the summary-level flag).
  Climate-FEVER  SUPPORTS / REFUTES / NOT_ENOUGH_INFO -> supported / contradicted / not_enough_evidence;
              DISPUTED claims keep the label `disputed` and are reported apart (never trained on).
  WiCE        supported -> supported; partially_supported and not_supported -> not_enough_evidence (WiCE has
              no refutations: the cited page does not support the claim, or only part of it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from corpora import CorpusArticle, climate_fever_articles, wice_articles

from assistant.check.claims import split_claims
from assistant.evaluate.splits import split_of, summedits_group

_SUMMEDITS = (("summedits_ectsum.json", "earnings-call"), ("summedits_podcast.json", "podcast"))


@dataclass
class LabelledClaim:
    id: str
    text: str
    label: str | None  # a verdict, or None when only the unit's label is known
    group: str
    unit: str  # what the dataset labels: a SummEdits summary, else the claim itself
    unit_label: str  # SummEdits: "consistent" / "inconsistent"; else the claim label
    sources: tuple[str, ...] = ()  # a search filter: the SummEdits document the summary is about
    domain: str = ""

    @property
    def split(self) -> str:
        return split_of(self.group)


@dataclass
class ClaimSet:
    name: str
    articles: list[CorpusArticle]
    claims: list[LabelledClaim]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def summedits(root: Path) -> ClaimSet:
    articles: dict[str, CorpusArticle] = {}
    claims: list[LabelledClaim] = []
    for filename, domain in _SUMMEDITS:
        rows = json.loads((root / "summedits-dev" / filename).read_text(encoding="utf-8"))
        for row in rows:
            doc = str(row["doc"]).strip()
            if doc not in articles:
                number = sum(a.part == domain for a in articles.values())
                articles[doc] = CorpusArticle(key=f"summedits:{domain}:{number}", part=domain, text=doc,
                                              title=f"{domain} transcript {number}",
                                              source=f"summedits-{domain}-{number}")
            article = articles[doc]
            consistent = str(row["label"]) == "1"
            edits = set(row.get("edit_types") or [])
            original = {_flat(c) for c in split_claims(str(row.get("original_summary") or ""))[0]}
            for number, text in enumerate(split_claims(str(row["summary"]))[0]):
                if consistent:
                    label: str | None = "supported"
                elif _flat(text) in original:
                    label = None
                else:
                    label = "not_enough_evidence" if edits == {"hallucinated_fact_insertion"} else "contradicted"
                claims.append(LabelledClaim(
                    id=f"{row['id']}:{number}", text=text, label=label, group=summedits_group(doc),
                    unit=str(row["id"]),
                    unit_label="consistent" if consistent else "inconsistent", sources=(article.source,),
                    domain=domain))
            if not split_claims(str(row["summary"]))[0]:  # nothing check-worthy: the summary passes unflagged
                claims.append(LabelledClaim(id=f"{row['id']}:none", text="", label=None,
                                            group=summedits_group(doc),
                                            unit=str(row["id"]),
                                            unit_label="consistent" if consistent else "inconsistent",
                                            sources=(article.source,), domain=domain))
    return ClaimSet("summedits", list(articles.values()), claims)


_CLIMATE_FEVER = {"SUPPORTS": "supported", "REFUTES": "contradicted", "NOT_ENOUGH_INFO": "not_enough_evidence",
                  "DISPUTED": "disputed"}


def climate_fever(root: Path) -> ClaimSet:
    claims = []
    with open(root / "climate-fever" / "climate-fever.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                label = _CLIMATE_FEVER[row["claim_label"]]
                claims.append(LabelledClaim(id=f"cf-{row['claim_id']}", text=row["claim"], label=label,
                                            group=f"cf-{row['claim_id']}", unit=f"cf-{row['claim_id']}",
                                            unit_label=label))
    return ClaimSet("climate-fever", climate_fever_articles(root), claims)


def wice(root: Path) -> ClaimSet:
    claims = []
    with open(root / "wice-dev" / "claim_dev.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                label = "supported" if row["label"] == "supported" else "not_enough_evidence"
                key = f"wice-{row['meta']['id']}"
                claims.append(LabelledClaim(id=key, text=row["claim"], label=label, group=key, unit=key,
                                            unit_label=row["label"]))
    return ClaimSet("wice-dev", wice_articles(root), claims)


def all_sets(root: Path) -> list[ClaimSet]:
    return [summedits(root), climate_fever(root), wice(root)]


# -- scoring: each dataset in its own unit and metric ----------------------------------------------------------
VERDICTS3 = ("supported", "contradicted", "not_enough_evidence")


def balanced_accuracy(pairs: list[tuple[str, str]]) -> float:
    """Mean per-class recall over the classes present in the gold labels."""
    recalls = []
    for label in sorted({gold for gold, _ in pairs}):
        predicted = [p for g, p in pairs if g == label]
        recalls.append(sum(p == label for p in predicted) / len(predicted))
    return sum(recalls) / len(recalls) if recalls else 0.0


def score(name: str, claims: list[LabelledClaim], predicted: list[str]) -> dict[str, float]:
    """The dataset's headline metrics for verdicts `predicted` (one per claim, "" for an empty summary)."""
    if name == "summedits":
        flagged: dict[str, bool] = {}
        gold: dict[str, str] = {}
        domains: dict[str, str] = {}
        for claim, verdict in zip(claims, predicted, strict=True):
            flagged[claim.unit] = flagged.get(claim.unit, False) or verdict in ("contradicted", "not_enough_evidence")
            gold[claim.unit], domains[claim.unit] = claim.unit_label, claim.domain
        pairs = {unit: (gold[unit], "inconsistent" if flagged[unit] else "consistent") for unit in gold}
        result = {"balanced_accuracy": balanced_accuracy(list(pairs.values())), "summaries": float(len(pairs))}
        for domain in sorted(set(domains.values())):
            result[f"balanced_accuracy_{domain}"] = balanced_accuracy(
                [pair for unit, pair in pairs.items() if domains[unit] == domain])
        return result
    if name == "climate-fever":
        pairs3 = [(c.label or "", p) for c, p in zip(claims, predicted, strict=True) if c.label in VERDICTS3]
        result = {}
        f1s = []
        for label in VERDICTS3:
            tp = sum(g == label and p == label for g, p in pairs3)
            gold_n = sum(g == label for g, _ in pairs3)
            predicted_n = sum(p == label for _, p in pairs3)
            recall = tp / gold_n if gold_n else 0.0
            precision = tp / predicted_n if predicted_n else 0.0
            result[f"recall_{label}"] = recall
            f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        result["macro_f1"] = sum(f1s) / len(f1s)
        result["claims"] = float(len(pairs3))
        disputed = [p for c, p in zip(claims, predicted, strict=True) if c.label == "disputed"]
        for label in (*VERDICTS3, "disputed"):
            result[f"disputed_as_{label}"] = sum(p == label for p in disputed) / len(disputed) if disputed else 0.0
        return result
    pairs2 = [("supported" if c.label == "supported" else "not", "supported" if p == "supported" else "not")
              for c, p in zip(claims, predicted, strict=True)]
    return {"balanced_accuracy": balanced_accuracy(pairs2), "claims": float(len(pairs2))}


HEADLINE = {"summedits": "balanced_accuracy", "climate-fever": "macro_f1", "wice-dev": "balanced_accuracy"}


def right(name: str, claim: LabelledClaim, verdict: str) -> bool | None:
    """Whether one claim's verdict is right, in the dataset's own terms (None: the claim has no label to judge).

    Climate-FEVER: the three verdicts exactly. WiCE and SummEdits: supported or not (WiCE has no refutations;
    a SummEdits summary is flagged by either kind of problem).
    """
    if claim.label is None or claim.label == "disputed":
        return None
    if name == "climate-fever":
        return verdict == claim.label
    return (verdict == "supported") == (claim.label == "supported")


def false_support(name: str, claims: list[LabelledClaim], predicted: list[str]) -> float:
    """The share of false claims called supported: the worst error a fact-checker can make.

    False means refuted (Climate-FEVER), edited into contradiction (SummEdits) or not supported at all (WiCE).
    """
    if name == "wice-dev":
        false = [p for c, p in zip(claims, predicted, strict=True) if c.unit_label == "not_supported"]
    else:
        false = [p for c, p in zip(claims, predicted, strict=True) if c.label == "contradicted"]
    return sum(p == "supported" for p in false) / len(false) if false else 0.0
