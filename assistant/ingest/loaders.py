"""Loaders: one file in, Documents out. txt, md (YAML front matter), html, jsonl and csv.

Record formats (jsonl, csv) hold one article per record with fields text/title/source/date/url/author.
Other field names are mapped with FACTCHECK_FIELD_MAP, e.g. `text=body,source=publisher,date=published_at`.
A bad record is reported with its line number and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from assistant.errors import InputError
from assistant.ingest.decode import decode_text
from assistant.types import ArticleMeta, Document, IngestProblem

META_FIELDS = ("title", "source", "date", "url", "author")
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv")


class Loaded:
    """The documents of one file plus the problems found in individual records."""

    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.problems: list[IngestProblem] = []


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
    return loader(path, decode_text(path, data), field_map)


def _meta_from(values: Mapping[str, Any]) -> ArticleMeta:
    fields = {k: str(values[k]).strip() for k in META_FIELDS if values.get(k) not in (None, "")}
    return ArticleMeta(**fields)


def _load_txt(path: Path, text: str, _map: Mapping[str, str]) -> Loaded:
    loaded = Loaded()
    loaded.documents.append(Document(text=text, meta=ArticleMeta(), origin=str(path)))
    return loaded


def _load_markdown(path: Path, text: str, _map: Mapping[str, str]) -> Loaded:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from None
    loaded = Loaded()
    loaded.documents.append(Document(text=post.content, meta=_meta_from(post.metadata), origin=str(path)))
    return loaded


def _load_html(path: Path, text: str, _map: Mapping[str, str]) -> Loaded:
    import trafilatura  # slow to import; only HTML needs it

    extracted = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                            include_tables=True, favor_precision=True)
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body or not body.strip():
        raise InputError(str(path), "no article text found in the HTML")
    values = {k: getattr(extracted, k, None) for k in ("title", "date", "url", "author")}
    values["source"] = getattr(extracted, "sitename", None)
    loaded = Loaded()
    loaded.documents.append(Document(text=body, meta=_meta_from(values), origin=str(path)))
    return loaded


def _record_document(path: Path, line: int, record: Mapping[str, Any], field_map: Mapping[str, str]) -> Document:
    def field(name: str) -> Any:
        return record.get(field_map.get(name, name))

    text = field("text")
    if not isinstance(text, str) or not text.strip():
        wanted = field_map.get("text", "text")
        raise InputError(str(path), f"record has no '{wanted}' field with text", line)
    return Document(text=text, meta=_meta_from({k: field(k) for k in META_FIELDS}), origin=f"{path}:{line}")


def _collect(path: Path, records: Iterator[tuple[int, Any]], field_map: Mapping[str, str]) -> Loaded:
    loaded = Loaded()
    for line, record in records:
        try:
            if isinstance(record, InputError):
                raise record
            if not isinstance(record, Mapping):
                raise InputError(str(path), "record is not a JSON object", line)
            loaded.documents.append(_record_document(path, line, record, field_map))
        except InputError as exc:
            loaded.problems.append(IngestProblem(path=str(path), line=exc.line, reason=exc.reason))
    return loaded


def _load_jsonl(path: Path, text: str, field_map: Mapping[str, str]) -> Loaded:
    def records() -> Iterator[tuple[int, Any]]:
        # Split on "\n" only: a JSON string may hold U+2028 or U+0085, which splitlines() would treat as line ends.
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, InputError(str(path), f"malformed JSON ({exc.msg} at column {exc.colno})", number)

    return _collect(path, records(), field_map)


def _load_csv(path: Path, text: str, field_map: Mapping[str, str]) -> Loaded:
    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    text_column = field_map.get("text", "text")
    if reader.fieldnames is None or text_column not in reader.fieldnames:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise InputError(str(path), f"CSV has no '{text_column}' column (columns: {found}); "
                         "map one with FACTCHECK_FIELD_MAP=text=COLUMN")

    def records() -> Iterator[tuple[int, Any]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            yield reader.line_num, InputError(str(path), f"malformed CSV: {exc}", reader.line_num)

    return _collect(path, records(), field_map)


_LOADERS: dict[str, Callable[[Path, str, Mapping[str, str]], Loaded]] = {
    ".txt": _load_txt,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".html": _load_html,
    ".htm": _load_html,
    ".jsonl": _load_jsonl,
    ".csv": _load_csv,
}
