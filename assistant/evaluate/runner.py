"""Run eval cases through the real pipeline: each corpus ingested once into a scratch store, each case scored."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.check.answer import ask
from assistant.check.audit import audit
from assistant.check.backing import guard_text
from assistant.check.check import check_text
from assistant.config import Settings
from assistant.errors import FactcheckError
from assistant.evaluate.suites import EvalCase, Suite
from assistant.ingest.pipeline import Ingestor
from assistant.llm.base import ChatModel
from assistant.retrieve import search
from assistant.store.embeddings import Embedder
from assistant.store.store import Store
from assistant.text import sentence_spans
from assistant.types import Citation, Usage


class CaseResult(BaseModel):
    id: str
    kind: str
    passed: bool
    reasons: list[str] = Field(default_factory=list)
    expected_verdict: str | None = None
    predicted_verdict: str | None = None
    citations: int = 0
    citations_valid: int = 0
    cited_sources: list[str] = Field(default_factory=list)
    source_precision: float | None = None
    source_recall: float | None = None
    rank: int | None = None  # search: 1-based rank of the first result holding the expected text
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    # model prose shown to the reader (answers, rationales), re-checked sentence by sentence against its quotes
    backed_sentences: int = 0
    unbacked_sentences: int = 0
    confidence: float | None = None  # of the (first) verdict: the report's reliability diagram
    quotes: list[str] = Field(default_factory=list)  # the quotes shown, for the report's list of failures


_MARKERS = re.compile(r"\[\d+\]")


class Workbench:
    """Scratch stores, one per corpus folder, built with the real ingest pipeline."""

    def __init__(self, settings: Settings, embedder: Embedder, scratch: Path) -> None:
        self.settings, self.embedder, self.scratch = settings, embedder, scratch
        self._stores: dict[Path, Store] = {}

    def store(self, corpus: Path) -> Store:
        if corpus not in self._stores:
            if not corpus.exists():
                raise FactcheckError(f"eval corpus {corpus} does not exist")
            slug = hashlib.sha256(str(corpus).encode()).hexdigest()[:10]
            settings = self.settings.model_copy(update={"data_dir": self.scratch / slug, "chroma_url": None})
            store = Store(settings, self.embedder, "eval")
            report = Ingestor(store, settings).run([corpus])
            if report.failed:
                raise FactcheckError(f"eval corpus {corpus} did not ingest cleanly: {report.errors[0]}")
            self._stores[corpus] = store
        return self._stores[corpus]

    def close(self) -> None:
        for store in self._stores.values():
            store.close()


def run_case(case: EvalCase, suite: Suite, bench: Workbench, model: ChatModel | None, engine: str) -> CaseResult:
    started = time.perf_counter()
    result = CaseResult(id=case.id, kind=case.kind, passed=False, expected_verdict=case.expected.verdict)
    try:
        store = bench.store(suite.corpus_path(case))
        _RUNNERS[case.kind](case, store, model, engine, result)
    except FactcheckError as exc:
        wanted = case.expected.error_include
        if wanted and wanted in str(exc):
            result.passed = True
        else:
            result.reasons.append(f"error: {exc}")
    if case.expected.error_include and not result.passed and not any(r.startswith("error") for r in result.reasons):
        result.reasons.append(f"expected an error containing {case.expected.error_include!r}, got none")
    result.passed = result.passed or not result.reasons
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _score_citations(store: Store, citations: list[Citation], case: EvalCase, result: CaseResult) -> None:
    """Re-verify every citation against the stored article, and compare cited outlets with the expected ones."""
    result.citations += len(citations)
    result.quotes += [c.quote[:300] for c in citations[:3]]
    for citation in citations:
        article = store.article(citation.article_id)
        if article is not None and article.text[citation.start:citation.end] == citation.quote:
            result.citations_valid += 1
        else:
            result.reasons.append(f"citation is not the source's text: {citation.quote[:60]!r}")
    cited = sorted({c.source for c in citations})
    result.cited_sources = cited
    wanted = set(case.expected.cited_sources)
    if wanted:
        hits = wanted & set(cited)
        result.source_recall = len(hits) / len(wanted)
        result.source_precision = len(hits) / len(cited) if cited else 0.0
        if hits != wanted:
            result.reasons.append(f"expected citations from {sorted(wanted)}, got {cited or 'none'}")


def _recheck_backing(text: str, quotes: list[str], question: str, result: CaseResult) -> None:
    """Count the shown sentences whose numbers, dates and names are (not) in the quotes shown with them: an
    independent re-check of the answer-text guard. A sentence counted unbacked reached the reader unflagged."""
    plain = _MARKERS.sub("", text)
    _, removed = guard_text(plain, quotes, question)
    result.unbacked_sentences += len(removed)
    result.backed_sentences += len(sentence_spans(plain)) - len(removed)
    result.reasons += [f"shown without its backing: {r.sentence[:80]!r} ({', '.join(r.missing)})" for r in removed]


def _check_text(case: EvalCase, text: str, result: CaseResult) -> None:
    for needle in case.expected.must_include:
        if needle.lower() not in text.lower():
            result.reasons.append(f"expected {needle!r} in the output")
    for needle in case.expected.must_not_include:
        if needle.lower() in text.lower():
            result.reasons.append(f"{needle!r} must not appear in the output")


def _check_warnings(case: EvalCase, warnings: list[str], usage: Usage, result: CaseResult) -> None:
    result.warnings, result.usage = warnings, usage
    wanted = case.expected.warnings_include
    if wanted and not any(wanted in w for w in warnings):
        result.reasons.append(f"expected a warning containing {wanted!r}; warnings: {warnings or 'none'}")
    if case.expected.calls_max is not None and usage.calls > case.expected.calls_max:
        result.reasons.append(f"made {usage.calls} model calls, at most {case.expected.calls_max} expected")


def _run_check(case: EvalCase, store: Store, model: ChatModel | None, engine: str, result: CaseResult) -> None:
    checked = check_text(store, case.input, model, engine)
    verdicts = checked.claims
    result.predicted_verdict = verdicts[0].verdict if verdicts else "no_claim"
    result.confidence = verdicts[0].confidence if verdicts else None
    citations = [c for v in verdicts for c in v.citations]
    _score_citations(store, citations, case, result)
    _check_text(case, " ".join(c.quote for c in citations), result)
    _check_warnings(case, checked.warnings, checked.usage, result)
    if model is not None:  # the local engine writes its rationales from code; a model's are its own prose
        for verdict in (v for v in verdicts if v.citations):  # without a citation the rationale is a fixed text
            _recheck_backing(verdict.rationale, [c.quote for c in verdict.citations], verdict.claim, result)
    if case.expected.verdict and result.predicted_verdict != case.expected.verdict:
        why = verdicts[0].decided_by if verdicts else "no claim extracted"
        result.reasons.append(f"verdict {result.predicted_verdict} ({why}), expected {case.expected.verdict}; "
                              f"warnings: {checked.warnings or 'none'}")


def _run_ask(case: EvalCase, store: Store, model: ChatModel | None, engine: str, result: CaseResult) -> None:
    answer = ask(store, case.input, model)
    _score_citations(store, answer.citations, case, result)
    _check_warnings(case, answer.warnings, answer.usage, result)
    if model is not None and answer.citations:  # the local engine's answer is its quotes, composed by code
        _recheck_backing(answer.answer, [c.quote for c in answer.citations], case.input, result)
    if case.expected.answerable is False:
        if answer.citations:
            result.reasons.append("an unanswerable question got an answer with citations")
        return
    _check_text(case, answer.answer + " " + " ".join(c.quote for c in answer.citations), result)
    if not case.expected.no_fabricated and not answer.citations:
        result.reasons.append(f"no verified citation; warnings: {answer.warnings or 'none'}")


def _run_search(case: EvalCase, store: Store, model: ChatModel | None, engine: str, result: CaseResult) -> None:
    passages = search(store, case.input, case.expected.k)
    needles = [n.lower() for n in case.expected.must_include]
    for rank, passage in enumerate(passages, start=1):
        if all(n in passage.text.lower() for n in needles):
            result.rank = rank
            break
    if result.rank is None:
        result.reasons.append(f"no result in the top {case.expected.k} holds {case.expected.must_include}")
    sources = {p.source for p in passages}
    missing = set(case.expected.top_sources) - sources
    if missing:
        result.reasons.append(f"expected sources {sorted(missing)} in the top {case.expected.k}")
    if case.expected.also_reported_by and not any(p.also_reported_by for p in passages):
        result.reasons.append("expected the syndicated copy to be collapsed into also_reported_by")


def _run_audit(case: EvalCase, store: Store, model: ChatModel | None, engine: str, result: CaseResult) -> None:
    report = audit(store)
    count, e = len(report.conflicts), case.expected
    if e.conflicts_min is not None and count < e.conflicts_min:
        result.reasons.append(f"found {count} conflicts, expected at least {e.conflicts_min}")
    if e.conflicts_max is not None and count > e.conflicts_max:
        found = "; ".join(c.decided_by for c in report.conflicts[:3])
        result.reasons.append(f"found {count} conflicts ({found}), expected at most {e.conflicts_max}")
    kinds = {c.kind for c in report.conflicts}
    if set(e.conflict_kinds) - kinds:
        result.reasons.append(f"expected conflicts of kinds {e.conflict_kinds}, got {sorted(kinds)}")
    _score_citations(store, [c.a for c in report.conflicts] + [c.b for c in report.conflicts], case, result)


_RUNNERS = {"check": _run_check, "ask": _run_ask, "search": _run_search, "audit": _run_audit}
