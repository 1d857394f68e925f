"""Dataset suites built at run time from ../shared/datasets (never copied into the project).

- climate-fever-retrieval: does hybrid search put a gold evidence sentence in the top 5 for a claim?
- climate-fever-local: the local verifier's verdicts on test-half Climate-FEVER claims (DISPUTED left out),
  against the claims' own evidence articles; macro-F1 over supported / contradicted / not_enough_evidence.
- wice-local: supported vs not on test-half WiCE claims, against their cited pages; balanced accuracy.
- newsroom-local: claims worded as a reporter would (evals/newsroom.yaml: true ones in other words, false ones
  with one fact changed) about WiCE test-half pages, checked against all of them in one store; accuracy and the
  share of true claims supported, of false ones contradicted and of false ones not called supported.
- summedits-local: does the local verifier flag inconsistent summaries (a flag = any claim contradicted or
  not_enough_evidence) and pass consistent ones? Scored by balanced accuracy, on documents of the test half
  only (the classifier never saw them).
summedits-local scores the whole test half (one small store per document, so its cost grows linearly). The two
suites that share one store across their claims cost about the square of their size (every claim against every
page), so they score a fixed sample: the first claims of the test half in file order (deterministic).
evals/config.yaml states, beside each gate, the measured value, the sample size and its standard error; the gate
sits more than two standard errors below the measured value. Reference values (a trivial predictor's score) are
named baseline_* and are reported, never gated; bench/check.py scores the whole test halves.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.check.claims import split_claims
from assistant.check.verify_local import normalise_claim, verify_claim
from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.evaluate.metrics import accuracy, balanced_accuracy, macro_f1, mean
from assistant.evaluate.runner import CaseResult, Workbench
from assistant.evaluate.scoring import SuiteResult, evals_file, summarise
from assistant.evaluate.splits import split_of, summedits_group
from assistant.evaluate.suites import load_page_claims
from assistant.retrieve import search
from assistant.store.store import Store
from assistant.types import Verdict

CLIMATE_FEVER_CLAIMS = 120  # retrieval: the first claims with gold evidence (retrieval is not trained on them)
CLIMATE_FEVER_VERDICTS = 150  # climate-fever-local: the first test-half claims
WICE_CLAIMS = 60  # wice-local: the first test-half claims
_CLIMATE_FEVER_LABELS = {"SUPPORTS": "supported", "REFUTES": "contradicted", "NOT_ENOUGH_INFO": "not_enough_evidence"}
_WICE_META = "(meta data) "
_FLAGS = ("contradicted", "not_enough_evidence")  # a summary with such a claim is flagged inconsistent


def datasets_dir(settings: Settings | None = None) -> Path:
    """FACTCHECK_DATASETS, else ../shared/datasets beside the project folder (the current directory)."""
    return (settings or load_settings()).datasets or Path.cwd().parent / "shared" / "datasets"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path.parent


def _climate_fever_rows() -> list[dict[str, Any]]:
    with open(datasets_dir() / "climate-fever" / "climate-fever.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _evidence_articles(claims: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The claims' evidence sentences, in page order, one article per Wikipedia page."""
    sentences: dict[str, dict[int, str]] = {}
    for row in claims:
        for e in row["evidences"]:
            sentences.setdefault(e["article"], {})[int(e["evidence_id"].rpartition(":")[2])] = e["evidence"]
    return [{"text": "\n".join(s for _, s in sorted(by_index.items())), "title": title, "source": "wikipedia"}
            for title, by_index in sorted(sentences.items())]


