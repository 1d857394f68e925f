"""Document corpora built from the real datasets in ../shared/datasets (never copied into the project).

Shared by the benchmarks. Each builder returns `CorpusArticle`s whose `spans` map a dataset's sentence key
(a Climate-FEVER evidence_id, a WiCE evidence index) to its [start, end) in `text`, so a retrieval benchmark
can score gold evidence against chunk offsets. `build_corpus` composes the ingest corpus and says honestly
what it is made of.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

DATASETS_ENV = "FACTCHECK_DATASETS"
_META_PREFIX = "(meta data) "


@dataclass
class CorpusArticle:
    key: str  # stable id within the corpus: "<part>:<dataset id>"
    part: str  # which builder made it
    text: str
    title: str = ""
    source: str = ""
    date: str | None = None
    url: str | None = None
    author: str | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def record(self) -> dict[str, str]:
        """The JSONL record the ingest loaders read (text/title/source/date/url/author), plus our key."""
        values = {"text": self.text, "title": self.title, "source": self.source, "date": self.date,
                  "url": self.url, "author": self.author, "key": self.key}
        return {k: v for k, v in values.items() if v is not None and v}


@dataclass
class Corpus:
    articles: list[CorpusArticle]
    notes: list[str] = field(default_factory=list)  # how it was composed, in words

    def composition(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for article in self.articles:
            counts[article.part] = counts.get(article.part, 0) + 1
        return counts

    def sample(self, limit: int) -> Corpus:
        """An evenly spread, deterministic subset of `limit` articles (keeps the mix of parts)."""
        if limit >= len(self.articles):
            return self
        step = len(self.articles) / limit
        picked = [self.articles[int(i * step)] for i in range(limit)]
        return Corpus(picked, [*self.notes, f"--limit {limit}: every {step:.1f}th article of the full corpus"])


def datasets_dir(project_root: Path) -> Path:
    """$FACTCHECK_DATASETS, else ../shared/datasets relative to the project root."""
    override = os.environ.get(DATASETS_ENV)
    return Path(override) if override else (project_root.parent / "shared" / "datasets").resolve()


def require_datasets(project_root: Path) -> Path:
    """The datasets folder, or exit 2 with a one-line message: every benchmark needs it."""
    root = datasets_dir(project_root)
    if not root.is_dir():
        print(f"datasets not found at {root}; set {DATASETS_ENV} or provide ../shared/datasets", file=sys.stderr)
        raise SystemExit(2)
    return root


def _joined(pieces: Iterable[tuple[str, str]], sep: str = "\n") -> tuple[str, dict[str, tuple[int, int]]]:
    """Join (key, sentence) pieces with `sep`, recording each sentence's offsets."""
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    position = 0
    for key, sentence in pieces:
        sentence = sentence.strip()
        if not sentence:
            continue
        if parts:
            parts.append(sep)
            position += len(sep)
        parts.append(sentence)
        spans[key] = (position, position + len(sentence))
        position += len(sentence)
    return "".join(parts), spans


