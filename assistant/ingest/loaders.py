"""Loaders: one file in, Documents out. txt, md (YAML front matter), html, jsonl and csv.

Record formats (jsonl, csv) hold one article per record with fields text/title/source/date/url/author.
Other field names are mapped with FACTCHECK_FIELD_MAP, e.g. `text=body,source=publisher,date=published_at`;
without a mapping, a record that lacks one of ours is read from a common other name for it ("outlet",
"headline", "link", "published_at") and a warning says so, so that metadata is never dropped without a word.
A CSV's delimiter (`,` `;` tab `|`) is detected from its header line. A bad record is reported with its line
number and the rest of the file is still read; what was read but repaired (replaced bytes, an unclosed front
matter, a detected delimiter) is a warning.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from assistant.errors import InputError, json_problem
from assistant.ingest.dates import feed_order
from assistant.ingest.decode import Decoded, decode_text
from assistant.ingest.html import read_html
from assistant.ingest.markdown import markdown_text
from assistant.types import ArticleMeta, Document, IngestProblem

META_FIELDS = ("title", "source", "date", "url", "author")
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv")
RECORD_SUFFIXES = (".jsonl", ".csv")  # one article per record, fields named by FACTCHECK_FIELD_MAP
# Part of the key that decides a file is unchanged (pipeline._file_key), per suffix: raise a format's revision
# with a change here or in metadata.py/dates.py that makes an unchanged file of it read differently (a date now
# read, a title cleaned), so the next ingest reads those files again and updates what changed.
READING_REVISIONS: dict[str, int] = {
    # csv 1: a quote that never closes no longer reads the rows after it into one field. All 1 or 2: a byline's
    # author and date ("By Coastal Wire Service, 2026-10-14") and a "Published November 7, 2017" line are read;
    # HTML's title and <h1> are read as UTF-8 when the page declares no charset ("González", not "GonzÃ¡lez").
    # All 2 or 3: a two-word headline is the title; a date line under a headline is the date; an author loses the
    # date a byline gave after it and the outlet after a comma; an HTML date seen in the visible text is `text`.
    ".csv": 3, ".txt": 2, ".md": 2, ".markdown": 2, ".html": 2, ".htm": 2, ".jsonl": 2,
}


class Loaded:
    """The documents of one file plus the problems found in individual records."""

    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.problems: list[IngestProblem] = []
        self.warnings: list[IngestProblem] = []

    def warn(self, path: Path, reason: str, line: int | None = None) -> None:
        self.warnings.append(IngestProblem(path=str(path), line=line, reason=reason))


def parse_field_map(spec: str) -> dict[str, str]:
    """`text=body,source=publisher` -> {"text": "body", "source": "publisher"} (our name -> the file's name)."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in spec.split(","))):
        ours, _, theirs = pair.partition("=")
        if ours.strip() not in (*META_FIELDS, "text") or not theirs.strip():
            raise InputError("FACTCHECK_FIELD_MAP", f"bad entry {pair!r}; use e.g. text=body,source=publisher")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def load_file(path: Path, data: bytes, field_map: Mapping[str, str]) -> Loaded:
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise InputError(str(path), f"unsupported file type {suffix or '(none)'}; supported: "
                         + ", ".join(SUPPORTED_SUFFIXES))
    decoded = decode_text(path, data)
    loaded = loader(path, decoded, field_map)
    if decoded.warning:
        loaded.warn(path, decoded.warning)
    return loaded


def _meta_from(values: Mapping[str, Any], warn: Callable[[str], None] | None = None) -> ArticleMeta:
    """The metadata fields; one that is a list or a mapping is left out (`warn` hears it), never stored as its
    repr."""
    fields = {}
    for key in META_FIELDS:
        value = values.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, (list, tuple, dict, bool)):
            if warn is not None:
                kind = "a mapping" if isinstance(value, dict) else "true/false" if isinstance(value, bool) else "a list"
                warn(f"field '{key}' is {kind}, not text; left out")
            continue
        fields[key] = str(value).strip()
    return ArticleMeta(**fields)


def _load_txt(path: Path, decoded: Decoded, _map: Mapping[str, str]) -> Loaded:
    loaded = Loaded()
    loaded.documents.append(Document(text=decoded.text, meta=ArticleMeta(), origin=str(path)))
    return loaded