def climate_fever_retrieval(bench: Workbench, scratch: Path) -> SuiteResult:
    claims = [r for r in _climate_fever_rows()
              if any(e["evidence_label"] != "NOT_ENOUGH_INFO" for e in r["evidences"])][:CLIMATE_FEVER_CLAIMS]
    records = _evidence_articles(claims)
    store = bench.store(_write_jsonl(scratch / "climate-fever" / "articles.jsonl", records))
    cases = []
    for row in claims:
        started = time.perf_counter()
        gold = [_flat(e["evidence"]) for e in row["evidences"] if e["evidence_label"] != "NOT_ENOUGH_INFO"]
        passages = search(store, row["claim"], 10)
        rank = next((i for i, p in enumerate(passages, start=1) if any(g in _flat(p.text) for g in gold)), None)
        cases.append(CaseResult(id=f"cf-{row['claim_id']}", kind="search", passed=rank is not None and rank <= 5,
                                rank=rank, seconds=round(time.perf_counter() - started, 3),
                                reasons=[] if rank and rank <= 5 else [f"gold evidence at rank {rank or '>10'}"]))
    result = summarise("climate-fever-retrieval", "any", cases)
    ranks = [c.rank for c in cases]
    result.metrics["recall@5"] = mean([float(r is not None and r <= 5) for r in ranks])
    result.metrics["mrr@10"] = mean([1.0 / r if r else 0.0 for r in ranks])
    result.notes.append(f"{len(claims)} Climate-FEVER claims with gold evidence over {len(records)} articles")
    return result


def summedits_local(bench: Workbench, scratch: Path) -> SuiteResult:
    folder = datasets_dir() / "summedits-dev"
    pairs: list[tuple[str, str]] = []
    cases = []
    for domain in ("summedits_podcast.json", "summedits_ectsum.json"):
        rows = json.loads((folder / domain).read_text(encoding="utf-8"))
        docs = [d for d in dict.fromkeys(r["doc"] for r in rows) if split_of(summedits_group(d)) == "test"]
        for number, doc in enumerate(docs):
            store = bench.store(_write_jsonl(scratch / "summedits" / f"{domain}-{number}" / "doc.jsonl",
                                             [{"text": doc, "title": f"{domain} document {number}",
                                               "source": domain.removesuffix(".json")}]))
            # The edited summaries of one document share most of their sentences, and the local verdict of a
            # claim against one store is deterministic: each distinct claim is verified once (644 of 835 claims),
            # and a summary's claims only until the first one flagged, which decides the summary.
            verdict_of: dict[str, Verdict] = {}
            for row in (r for r in rows if r["doc"] == doc):
                started = time.perf_counter()
                verdicts = []
                for claim in split_claims(row["summary"])[0]:
                    if claim not in verdict_of:
                        verdict_of[claim] = verify_claim(store, claim)
                    verdicts.append(verdict_of[claim])
                    if verdicts[-1].verdict in _FLAGS:
                        break
                flagged = any(v.verdict in _FLAGS for v in verdicts)
                expected = "consistent" if str(row["label"]) == "1" else "inconsistent"
                predicted = "inconsistent" if flagged else "consistent"
                pairs.append((expected, predicted))
                citations, valid = _verified(store, verdicts)
                cases.append(CaseResult(id=str(row["id"]), kind="check", passed=expected == predicted,
                                        seconds=round(time.perf_counter() - started, 3),
                                        citations=citations, citations_valid=valid,
                                        reasons=[] if expected == predicted else [f"{predicted}, expected {expected}"]))
    result = summarise("summedits-local", "local", cases)
    result.metrics["balanced_accuracy"] = balanced_accuracy(pairs)
    result.metrics["accuracy"] = accuracy(pairs)
    result.metrics["baseline_majority_accuracy"] = _majority_accuracy([e for e, _ in pairs])
    result.notes.append(f"{len(cases)} summaries of the test-half documents (podcast, earnings call); any constant "
                        "answer has balanced accuracy 0.5")
    return result


def _majority_accuracy(expected: list[str]) -> float | None:
    """The accuracy of always answering the most frequent expected label: a reference value, never gated."""
    if not expected:
        return None
    majority = max(sorted(set(expected)), key=expected.count)
    return accuracy([(e, majority) for e in expected])


