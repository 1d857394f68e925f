"""Verdicts from a language model: claims extracted in one call, verified in batches of BATCH claims.

A draft of N claims costs at most 1 + ceil(N / BATCH) calls. Each claim's evidence is the local aligner's best
sentences; every quote the model cites is verified in code against that sentence's source, and a verdict of
supported or contradicted left with no verifiable quote is downgraded to not_enough_evidence with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from assistant.check.backing import guard_text
from assistant.check.citations import verified
from assistant.check.evidence import ALIGNED, Sentence, score_sentences
from assistant.llm.base import ChatModel, parse_reply
from assistant.prompts import load_prompt, render
from assistant.retrieve import Filters, SearchConfig, search
from assistant.store.corpus import Corpus
from assistant.types import Citation, Usage, Verdict

BATCH = 8
EVIDENCE_PER_CLAIM = 5


class ClaimList(BaseModel):
    claims: list[str] = Field(default_factory=list)


class EvidenceQuote(BaseModel):
    evidence: int
    quote: str


class ModelVerdict(BaseModel):
    claim: int
    verdict: Literal["supported", "contradicted", "not_enough_evidence", "disputed"]
    confidence: float = Field(default=0.5, ge=0, le=1)
    rationale: str = ""
    citations: list[EvidenceQuote] = Field(default_factory=list)


class VerdictList(BaseModel):
    verdicts: list[ModelVerdict] = Field(default_factory=list)


def extract_claims(model: ChatModel, text: str, usage: Usage) -> list[str]:
    raw = model.complete(render(load_prompt("extract_claims"), text=text), ClaimList)
    usage.add(raw.usage)
    return [c.strip() for c in parse_reply(raw.text, ClaimList).claims if c.strip()]


def _evidence(store: Corpus, claim: str, filters: Filters | None) -> list[Sentence]:
    passages = search(store, claim, 10, filters, config=SearchConfig(collapse=False))
    return [s for s in score_sentences(store.embedder, claim, passages) if s.score >= ALIGNED][:EVIDENCE_PER_CLAIM]


def verify_batch(store: Corpus, model: ChatModel, claims: Sequence[str], filters: Filters | None, usage: Usage,
                 warnings: list[str]) -> list[Verdict]:
    evidence = [_evidence(store, claim, filters) for claim in claims]
    blocks = []
    for number, (claim, sentences) in enumerate(zip(claims, evidence, strict=True), start=1):
        lines = [f"Claim {number}: {claim}", "Evidence (untrusted data):"]
        lines += [f"  [{i}] ({s.passage.source}, {s.passage.date or 'undated'}) {s.text}"
                  for i, s in enumerate(sentences, start=1)] or ["  (none found)"]
        blocks.append("\n".join(lines))
    raw = model.complete(render(load_prompt("verify"), claims="\n\n".join(blocks)), VerdictList)
    usage.add(raw.usage)
    replies = {v.claim: v for v in parse_reply(raw.text, VerdictList).verdicts}
    results = []
    for number, (claim, sentences) in enumerate(zip(claims, evidence, strict=True), start=1):
        reply = replies.get(number)
        if reply is None:
            warnings.append(f"the model gave no verdict for claim {number}; marked not_enough_evidence")
            results.append(Verdict(claim=claim, verdict="not_enough_evidence", confidence=0.0,
                                   rationale="No verdict from the model.", decided_by="model: no verdict"))
            continue
        results.append(_checked(store, claim, reply, sentences, number, warnings))
    return results


def _checked(store: Corpus, claim: str, reply: ModelVerdict, sentences: Sequence[Sentence], number: int,
             warnings: list[str]) -> Verdict:
    citations: list[Citation] = []
    for cited in reply.citations:
        if not 1 <= cited.evidence <= len(sentences):
            warnings.append(f"claim {number}: dropped a citation of evidence [{cited.evidence}], which does not exist")
            continue
        sentence = sentences[cited.evidence - 1]
        article = store.article(sentence.passage.article_id)
        citation = verified(sentence.passage, cited.quote, article.text) if article else None
        if citation is None:
            warnings.append(f"claim {number}: dropped a quote not found in evidence [{cited.evidence}]")
        else:
            citations.append(citation)
    verdict, rationale = reply.verdict, reply.rationale
    backed, removed = guard_text(rationale, [c.quote for c in citations], claim)
    if removed:
        warnings.extend(f"claim {number}: {r.warning('rationale sentence')}" for r in removed)
        rationale = backed or "The model's rationale was withheld: its facts are not in the quoted evidence."
    if verdict != "not_enough_evidence" and not citations:
        warnings.append(f"claim {number}: verdict '{verdict}' had no verifiable quote; marked not_enough_evidence")
        verdict, rationale = "not_enough_evidence", "The model's verdict could not be tied to a verified quote."
    articles = store.articles_by_id(c.article_id for c in citations)
    clusters = {articles[c.article_id].cluster if c.article_id in articles else c.article_id for c in citations}
    return Verdict(claim=claim, verdict=verdict, confidence=reply.confidence, rationale=rationale,
                   decided_by="model", citations=citations, independent_sources=len(clusters))