def _load_markdown(path: Path, decoded: Decoded, _map: Mapping[str, str]) -> Loaded:
    loaded = Loaded()
    text = decoded.text
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from None
    metadata: Mapping[str, Any] = post.metadata
    content = post.content
    if not metadata and _FRONT_MATTER_OPEN.match(text):
        metadata, content = _unclosed_front_matter(text)
        repaired = " (read up to the first blank line as front matter)" if metadata else ""
        loaded.warn(path, f"front matter opened with '---' on line 1 is never closed{repaired}", 1)
    meta = _meta_from(metadata, lambda note: loaded.warn(path, note))
    loaded.documents.append(Document(text=markdown_text(content), meta=meta, origin=str(path)))
    return loaded


_FRONT_MATTER_OPEN = re.compile(r"\A---[ \t]*\r?\n")


def _unclosed_front_matter(text: str) -> tuple[Mapping[str, Any], str]:
    """(fields, body) when the lines up to the first blank line are a YAML mapping, else ({}, the whole text)."""
    head, sep, body = _FRONT_MATTER_OPEN.sub("", text, count=1).partition("\n\n")
    try:
        fields = yaml.safe_load(head) if sep else None
    except yaml.YAMLError:
        fields = None
    if isinstance(fields, dict) and fields and body.strip():
        return {str(k): v for k, v in fields.items()}, body
    return {}, text


def _load_html(path: Path, decoded: Decoded, _map: Mapping[str, str]) -> Loaded:
    body, values = read_html(decoded.text)
    if not body or not body.strip():
        raise InputError(str(path), "no article text found in the HTML")
    loaded = Loaded()
    meta = _meta_from(values)
    if meta.date:  # metadata (meta tags, JSON-LD) or text (a date htmldate found in the page's visible text)
        meta = meta.model_copy(update={"date_source": values["date_source"]})
    loaded.documents.append(Document(text=body, meta=meta, origin=str(path)))
    return loaded


# Other names records commonly give our fields (exports of CMSs, scrapers, spreadsheets), tried in this order
_ALIASES = {"text": ("body", "content", "article"), "title": ("headline",),
            "source": ("outlet", "publisher", "publication", "site_name"),
            "date": ("published", "published_at", "publish_date", "date_published", "pubdate"),
            "url": ("link", "permalink"), "author": ("byline", "authors")}


def _record_document(path: Path, line: int, record: Mapping[str, Any], field_map: Mapping[str, str],
                     read_as: dict[str, str], loaded: Loaded) -> Document:
    """The record's article; `read_as` collects the other names read for our fields (alias -> ours)."""
    def field(name: str) -> Any:
        if name in field_map:
            return record.get(field_map[name])
        if (value := record.get(name)) not in (None, ""):
            return value
        alias = next((a for a in _ALIASES[name] if record.get(a) not in (None, "")), None)
        if alias is None:
            return None
        read_as[alias] = name
        return record[alias]

    text = field("text")
    if not isinstance(text, str) or not text.strip():
        wanted = field_map.get("text", "text")
        raise InputError(str(path), f"record has no '{wanted}' field with text", line)
    meta = _meta_from({k: field(k) for k in META_FIELDS}, lambda note: loaded.warn(path, note, line))
    return Document(text=text, meta=meta, origin=f"{path}:{line}")


def _collect(path: Path, records: Iterator[tuple[int, Any]], field_map: Mapping[str, str],
             loaded: Loaded | None = None) -> Loaded:
    loaded = loaded or Loaded()
    read_as: dict[str, str] = {}
    for line, record in records:
        try:
            if isinstance(record, InputError):
                raise record
            if not isinstance(record, Mapping):
                raise InputError(str(path), "record is not a JSON object", line)
            loaded.documents.append(_record_document(path, line, record, field_map, read_as, loaded))
        except InputError as exc:
            loaded.problems.append(IngestProblem(path=str(path), line=exc.line, reason=exc.reason))
    if read_as:
        fields = ", ".join(f"'{alias}' as {ours}" for alias, ours in read_as.items())
        loaded.warn(path, f"read {fields} (FACTCHECK_FIELD_MAP chooses other fields)")
    order = feed_order(d.meta.date for d in loaded.documents)
    if order:  # the feed's unambiguous dates ("13/06/2022") settle how its ambiguous ones read
        loaded.documents = [d.model_copy(update={"feed_date_order": order}) for d in loaded.documents]
    return loaded