def _verified(store: Store, verdicts: list[Verdict]) -> tuple[int, int]:
    """(citations, citations whose quote is the stored article's text at its offsets)."""
    citations = [c for v in verdicts for c in v.citations]
    valid = 0
    for citation in citations:
        article = store.article(citation.article_id)
        valid += article is not None and article.text[citation.start:citation.end] == citation.quote
    return len(citations), valid


def _verdict_case(store: Store, case_id: str, claim: str, expected: str, scored_as: str | None = None) -> CaseResult:
    """One dataset claim, whole (as bench/check.py scores it); `scored_as` maps verdicts onto a binary label."""
    started = time.perf_counter()
    verdict = verify_claim(store, normalise_claim(claim))
    predicted = verdict.verdict
    if scored_as is not None:
        predicted = scored_as if predicted == scored_as else "not"
    citations, valid = _verified(store, [verdict])
    return CaseResult(id=case_id, kind="check", passed=predicted == expected, expected_verdict=expected,
                      predicted_verdict=predicted, confidence=verdict.confidence,
                      quotes=[c.quote[:300] for c in verdict.citations[:3]],
                      seconds=round(time.perf_counter() - started, 3),
                      citations=citations, citations_valid=valid,
                      reasons=[] if predicted == expected else [f"{predicted}, expected {expected}"])


def climate_fever_local(bench: Workbench, scratch: Path) -> SuiteResult:
    claims = [r for r in _climate_fever_rows() if r["claim_label"] in _CLIMATE_FEVER_LABELS
              and split_of(f"cf-{r['claim_id']}") == "test"][:CLIMATE_FEVER_VERDICTS]
    records = _evidence_articles(claims)
    store = bench.store(_write_jsonl(scratch / "climate-fever-local" / "articles.jsonl", records))
    cases = [_verdict_case(store, f"cf-{r['claim_id']}", r["claim"], _CLIMATE_FEVER_LABELS[r["claim_label"]])
             for r in claims]
    result = summarise("climate-fever-local", "local", cases)
    labels = list(_CLIMATE_FEVER_LABELS.values())
    expected = [c.expected_verdict or "" for c in cases]
    result.metrics["macro_f1"] = macro_f1([(e, c.predicted_verdict or "") for e, c in zip(expected, cases,
                                                                                        strict=True)], labels)
    majority = max(labels, key=expected.count)
    result.metrics["baseline_majority_macro_f1"] = macro_f1([(e, majority) for e in expected], labels)
    result.notes.append(f"{len(cases)} test-half Climate-FEVER claims (DISPUTED left out) over {len(records)} "
                        "articles of their evidence sentences")
    return result


def _wice_rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (datasets_dir() / "wice-dev" / "claim_dev.jsonl").open() if line.strip()]


def _wice_page(row: dict[str, Any]) -> dict[str, str]:
    """The page a WiCE claim cites, as an article record: its sentences less the crawler's meta lines."""
    body = [s for s in row["evidence"] if not s.startswith(_WICE_META)]
    title = next((s.partition(":")[2].strip() for s in row["evidence"] if s.startswith(_WICE_META + "TITLE")), "")
    return {"text": "\n".join(body), "title": title or f"page {row['meta']['id']}", "source": "web"}


def wice_local(bench: Workbench, scratch: Path) -> SuiteResult:
    claims = [r for r in _wice_rows() if split_of(f"wice-{r['meta']['id']}") == "test"][:WICE_CLAIMS]
    records = [_wice_page(row) for row in claims]
    store = bench.store(_write_jsonl(scratch / "wice-local" / "pages.jsonl", records))
    cases = [_verdict_case(store, f"wice-{r['meta']['id']}", r["claim"],
                           "supported" if r["label"] == "supported" else "not", scored_as="supported")
             for r in claims]
    result = summarise("wice-local", "local", cases)
    result.metrics["baseline_majority_accuracy"] = _majority_accuracy([c.expected_verdict or "" for c in cases])
    result.notes.append(f"{len(cases)} test-half WiCE claims over their {len(records)} cited pages; partially "
                        "supported and not supported both count as not supported; any constant answer has "
                        "balanced accuracy 0.5")
    return result


