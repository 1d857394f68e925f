"""Pydantic models that cross module boundaries."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator, model_validator

from assistant.errors import FactcheckError
from assistant.text import iso_date


class ArticleMeta(BaseModel):
    """What is known about an article besides its text."""

    title: str = ""
    source: str = ""
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD)
    url: str | None = None
    author: str | None = None
    caption: str | None = None  # a photo caption found before the body; kept apart from the text
    date_inferred: bool = False  # True when the date came from a syndicated copy, not the file itself
    date_source: str | None = None  # metadata, text, url or inferred_from_copy (see ingest/dates.py)
    date_confidence: float | None = None  # 0.9 metadata ... 0.4 inferred_from_copy; under 0.5 shown as uncertain


class Document(BaseModel):
    """One article as a loader read it, before ids, chunking and dedupe."""

    text: str
    meta: ArticleMeta
    origin: str  # "path" or "path:line" for record formats
    feed_date_order: str | None = None  # DMY or MDY when the other records of its feed prove the order


class Article(BaseModel):
    """A stored article. `text` is the exact text that chunk offsets and citation quotes refer to."""

    id: str
    text: str
    meta: ArticleMeta
    origin: str
    content_hash: str
    cluster: str = ""  # story cluster: syndicated copies of one story share it
    n_chunks: int = 0


class Chunk(BaseModel):
    """A span of an article: `text == article.text[start:end]`."""

    id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int


class Passage(BaseModel):
    """A retrieved chunk with what a reader needs to cite it."""

    chunk_id: str
    article_id: str
    title: str
    source: str
    date: str | None
    text: str
    start: int
    end: int
    score: float
    cluster: str = ""
    also_reported_by: list[str] = Field(default_factory=list)
    date_source: str | None = None  # see ArticleMeta: a date from the URL or a copy is shown as such


class IngestProblem(BaseModel):
    """A file or record that could not be ingested, and why."""

    path: str
    line: int | None = None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


class IngestReport(BaseModel):
    """The summary of one ingest run."""

    files: int = 0
    articles: int = 0  # new or changed articles written
    chunks: int = 0  # chunks written
    skipped: int = 0  # unchanged files skipped before parsing
    duplicates: int = 0  # articles identical to one already stored
    unchanged: int = 0  # articles of an edited file read again exactly as they were stored
    updated: int = 0  # stored articles whose metadata changed (their file read again: edited, or read differently)
    removed: int = 0  # articles replaced because their file changed
    failed: int = 0  # problems, one `failed:` line each: failed_files + failed_records
    failed_files: int = 0  # files (or paths given) that could not be read at all
    failed_records: int = 0  # records (or articles) left out of files that were read, or skipped as unchanged
    seconds: float = 0.0
    interrupted: bool = False  # stopped by SIGINT/SIGTERM: every committed batch kept
    remaining: int = 0  # files left for the next run after an interrupt
    gone_files: int = 0  # files ingested before from these paths that no longer exist (without --prune)
    gone_articles: int = 0  # their articles, still stored and searchable
    pruned: int = 0  # articles removed by --prune because their files are gone
    errors: list[IngestProblem] = Field(default_factory=list)
    warnings: list[IngestProblem] = Field(default_factory=list)  # ingested, but something was left out or repaired

    def summary(self) -> str:
        """The one line `factcheck ingest` and chat's /ingest print."""
        # files, then records: a file skipped as unchanged still reports its bad records (a bare "3 failed" beside
        # "2 skipped" had counted such a file twice)
        failed = f"{self.failed_files} files failed" + (f", {self.failed_records} records failed"
                                                        if self.failed_records else "")
        return (f"{self.files} files, {self.articles} articles, {self.chunks} chunks, {self.skipped} skipped "
                "(unchanged), " + (f"{self.unchanged} articles unchanged in edited files, " if self.unchanged else "")
                + f"{self.duplicates} duplicates, {self.updated} updated, {self.removed} replaced, "
                + (f"{self.pruned} pruned, " if self.pruned else "")
                + f"{failed} in {self.seconds:.1f} s")


class Citation(BaseModel):
    """A quote proven to be the source's own text: `quote == article.text[start:end]`."""

    chunk_id: str
    article_id: str
    title: str
    source: str
    date: str | None
    quote: str
    start: int
    end: int
    date_source: str | None = None  # see ArticleMeta: a date from the URL or a copy is shown as such


class Usage(BaseModel):
    """Model calls and tokens spent on one command, and their estimated cost."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd = round(self.cost_usd + other.cost_usd, 6)


class Answer(BaseModel):
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    engine: str
    model: str | None = None
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)


VERDICTS = ("supported", "contradicted", "not_enough_evidence", "disputed")


class Verdict(BaseModel):
    """The verdict on one atomic claim, with the quotes it rests on."""

    claim: str
    verdict: str  # one of VERDICTS
    confidence: float
    rationale: str
    decided_by: str
    citations: list[Citation] = Field(default_factory=list)
    independent_sources: int = 0  # story clusters, not copies
    # not_enough_evidence: the closest evidence read, for the reader to judge; it backs nothing
    nearest: list[Citation] = Field(default_factory=list)


class CheckResult(BaseModel):
    engine: str
    claims: list[Verdict] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    warnings: list[str] = Field(default_factory=list)


class Filters(BaseModel):
    """Which articles a search may return: a plain value; each index translates it into its own query language."""

    sources: list[str] = Field(default_factory=list)  # matched case-insensitively; an unknown one is an error
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    firm_dates: bool = False  # only articles whose date the file itself gives (not the URL's, not a copy's)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _iso(cls, value: object) -> str | None:
        if value in (None, ""):
            return None
        found = iso_date(value)
        if found is None:
            raise FactcheckError(f"not a date: {value!r}; use YYYY-MM-DD")
        return found

    @model_validator(mode="after")
    def _a_range(self) -> Filters:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise FactcheckError(f"since {self.since} is after until {self.until}: no article can match")
        return self

    @property
    def empty(self) -> bool:
        return not self.sources and self.since is None and self.until is None and not self.firm_dates
