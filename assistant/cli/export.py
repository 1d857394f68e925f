"""Export formats: schema.org ClaimReview JSON-LD for verdicts, CSV for verdicts and search results.

Rendering only: the verdicts and quotes are the ones `check` produced (every quote verified in code).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from assistant.types import CheckResult, Passage, Verdict

# ClaimReview's numeric rating (worst 1, best 3); not_enough_evidence has a textual rating only
RATINGS = {"contradicted": 1, "disputed": 2, "supported": 3}
CHECK_COLUMNS = ["id", "claim", "verdict", "confidence", "decided_by", "independent_sources", "quote", "title",
                 "source", "date", "url", "article_id", "chunk_id", "start", "end", "citations", "other_quotes",
                 "rationale", "error"]
SEARCH_COLUMNS = ["id", "query", "rank", "score", "chunk_id", "article_id", "title", "source", "date", "start",
                  "end", "cluster", "also_reported_by", "text"]


def claim_review(verdict: Verdict, author: Mapping[str, Any], urls: Mapping[str, str | None],
                 published: date, record_id: str | None = None) -> dict[str, Any]:
    """One ClaimReview: the claim, the verdict as `reviewRating.alternateName`, the cited articles as the
    reviewed claim's appearances (headline, outlet, date, URL when known, and the verified quote); a batch
    record's id as its `identifier`."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict.verdict}
    if verdict.verdict in RATINGS:
        rating |= {"ratingValue": RATINGS[verdict.verdict], "worstRating": 1, "bestRating": 3}
    appearances = []
    for c in verdict.citations:
        work: dict[str, Any] = {"@type": "NewsArticle", "headline": c.title,
                                "publisher": {"@type": "Organization", "name": c.source}, "text": c.quote}
        if c.date:
            work["datePublished"] = c.date
        if urls.get(c.article_id):
            work["url"] = urls[c.article_id]
        appearances.append(work)
    review = {"@type": "ClaimReview", "claimReviewed": verdict.claim, "datePublished": published.isoformat(),
              "author": dict(author), "reviewRating": rating, "reviewBody": verdict.rationale,
              "itemReviewed": {"@type": "Claim", "appearance": appearances}}
    return review if record_id is None else {**review, "identifier": record_id}


def claim_review_document(results: Iterable[tuple[str | None, CheckResult]], author: str, author_url: str | None,
                          urls: Mapping[str, str | None], published: date | None = None) -> dict[str, Any]:
    """A JSON-LD document with one ClaimReview per claim of every (batch record id or None, result)."""
    organisation: dict[str, Any] = {"@type": "Organization", "name": author}
    if author_url:
        organisation["url"] = author_url
    day = published or date.today()
    graph = [claim_review(v, organisation, urls, day, record_id) for record_id, result in results
             for v in result.claims]
    return {"@context": "https://schema.org", "@graph": graph}


def check_rows(record_id: str, result: CheckResult | None, urls: Mapping[str, str | None],
               error: str = "") -> list[dict[str, Any]]:
    """One CSV row per claim: the first quote in columns, the number of quotes in `citations`, and every further
    quote in `other_quotes` (one line each, with its source and date: the other side of a disputed claim); a record that
    failed is one row with its error."""
    if result is None:
        return [{"id": record_id, "error": error}]
    rows = []
    for v in result.claims:
        row: dict[str, Any] = {"id": record_id, "claim": v.claim, "verdict": v.verdict,
                               "confidence": round(v.confidence, 4), "decided_by": v.decided_by,
                               "independent_sources": v.independent_sources, "citations": len(v.citations),
                               "rationale": v.rationale}
        if v.citations:
            c = v.citations[0]
            row |= {"quote": c.quote, "title": c.title, "source": c.source, "date": c.date or "",
                    "url": urls.get(c.article_id) or "", "article_id": c.article_id, "chunk_id": c.chunk_id,
                    "start": c.start, "end": c.end,
                    "other_quotes": "\n".join(f'"{o.quote}" — {o.source}, {o.date or "undated"}'
                                               for o in v.citations[1:])}
        rows.append(row)
    return rows


def search_rows(query_id: str, query: str, passages: Iterable[Passage]) -> list[dict[str, Any]]:
    """One CSV row per result."""
    return [{"id": query_id, "query": query, "rank": rank, "score": round(p.score, 6), "chunk_id": p.chunk_id,
             "article_id": p.article_id, "title": p.title, "source": p.source, "date": p.date or "",
             "start": p.start, "end": p.end, "cluster": p.cluster, "also_reported_by": ";".join(p.also_reported_by),
             "text": p.text} for rank, p in enumerate(passages, start=1)]


class CsvOut:
    """Rows to a text stream as CSV, the header first (written once, before the first row)."""

    def __init__(self, stream: Any, columns: list[str]) -> None:
        self._stream = stream
        self._writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="raise", lineterminator="\n")
        self._writer.writeheader()

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._writer.writerows(rows)
        self._stream.flush()

