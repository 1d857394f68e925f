"""An article's date and where it came from: never a guess passed off as a fact.

A date is kept only with its provenance (`date_source`) and a confidence:

| date_source | evidence | confidence |
|---|---|---|
| `metadata` | the file says so: a date field, front matter, the page's publication meta tags | 0.9 |
| `text` | a date fragment leading the text ("date 2017-07-24") | 0.8 |
| `url` | the article's address carries it (`/2013/05/21/`) | 0.6 |
| `inferred_from_copy` | a dated syndicated copy of the same story (filled in after ingest) | 0.4 |

Weak evidence is not used at all: a copyright year, a namespace URL such as `w3.org/2000/01/rdf-schema`, a
month or year without a day, a date after today. Numeric dates whose day and month could be swapped
("05/06/2022") follow FACTCHECK_DATE_ORDER (per source, per file, or a default), else the other dates of the same
feed ("13/06/2022" settles that a feed is day-first), else they are left empty with a warning. Anything
unreadable or impossible ("2021-02-30") is a warning naming the record. Non-English month names ("1 mars 2021")
are read with dateparser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import PurePath

from assistant.errors import ConfigError
from assistant.text import iso_date

CONFIDENCE = {"metadata": 0.9, "text": 0.8, "url": 0.6, "inferred_from_copy": 0.4}
LOW_CONFIDENCE = 0.5  # below this a date is shown as uncertain, and `--firm-dates` filters leave it out
ORDERS = ("DMY", "MDY")
_LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl"]

_ISO = re.compile(r"\A(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\Z")
_NUMERIC = re.compile(r"\A(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\.?\Z")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|\Z)")


@dataclass(frozen=True)
class DateReading:
    """A date read from some evidence: the ISO date, or None and the reason (a warning) it was not used."""

    date: str | None
    problem: str | None = None


class DateOrders:
    """FACTCHECK_DATE_ORDER: `DMY`, or per source / per file (glob) with an optional default:
    `DMY,reuters.com=MDY,feeds/us-*.csv=MDY`."""

    def __init__(self, spec: str = "") -> None:
        self.default: str | None = None
        self.by_key: dict[str, str] = {}
        for entry in filter(None, (e.strip() for e in spec.split(","))):
            key, _, order = entry.rpartition("=")
            order = order.strip().upper()
            if order not in ORDERS:
                raise ConfigError(f"invalid setting FACTCHECK_DATE_ORDER: {entry!r}; use DMY or MDY, optionally "
                                  "per source or file: DMY,reuters.com=MDY,feeds/us-*.csv=MDY")
            if key.strip():
                self.by_key[key.strip().lower()] = order
            else:
                self.default = order

    def explicit(self, source: str, path: str) -> str | None:
        """The order set for this source or file, if any (the bare default is not included)."""
        if source.strip().lower() in self.by_key:
            return self.by_key[source.strip().lower()]
        name = PurePath(path).as_posix().lower()
        for pattern, order in self.by_key.items():
            if fnmatch(name, pattern) or fnmatch(name, f"*/{pattern}") or PurePath(name).name == pattern:
                return order
        return None


def feed_order(raw_dates: Iterable[object]) -> str | None:
    """The order a feed's own numeric dates prove: DMY when some day is over 12 ("13/06/2022"), MDY when some
    month position holds one over 12 ("06/13/2022"); None when it never shows, or shows both."""
    seen = set()
    for raw in raw_dates:
        match = _NUMERIC.match(str(raw).strip()) if raw not in (None, "") else None
        if match:
            first, second = int(match.group(1)), int(match.group(3))
            if first > 12 >= second:
                seen.add("DMY")
            elif second > 12 >= first:
                seen.add("MDY")
    return seen.pop() if len(seen) == 1 else None


def read_date(value: object, order: str | None, *, today: date | None = None) -> DateReading:
    """Read a date field. `order` settles numeric dates whose day and month could be swapped."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DateReading(None)
    if isinstance(value, datetime | date):
        return _not_future(iso_date(value), str(value), today)
    text = " ".join(str(value).split())
    if match := _ISO.match(text):
        return _checked(text, int(match.group(1)), int(match.group(2)), int(match.group(3)), today)
    if match := _NUMERIC.match(text):
        return _numeric(text, match, order, today)
    found = iso_date(text, complete=True)
    if found:
        return _not_future(found, text, today)
    if iso_date(text):  # dateutil reads it, but not to the day
        return DateReading(None, f"date {text!r} names no day; stored undated (a date is never guessed)")
    return _other_language(text, today)


def url_date(url: str | None, *, today: date | None = None) -> str | None:
    """A date in the article's address (`/2013/05/21/slug`), if it holds a real one."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return _checked(match.group(0), year, month, day, today).date


def _numeric(text: str, match: re.Match[str], order: str | None, today: date | None) -> DateReading:
    first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if len(match.group(4)) == 2:
        year += 2000 if year < 70 else 1900
    if first > 12 >= second:
        order = "DMY"
    elif second > 12 >= first:
        order = "MDY"
    elif first == second:
        order = order or "DMY"  # the same either way
    elif order is None:
        return DateReading(None, f"ambiguous date {text!r} (day {first} or day {second}?); stored undated; set "
                           "FACTCHECK_DATE_ORDER=DMY or MDY (for all, or per source: example.com=DMY)")
    day, month = (first, second) if order == "DMY" else (second, first)
    return _checked(text, year, month, day, today)


def _checked(text: str, year: int, month: int, day: int, today: date | None) -> DateReading:
    try:
        found = date(year, month, day)
    except ValueError as exc:
        return DateReading(None, f"invalid date {text!r} ({exc}); stored undated")
    return _not_future(found.isoformat(), text, today)


def _not_future(found: str | None, text: str, today: date | None) -> DateReading:
    if found is None:
        return DateReading(None, f"unreadable date {text!r}; stored undated")
    if found > (today or date.today()).isoformat():
        return DateReading(None, f"date {text!r} is in the future; stored undated")
    return DateReading(found)


def _other_language(text: str, today: date | None) -> DateReading:
    if not re.search(r"\b\d{4}\b", text):  # "yesterday", "3 days ago": relative to when? never a date
        return DateReading(None, f"unreadable date {text!r}; stored undated")
    import dateparser  # ~0.1 s to import, and only non-English month names need it

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True, "PREFER_LOCALE_DATE_ORDER": False,
                "DATE_ORDER": "DMY"}
    parsed = dateparser.parse(text, languages=_LANGUAGES, settings=settings)
    if parsed is not None:
        return _not_future(parsed.date().isoformat(), text, today)
    if dateparser.parse(text, languages=_LANGUAGES, settings={"STRICT_PARSING": False}) is not None:
        return DateReading(None, f"date {text!r} names no day; stored undated (a date is never guessed)")
    return DateReading(None, f"unreadable date {text!r}; stored undated")