def climate_fever_articles(root: Path) -> list[CorpusArticle]:
    """Unique evidence sentences grouped by Wikipedia article, ordered by the index after the last ':'."""
    sentences: dict[str, dict[str, str]] = {}
    with open(root / "climate-fever" / "climate-fever.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            for evidence in json.loads(line)["evidences"]:
                sentences.setdefault(evidence["article"], {})[evidence["evidence_id"]] = evidence["evidence"]
    articles = []
    for title in sorted(sentences):
        ordered = sorted(sentences[title].items(), key=lambda kv: int(kv[0].rpartition(":")[2]))
        text, spans = _joined(ordered)
        url = "https://en.wikipedia.org/wiki/" + quote(title.replace(" ", "_"))
        articles.append(CorpusArticle(key=f"climate-fever:{title}", part="climate-fever", text=text, title=title,
                                      source="wikipedia", url=url, spans=spans))
    return articles


def _publisher_name(value: str) -> str:
    """WiCE publishers are often a Facebook page URL: keep the page name ("theguardian")."""
    if "://" not in value:
        return value
    parsed = urlparse(value)
    tail = parsed.path.strip("/").rpartition("/")[2]
    return tail or (parsed.hostname or value).removeprefix("www.")


def wice_articles(root: Path) -> list[CorpusArticle]:
    """One document per claim's evidence list; `(meta data)` lines become metadata (first page's), not body."""
    articles = []
    with open(root / "wice-dev" / "claim_dev.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            meta: dict[str, str] = {}
            body: list[tuple[str, str]] = []
            for index, sentence in enumerate(row["evidence"]):
                if sentence.startswith(_META_PREFIX):
                    name, _, value = sentence.removeprefix(_META_PREFIX).partition(":")
                    meta.setdefault(name.strip().upper(), value.strip())
                else:
                    body.append((str(index), sentence))
            text, spans = _joined(body)
            if not text:
                continue
            publisher = meta.get("PUBLISHER")
            articles.append(CorpusArticle(
                key=f"wice:{row['meta']['id']}", part="wice-dev", text=text, title=meta.get("TITLE", ""),
                source=_publisher_name(publisher) if publisher else "wice-web", date=meta.get("PUBLISHED DATETIME"),
                author=meta.get("AUTHOR"), spans=spans))
    return articles


_SUMMEDITS_FILES = (("summedits_ectsum.json", "earnings-call"), ("summedits_podcast.json", "podcast"))


def _summedits_rows(root: Path) -> Iterable[tuple[str, dict[str, object]]]:
    for filename, domain in _SUMMEDITS_FILES:
        with open(root / "summedits-dev" / filename, encoding="utf-8") as handle:
            for row in json.load(handle):
                yield domain, row


def summedits_documents(root: Path) -> list[CorpusArticle]:
    """Each distinct source `doc` (earnings-call and podcast transcripts) as an article; titles from the lead."""
    seen: dict[str, CorpusArticle] = {}
    for domain, row in _summedits_rows(root):
        doc = str(row["doc"]).strip()
        if doc and doc not in seen:
            seen[doc] = CorpusArticle(key=f"summedits-doc:{domain}:{len(seen)}", part="summedits-doc", text=doc,
                                      source=f"summedits-{domain}")
    return list(seen.values())


def summedits_summaries(root: Path) -> list[CorpusArticle]:
    """Each distinct summary (real, short, often an edited near-copy of another) as an article."""
    seen: dict[str, CorpusArticle] = {}
    for domain, row in _summedits_rows(root):
        summary = str(row["summary"]).strip()
        if summary and summary not in seen:
            seen[summary] = CorpusArticle(key=f"summedits-summary:{row['id']}", part="summedits-summary",
                                          text=summary, source=f"summedits-{domain}-summary")
    return list(seen.values())


def build_corpus(root: Path, min_articles: int = 2000) -> Corpus:
    """Climate-FEVER + WiCE dev + SummEdits documents; SummEdits summaries are added only to reach min_articles."""
    articles = [*climate_fever_articles(root), *wice_articles(root), *summedits_documents(root)]
    notes = [f"{len(articles):,} documents from climate-fever, wice-dev and summedits docs"]
    if len(articles) < min_articles:
        summaries = summedits_summaries(root)
        needed = min_articles - len(articles)
        added = summaries[:needed]
        notes.append(f"that is < {min_articles:,}, so {len(added):,} of {len(summaries):,} distinct SummEdits "
                     "summaries were added as short articles (real text)")
        articles.extend(added)
    return Corpus(articles, notes)


def write_jsonl(articles: Sequence[CorpusArticle], folder: Path, shard_size: int = 200) -> list[Path]:
    """Write the articles as JSONL files of `shard_size` records each, grouped by part; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    by_part: dict[str, list[CorpusArticle]] = {}
    for article in articles:
        by_part.setdefault(article.part, []).append(article)
    paths = []
    for part, items in by_part.items():
        for number, start in enumerate(range(0, len(items), shard_size)):
            path = folder / f"{part}-{number:03d}.jsonl"
            with open(path, "w", encoding="utf-8") as handle:
                for article in items[start:start + shard_size]:
                    handle.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
            paths.append(path)
    return paths
