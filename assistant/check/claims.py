"""Split a claim or a whole draft into atomic, check-worthy claims.

A claim is a declarative sentence (or a semicolon-separated clause of one) with some content to check.
Questions, first-person opinions, calls to action and boilerplate are skipped: there is nothing to verify.
"""

from __future__ import annotations

import re

from assistant.ingest.chunking import sentence_spans

MAX_CLAIMS = 200  # a 1 MB draft is checked in bounded time; the rest is reported as skipped
_OPINION = re.compile(r"^\s*(?:i|we)\s+(?:think|believe|feel|hope|guess|suppose)\b|\b(?:in my opinion|"
                      r"should|ought to|must be|i think|we think)\b", re.IGNORECASE)
_BOILERPLATE = re.compile(r"^\s*(?:read more|click here|subscribe|sign up|share this|follow us|advertisement|"
                          r"all rights reserved|copyright|photo:|image:)", re.IGNORECASE)


def is_check_worthy(sentence: str) -> bool:
    text = sentence.strip()
    if len(re.findall(r"[^\W_]+", text)) < 4 or text.endswith("?"):
        return False
    return not (_OPINION.search(text) or _BOILERPLATE.match(text))


def split_claims(text: str) -> tuple[list[str], int]:
    """(atomic claims in order, number of check-worthy sentences left out by MAX_CLAIMS)."""
    claims: list[str] = []
    dropped = 0
    for start, end in sentence_spans(text):
        for clause in re.split(r";\s+", text[start:end]):
            clause = clause.strip()
            if not is_check_worthy(clause):
                continue
            if len(claims) >= MAX_CLAIMS:
                dropped += 1
                continue
            claims.append(clause)
    return claims, dropped
