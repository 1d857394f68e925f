"""Lexical search on SQLite FTS5 with bm25 ranking: the query language and the two search plans.

Query text is data, never FTS syntax: every term is quoted, so operators (AND, NEAR, *, -, quotes, brackets)
are searched as words or dropped, and nothing a user types can raise a syntax error. Numbers and
abbreviations survive: "2,000" becomes the phrase "2 000" and "U.S." the phrase "u s", which is exactly how the
unicode61 tokenizer indexed them.

The index does not stem, so an inflected query word is searched as a prefix of its stem: "emissions" as
"emission"*, "warming" as "warm"*, "increased" as "increas"*. Only lower-case plain words lose a suffix; never
capitalised words (likely names: "Jones" stays "jones"), numbers, abbreviations, or words ending in -ss/-us/-is.
On the benchmark corpora (bench/retrieval.py) this lifted lexical recall@5 from 0.574 to 0.584 (Climate-FEVER)
and 0.934 to 0.943 (WiCE), and WiCE recall@1 from 0.830 to 0.852.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from assistant.errors import StoreError
from assistant.store.catalog import filter_conditions
from assistant.text import query_terms
from assistant.types import Filters


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the query's content terms (text.query_terms), each a quoted phrase (an inflected
    word: a quoted stem prefix), OR-ed together. Only letters and digits ever go inside the quotes."""
    return " OR ".join(f'"{words[0]}"*' if prefix else '"' + " ".join(words) + '"'
                       for words, prefix in query_terms(text))


def lexical_search(db: sqlite3.Connection, query: str, k: int, filters: Filters) -> list[tuple[str, float]]:
    """(chunk id, bm25 score: higher is better) of the best k chunks of 'ready' articles that pass the filters."""
    match = fts_query(query)
    if not match:
        return []
    try:
        if filters.empty:
            return _ranked_then_checked(db, match, k)
        return _filtered(db, match, k, filters)
    except sqlite3.Error as exc:
        raise StoreError(f"lexical search failed: {exc}") from None


def sql_where(filters: Filters) -> tuple[str, list[Any]]:
    """The filters as a SQL condition on the `articles a` table, and its parameters."""
    parts: list[str] = []
    params: list[Any] = []
    for column, operator, value in filter_conditions(filters):
        if operator == "in":
            parts.append(f"{column} IN ({','.join('?' * len(value))})")
            params.extend(value)
        else:
            parts.append(f"{column} {operator} ?")
            params.append(value)
    return (" AND ".join(parts) or "1"), params


def _ranked_then_checked(db: sqlite3.Connection, match: str, k: int) -> list[tuple[str, float]]:
    """Rank inside FTS5 alone, then look up only the top rows. Joining chunks and articles for every matching
    row before the sort cost 3/4 of the query at 100k chunks (p50 58 ms vs 16 ms). Rows of articles not 'ready'
    (mid-ingest, mid-delete) are dropped after ranking; the next, wider page makes up for them."""
    limit = k + 8
    while True:
        ranked = db.execute("SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                            "ORDER BY bm25(chunks_fts) LIMIT ?", (match, limit)).fetchall()
        marks = ",".join("?" * len(ranked))
        ready = dict(db.execute(
            f"SELECT c.rowid, c.id FROM chunks c JOIN articles a ON a.id = c.article_id "
            f"WHERE c.rowid IN ({marks}) AND +a.status = 'ready'", [rowid for rowid, _ in ranked]).fetchall())
        found = [(ready[rowid], float(score)) for rowid, score in ranked if rowid in ready]
        if len(found) >= k or len(ranked) < limit:
            return found[:k]
        limit *= 4


def _filtered(db: sqlite3.Connection, match: str, k: int, filters: Filters) -> list[tuple[str, float]]:
    """With filters, every match is checked against its article before ranking, so a narrow filter still
    gets its best k (ranking first could leave none of the top rows inside the filter)."""
    condition, params = sql_where(filters)
    sql = (
        "SELECT c.id, -bm25(chunks_fts) AS score FROM chunks_fts "
        "JOIN chunks c ON c.rowid = chunks_fts.rowid JOIN articles a ON a.id = c.article_id "
        f"WHERE chunks_fts MATCH ? AND +a.status = 'ready' AND {condition} ORDER BY bm25(chunks_fts) LIMIT ?"
    )
    return [(chunk_id, float(score)) for chunk_id, score in db.execute(sql, [match, *params, k]).fetchall()]
