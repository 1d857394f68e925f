"""Retrieval over a Corpus: dense, lexical, hybrid fusion, syndication-aware collapsing."""

from assistant.retrieve.search import MODES, Mode, SearchConfig, distinct_passages, search
from assistant.types import Filters  # re-exported: search takes it

__all__ = ["MODES", "Filters", "Mode", "SearchConfig", "distinct_passages", "search"]
