"""Fusion and lexical query building: pure functions, no store."""

from __future__ import annotations

import re
import sqlite3

import pytest

from assistant.retrieve.fusion import reciprocal_rank_fusion, zscore_fusion
from assistant.store.fts5 import fts_query
from assistant.text import stem

WEIGHTS = {"dense": 1.0, "lexical": 1.0}


def test_zscore_keeps_a_wide_single_index_margin() -> None:
    # "x": the lexical index's runaway best match (a rare name, say), fourth by a hair in the dense list;
    # "y": first by a hair in the dense list, second in the lexical one.
    dense = [("y", 0.60), ("a", 0.59), ("b", 0.58), ("x", 0.57), ("c", 0.45), ("d", 0.40)]
    lexical = [("x", 30.0), ("y", 9.0), ("e", 8.5), ("f", 8.0), ("g", 7.5), ("h", 7.0)]
    fused = [item for item, _ in zscore_fusion({"dense": dense, "lexical": lexical}, WEIGHTS)]
    assert fused[0] == "x"
    rrf = [item for item, _ in reciprocal_rank_fusion({"dense": dense, "lexical": lexical}, WEIGHTS)]
    assert rrf[0] == "y"  # the textbook behaviour the z-score fusion fixes


def test_zscore_handles_empty_and_single_item_lists() -> None:
    assert zscore_fusion({"dense": [], "lexical": []}, WEIGHTS) == []
    assert [i for i, _ in zscore_fusion({"dense": [("a", 0.9), ("b", 0.1)], "lexical": []}, WEIGHTS)] == ["a", "b"]
    assert zscore_fusion({"dense": [("a", 0.9)], "lexical": [("a", 3.0)]}, WEIGHTS) == [("a", 0.0)]


def test_a_zero_weight_silences_an_index() -> None:
    dense = [("a", 0.9), ("b", 0.1)]
    lexical = [("b", 9.0), ("a", 1.0)]
    fused = zscore_fusion({"dense": dense, "lexical": lexical}, {"dense": 0.0, "lexical": 1.0})
    assert [item for item, _ in fused] == ["b", "a"]


@pytest.mark.parametrize(("word", "expected"), [
    ("warming", "warm"), ("emissions", "emission"), ("increased", "increas"), ("buildings", "build"),
    ("analysis", "analysis"), ("bus", "bus"), ("glass", "glass"), ("used", "used"), ("2014", "2014"),
    # a consonant doubled before -ed/-ing goes with the suffix ("no more troops are currently planned" against
    # "not currently any plans"), not a word's own double letter
    ("planned", "plan"), ("plans", "plan"), ("stopping", "stop"), ("falling", "fall"), ("missed", "miss"),
])
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("2,000 militants", '"2 000" OR "militant"*'),
    ("U.S. troops", '"u s" OR "troop"*'),
    ("Jones said", '"jones" OR "said"'),  # capitalised: a name, never stemmed
    ("the of and", ""),
    ('NEAR("x" -y*)', '"near" OR "x" OR "y"'),
])
def test_fts_query(query: str, expected: str) -> None:
    assert fts_query(query) == expected


@pytest.mark.parametrize("query", [
    '"', "'", "*", "-", "(((", ")", "NEAR(a b, 3)", "a AND OR NOT b", "col:term", "^x", "{a b}", "\\", "\x00x",
    "x" * 5000, "🙂", "ÄÖÜ ß", "a" * 3 + '"' * 3,
])
def test_every_fts_query_is_valid_fts5(query: str) -> None:
    match = fts_query(query)
    assert all(re.fullmatch(r'"[^\W_]+( [^\W_]+)*"\*?', term) for term in match.split(" OR ") if match)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('some text')")
    if match:
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()