def _load_jsonl(path: Path, decoded: Decoded, field_map: Mapping[str, str]) -> Loaded:
    text = decoded.text

    def records() -> Iterator[tuple[int, Any]]:
        # Split on "\n" only: a JSON string may hold U+2028 or U+0085, which splitlines() would treat as line ends.
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, InputError(str(path), f"malformed JSON ({json_problem(exc)})", number)

    return _collect(path, records(), field_map)


def _load_csv(path: Path, decoded: Decoded, field_map: Mapping[str, str]) -> Loaded:
    csv.field_size_limit(1 << 30)
    text = decoded.text
    delimiter = _csv_delimiter(text)
    if not text.endswith(("\n", "\r")):  # a quote left open on the last line then holds a line break too
        text += "\n"
    lines = io.StringIO(text, newline="").readlines()  # the physical lines, split as csv.reader reads them
    header = csv.reader(lines, delimiter=delimiter)
    fieldnames = next(header, None)
    text_column = field_map.get("text", "text")
    has_alias = "text" not in field_map and any(a in (fieldnames or []) for a in _ALIASES["text"])
    if not fieldnames or (text_column not in fieldnames and not has_alias):
        found = ", ".join(fieldnames or []) or "none"
        raise InputError(str(path), f"CSV has no '{text_column}' column (columns: {found}); map one with "
                         f"FACTCHECK_FIELD_MAP=text=COLUMN (delimiter detected: {delimiter!r})")
    loaded = Loaded()
    if delimiter != "," or decoded.bom:
        detected = [f"delimiter {delimiter!r}"] + (["a UTF-8 byte-order mark (removed)"] if decoded.bom else [])
        loaded.warn(path, f"CSV read with what was detected: {', '.join(detected)}")
    return _collect(path, _csv_records(path, lines, header.line_num, fieldnames, delimiter), field_map, loaded)


def _csv_records(path: Path, lines: list[str], start: int, fieldnames: list[str],
                 delimiter: str) -> Iterator[tuple[int, Any]]:
    """(line, record) for the rows from line index `start` on, read leniently as csv does by default; the line is
    the row's first (a quoted field may run over several). A row whose quote never closes is one error naming the
    line the row began on, and reading goes on from the line after it: the runaway field holds the following rows
    verbatim."""
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter)
        begun = start  # index of the first line of the row being read
        try:
            for row in reader:
                end = start + reader.line_num  # index after the row's last line
                if _unclosed_quote(row, lines[begun:end], len(fieldnames), delimiter):
                    yield begun + 1, InputError(str(path), "malformed CSV: a quote opened in this row never closes "
                                                "(it would read the rows after it into one field); row left out",
                                                begun + 1)
                    break
                if row:
                    yield begun + 1, dict(zip(fieldnames, row, strict=False))
                begun = end
            else:
                return
        except csv.Error as exc:
            line = start + reader.line_num
            yield line, InputError(str(path), f"malformed CSV: {exc}", line)
            return
        start = begun + 1


def _unclosed_quote(row: list[str], row_lines: list[str], width: int, delimiter: str) -> bool:
    """Whether the row's quote never closed. Three plain tests, all needed: a field was read across a line end;
    csv's strict mode rejects the row (the quote runs to the end of the file, or "closes" at the next row's
    opening quote, not before a delimiter or line end); and the line the row began on already holds the
    header's number of fields (quotes taken as text), so the row ended there and the quote read on. A quoted
    field that holds line breaks and closes properly passes, and so does a stray quote in a one-line row (read
    leniently, as before: it swallows nothing)."""
    if not any("\n" in field or "\r" in field for field in row):
        return False
    first = next(csv.reader([row_lines[0].rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    if len(first) < width:
        return False
    try:
        for _ in csv.reader(row_lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


_DELIMITERS = ",;\t|"


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (csv.Sniffer judges the header alone:
    on whole records, long quoted texts full of commas and semicolons mislead it)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(header, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == sniffed, d == ","))
    return best if counts[best] > counts.get(sniffed, 0) else sniffed


_LOADERS: dict[str, Callable[[Path, Decoded, Mapping[str, str]], Loaded]] = {
    ".txt": _load_txt,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".html": _load_html,
    ".htm": _load_html,
    ".jsonl": _load_jsonl,
    ".csv": _load_csv,
}
