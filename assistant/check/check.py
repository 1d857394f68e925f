"""`check`: split a claim or a draft into atomic claims and give each a verdict, with quotes."""

from __future__ import annotations

from assistant.check.claims import MAX_CLAIMS, looks_english, non_english_sentences, split_claims
from assistant.check.verify_llm import BATCH, extract_claims, verify_batch
from assistant.check.verify_local import english_only, verify_claim
from assistant.errors import FactcheckError
from assistant.llm.base import ChatModel
from assistant.retrieve import Filters
from assistant.store.corpus import Corpus
from assistant.types import CheckResult, Usage

MAX_DRAFT_CHARS = 2_000_000
MODEL_DRAFT_CHARS = 60_000  # what one claim-extraction call reads; the rest of a longer draft is not checked


def check_text(store: Corpus, text: str, model: ChatModel | None, engine: str,
               filters: Filters | None = None, draft: bool = False) -> CheckResult:
    """`draft`: a draft, whose sentences joining full clauses are split into one claim per clause (the local
    engine's reading; the model extracts atomic claims itself); a claim given alone is checked as written."""
    if not text.strip():
        raise FactcheckError("nothing to check: the claim or draft is empty")
    if len(text) > MAX_DRAFT_CHARS:
        raise FactcheckError(f"the draft is {len(text):,} characters; the limit is {MAX_DRAFT_CHARS:,}")
    usage, warnings = Usage(), []
    if model is None and not looks_english(text):
        warnings.append("the local engine reads English only: no verdict was attempted; use --engine openai "
                        "for text in other languages")
        return CheckResult(engine=engine, claims=[english_only(s) for s in non_english_sentences(text)],
                           usage=usage, warnings=warnings)
    if model is None:
        claims, dropped = split_claims(text, draft)
    else:
        if len(text) > MODEL_DRAFT_CHARS:
            warnings.append(f"the draft is {len(text):,} characters; the model read the first {MODEL_DRAFT_CHARS:,} "
                            "only, so claims after that were not checked")
        claims = extract_claims(model, text[:MODEL_DRAFT_CHARS], usage)
        dropped = max(0, len(claims) - MAX_CLAIMS)
        claims = claims[:MAX_CLAIMS]
    if dropped:
        warnings.append(f"checked the first {MAX_CLAIMS} claims; {dropped} more were not checked")
    if not claims:
        warnings.append("no check-worthy claim found (questions, opinions and boilerplate are skipped)")
    if model is None:
        verdicts = [verify_claim(store, claim, filters) for claim in claims]
    else:
        verdicts = []
        for start in range(0, len(claims), BATCH):
            verdicts += verify_batch(store, model, claims[start:start + BATCH], filters, usage, warnings)
    return CheckResult(engine=engine, claims=verdicts, usage=usage, warnings=warnings)
