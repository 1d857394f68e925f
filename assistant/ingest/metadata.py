"""Article metadata: ISO dates, and separating feed debris (date fragments, photo captions) from the body.

Real feeds prepend things that are not the story: the second seed begins `date 2017-07-24` and a photo caption
ending "(AFP photo)". The date becomes metadata and the caption is kept apart, so neither is quoted as the lead.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from assistant.text import iso_date
from assistant.types import ArticleMeta

_LEADING_DATE = re.compile(
    r"\A\s*(?:date|published|dated)\s*[:=]?\s*(\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)\s*",
    re.IGNORECASE,
)
# A caption is a first paragraph that ends in a photo credit: "(AFP photo)", "(Photo: Reuters)", "Photo: AP".
_CAPTION_CREDIT = re.compile(
    r"(\((?:[^()]{0,40}\b)?(?:photo|photograph|picture|image|file photo)s?\b[^()]{0,60}\)"
    r"|\b(?:photo|picture|image)\s*(?:by|:|/)\s*[^.\n]{1,60})\s*\Z",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"\A[A-Z][A-Z .'-]{1,40},(?:\s[A-Z][\w .'-]{1,30})?\s*(?::|—|–|-{1,2})\s*")
_TRAILING_DEBRIS = re.compile(r"[\s|]+\Z")


def split_preamble(text: str) -> tuple[str, str | None, str | None]:
    """(body, date, caption): strip a leading date fragment and a photo-caption paragraph from the text."""
    found_date = None
    match = _LEADING_DATE.match(text)
    if match:
        found_date = iso_date(match.group(1))
        text = text[match.end():]
    caption = None
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and _CAPTION_CREDIT.search(first.strip()):
        caption = first.strip()
        text = rest
    return _TRAILING_DEBRIS.sub("", text.strip()), found_date, caption


def lead_title(body: str, limit: int = 90) -> str:
    """A title from the lead sentence when the file has none: dateline removed, cut at a word boundary."""
    lead = _DATELINE.sub("", body.lstrip(), count=1)
    sentence = re.split(r"(?<=[.!?])\s", lead, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def finish_meta(meta: ArticleMeta, body: str, fallback_source: str) -> ArticleMeta:
    """Fill what the file did not say: an ISO date, a title from the lead, a source from the URL or file name."""
    updates: dict[str, object] = {"date": iso_date(meta.date, complete=True)}
    if not meta.title.strip():
        updates["title"] = lead_title(body)
    if not meta.source.strip():
        host = urlparse(meta.url).hostname if meta.url else None
        updates["source"] = host.removeprefix("www.") if host else fallback_source
    return meta.model_copy(update=updates)
