"""Article metadata: ISO dates, and separating feed debris (date fragments, photo captions) from the body.

Real feeds prepend things that are not the story: the second seed begins `date 2017-07-24` and a photo caption
ending "(AFP photo)". The date becomes metadata and the caption is kept apart, so neither is quoted as the lead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlparse

from dateutil import parser as date_parser

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


def iso_date(value: object, *, complete: bool = False) -> str | None:
    """YYYY-MM-DD for anything date-like ("July 24, 2017", "2017-07-24T10:00Z", a datetime); None if unparseable.

    A text without a year is None. With `complete`, so is one without a day ("March 2021", "2017"): an article's
    date is never a guessed first of the month.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:  # parsed twice with different defaults: a field that changes with the default was not in the text
        parsed = date_parser.parse(text, default=datetime(1900, 1, 1), fuzzy=False, ignoretz=True)
        other = date_parser.parse(text, default=datetime(1904, 2, 2), fuzzy=False, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    if parsed.year != other.year or (complete and (parsed.month, parsed.day) != (other.month, other.day)):
        return None
    return str(parsed.date().isoformat())


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