NEWSROOM = "newsroom.yaml"  # pages of the test half, claims untouched by development
NEWSROOM_DEV = "newsroom-dev.yaml"  # pages of the training half, claims used in development
NEWSROOM_TEST = "newsroom-test.yaml"  # more pages of the test half, claims used in development once
NEWSROOM_TEST2 = "newsroom-test2.yaml"  # six more pages of the test half, claims used in development once
NEWSROOM_TEST3 = "newsroom-test3.yaml"  # six further pages of the test half, claims used in development once
NEWSROOM_TEST4 = "newsroom-test4.yaml"  # six other pages of the test half, claims used in development once
NEWSROOM_TEST5 = "newsroom-test5.yaml"  # and six more, written while a helper tested a wheel; used once too
NEWSROOM_TEST6 = "newsroom-test6.yaml"  # and six more again, the same way (sixth session); used once too
NEWSROOM_TEST7 = "newsroom-test7.yaml"  # and six more, the same way (seventh session); two pages newsroom.yaml's too

_PAGE_CLAIM_SUITES = {"newsroom-local": NEWSROOM, "newsroom-dev-local": NEWSROOM_DEV,
                      "newsroom-test-local": NEWSROOM_TEST, "newsroom-test2-local": NEWSROOM_TEST2,
                      "newsroom-test3-local": NEWSROOM_TEST3, "newsroom-test4-local": NEWSROOM_TEST4,
                      "newsroom-test5-local": NEWSROOM_TEST5, "newsroom-test6-local": NEWSROOM_TEST6,
                      "newsroom-test7-local": NEWSROOM_TEST7}


def _page_claims(name: str, file: str) -> Callable[[Workbench, Path], SuiteResult]:
    """The suite of reporter-worded claims in `file` (the project's evals/ copy, else the shipped one)."""
    return lambda bench, scratch: _run_page_claims(name, file, bench, scratch)


def _run_page_claims(name: str, file: str, bench: Workbench, scratch: Path) -> SuiteResult:
    source = evals_file(file)
    spec = load_page_claims(source)
    by_id = {row["meta"]["id"]: row for row in _wice_rows()}
    missing = [page for page in spec.pages if page not in by_id]
    if missing:
        raise ConfigError(f"{source}: page {missing[0]} is not a WiCE dev claim id")
    records = [_wice_page(by_id[page]) for page in spec.pages]
    store = bench.store(_write_jsonl(scratch / name / "pages.jsonl", records))
    cases = [_verdict_case(store, c.id, c.claim, c.expected) for c in spec.cases]
    result = summarise(name, "local", cases)
    true = [c for c in cases if c.expected_verdict == "supported"]
    false = [c for c in cases if c.expected_verdict == "contradicted"]
    result.metrics["true_supported"] = mean([float(c.predicted_verdict == "supported") for c in true])
    result.metrics["false_contradicted"] = mean([float(c.predicted_verdict == "contradicted") for c in false])
    result.metrics["false_not_supported"] = mean([float(c.predicted_verdict != "supported") for c in false])
    test_pages = sum(split_of(f"wice-{page}") == "test" for page in spec.pages)
    result.notes.append(f"{len(true)} true and {len(false)} false reporter-worded claims about {len(records)} WiCE "
                        f"pages ({test_pages} of the test half, {len(records) - test_pages} of the training half), "
                        "checked against all of them")
    return result


DATASET_SUITES: dict[str, tuple[tuple[str, ...], Callable[[Workbench, Path], SuiteResult]]] = {
    "climate-fever-retrieval": (("replay", "local", "openai"), climate_fever_retrieval),
    "summedits-local": (("local",), summedits_local),
    "climate-fever-local": (("local",), climate_fever_local),
    "wice-local": (("local",), wice_local),
    **{name: (("local",), _page_claims(name, file)) for name, file in _PAGE_CLAIM_SUITES.items()},
}
