"""Text primitives shared by every layer: sentence spans, ISO dates, content words and their stems.

Sentences are found with a fast rule-based splitter (abbreviation-aware: "U.S.", "Col.", "Maj. Gen."); it runs
~100x faster than spaCy's, and ingest speed matters. Spans are [start, end) offsets, so a sentence is always
`text[start:end]` and any quote inside it can be located. Dates are normalised with python-dateutil.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as date_parser

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "col", "gen", "maj", "lt", "capt", "cpt", "sgt",
    "cmdr", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "u.s", "u.k", "u.n", "e.u", "u.s.a",
    "e.g", "i.e", "etc", "vs", "no", "nos", "fig", "inc", "corp", "ltd", "co", "bros", "dept", "est", "approx",
    "ave", "blvd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n")
_TIME_OF_DAY = re.compile(r"\b[ap]\.m\.[\"'”’)\]]*\Z", re.IGNORECASE)
_TIME_ZONE = re.compile(r"\s+(?:[ECMP][SD]?T|GMT|BST|UTC|CES?T|AES?T|IST)\b")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# A token as the lexical index sees it: a number with separators ("2,000"), an abbreviation ("U.S."), or a word.
TOKEN = re.compile(r"\d+(?:[.,]\d+)+|(?:[A-Za-z]\.){2,}|[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that these "
    "those there their they them he she his her we our you your i me my not no do does did done have has had will "
    "would can could should may might what which who whom whose when where why how than then so such into about "
    "over after before also just".split()
)
_SUFFIXES = ("ings", "ing", "ed", "s")
_KEEP_ENDINGS = ("ss", "us", "is")
_MIN_STEM = 4
_DOUBLED_AT_REST = set("aeiouylsz")  # "agreed", "falling", "missed", "buzzed": the double letter is the word's own


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith((".",)) and _is_abbreviation(text[start:end]):
            continue
        if _TIME_OF_DAY.search(text, start, end) and _TIME_ZONE.match(text, end):
            continue  # "at 1 p.m. ET on March 5": a time goes on with its zone
        if _next_starts_lowercase(text, end) and not match.group().startswith("\n"):
            continue
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return spans


def _is_abbreviation(sentence: str) -> bool:
    match = _WORD_BEFORE.search(sentence.rstrip("\"'”’)]"))
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or len(word) == 1  # "J. Smith" initials


def _next_starts_lowercase(text: str, end: int) -> bool:
    rest = text[end:end + 3].lstrip()
    return bool(rest) and rest[0].islower()


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_DATE_NOTES = {"url": "from the URL", "inferred_from_copy": "inferred from a copy"}


def date_label(date: str | None, date_source: str | None, undated: str = "") -> str:
    """A date as a reader should see it: one taken from the URL or from a syndicated copy says so."""
    if not date:
        return undated
    note = _DATE_NOTES.get(date_source or "")
    return f"{date} ({note})" if note else date


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


def content_terms(text: str) -> set[str]:
    """Lower-cased content words and numbers of a text (stopwords dropped; "2,000" -> "2000")."""
    terms: set[str] = set()
    for token in TOKEN.findall(text):
        word = re.sub(r",(?=\d{3})", "", token) if token[0].isdigit() else token.lower().replace(".", "")
        if word and word not in STOPWORDS:
            terms.add(word)
    return terms


def stem(word: str) -> str:
    """The word without one common inflection suffix, or the word itself ("warming" -> "warm"). Only plain
    alphabetic words lose a suffix, never one ending in -ss/-us/-is, and never below four letters."""
    if not word.isalpha() or word.endswith(_KEEP_ENDINGS):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stemmed = word[: -len(suffix)]
            # "planned" is "plan" + "ed": a consonant doubled before the suffix goes with it ("falling": "fall")
            if suffix in ("ed", "ing") and stemmed[-1] == stemmed[-2] and stemmed[-1] not in _DOUBLED_AT_REST:
                return stemmed[:-1]
            return stemmed
    return word


MAX_QUERY_TERMS = 48


def query_terms(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """A lexical query's content terms, in order, without repeats: (lower-case words of a phrase, whether the
    single word is a stem to search as a prefix). "2,000" is the phrase (2, 000), "U.S." (u, s), "warming" the
    prefix "warm"; capitalised words are likely names ("Jones", "United States"): exact, never stemmed. Every word
    holds only letters and digits, so no query syntax can come from the text."""
    terms: list[tuple[tuple[str, ...], bool]] = []
    for token in TOKEN.findall(text):
        words = tuple(re.findall(r"[^\W_]+", token.lower()))
        if not words or (len(words) == 1 and words[0] in STOPWORDS):
            continue
        root = stem(words[0]) if len(words) == 1 and token[0].islower() else words[0]
        term = ((root,), True) if len(words) == 1 and root != words[0] else (words, False)
        if term not in terms:
            terms.append(term)
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return terms

