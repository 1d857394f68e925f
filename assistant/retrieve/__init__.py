"""Retrieval: dense (Chroma), lexical (SQLite FTS5), hybrid fusion, filters, syndication-aware collapsing."""

from assistant.retrieve.filters import Filters
from assistant.retrieve.search import MODES, Mode, SearchConfig, distinct_passages, search

__all__ = ["MODES", "Filters", "Mode", "SearchConfig", "distinct_passages", "search"]
