"""Search filters, applied inside both indexes before fusion."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from assistant.errors import FactcheckError
from assistant.text import iso_date


class Filters(BaseModel):
    sources: list[str] = Field(default_factory=list)
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive

    @field_validator("since", "until", mode="before")
    @classmethod
    def _iso(cls, value: object) -> str | None:
        if value in (None, ""):
            return None
        found = iso_date(value)
        if found is None:
            raise FactcheckError(f"not a date: {value!r}; use YYYY-MM-DD")
        return found

    @property
    def empty(self) -> bool:
        return not self.sources and self.since is None and self.until is None

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since:
            clauses.append({"date_num": {"$gte": int(self.since.replace("-", ""))}})
        if self.until:
            clauses.append({"date_num": {"$lte": int(self.until.replace("-", ""))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def sql_where(self) -> tuple[str, list[Any]]:
        """A SQL condition on the `articles a` table, and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.sources:
            parts.append(f"a.source IN ({','.join('?' * len(self.sources))})")
            params.extend(self.sources)
        if self.since:
            parts.append("a.date >= ?")
            params.append(self.since)
        if self.until:
            parts.append("a.date <= ?")
            params.append(self.until)
        return (" AND ".join(parts) or "1"), params
