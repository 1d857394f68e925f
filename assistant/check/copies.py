"""Copies of one story that say different things: a sentence and its edited twin in another outlet's copy.

Syndicated copies count as one source, so search and `ask` show one of them; but an outlet may have changed a
figure, a date or a name ("eight-year tenure" in one copy, "nine-year" in another), and a reader must see that.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.check.slots import same_name
from assistant.types import Passage

COPY_SIMILARITY = 0.8  # difflib ratio of two sentences' words: one sentence, edited in one copy of the story
SPELLING_SIMILARITY = 0.85  # difflib ratio of two words' letters: "Raqa" / "Raqqa" 0.89, "Okafor" / "Okafur" 0.83
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                     r"fifty|hundred|thousand|million|billion|dozen|half|first|second|third)\b", re.IGNORECASE)


def other_copies(a: Passage, b: Passage) -> bool:
    """Whether two passages come from different copies of one story."""
    return bool(a.cluster) and a.cluster == b.cluster and a.article_id != b.article_id


def edited_twins(a: str, b: str) -> bool:
    """Whether two sentences are one sentence, edited: nearly the same words, not the same text."""
    return a != b and SequenceMatcher(a=a.lower().split(), b=b.lower().split()).ratio() >= COPY_SIMILARITY


def says_otherwise(a: str, b: str) -> bool:
    """Whether two sentences are one sentence whose copies differ in a figure, a date or a name."""
    return edited_twins(a, b) and bool(fact_edits(a, b))


def fact_edits(a: str, b: str) -> list[tuple[str, str]]:
    """The runs of words where two twins differ and either carries a figure, a date or a name
    ("eight-year" / "nine-year"; not "US-led" / "U.S.-led", nor a changed adjective)."""
    words_a, words_b = a.split(), b.split()
    matcher = SequenceMatcher(a=[_plain(w) for w in words_a], b=[_plain(w) for w in words_b], autojunk=False)
    edits = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        ours, theirs = " ".join(words_a[a1:a2]), " ".join(words_b[b1:b2])
        if (tag != "equal" and (_carries_fact(words_a, a1, a2) or _carries_fact(words_b, b1, b2))
                and not _spellings(ours, theirs)):
            edits.append((ours, theirs))
    return edits


def _spellings(a: str, b: str) -> bool:
    """Two spellings of one word or name, not two facts: "Raqqa" / "Raqa", "neighborhoods" / "neighbourhoods",
    "Maj. Gen." / "Major General" (the same digits, and nearly the same letters or an abbreviation)."""
    plain_a, plain_b = _plain(a), _plain(b)
    if re.sub(r"\D", "", plain_a) != re.sub(r"\D", "", plain_b):
        return False
    if a.split() and b.split() and same_name(a.split(), b.split()):  # "Maj. Gen." / "Major General"
        return True
    return bool(plain_a and plain_b) and SequenceMatcher(a=plain_a, b=plain_b).ratio() >= SPELLING_SIMILARITY


def _carries_fact(words: list[str], start: int, end: int) -> bool:
    """A figure, a number word, or a capitalised word that does not open the sentence."""
    for index in range(start, end):
        for part in words[index].split("-"):
            if _FIGURE.search(part) or (index > 0 and part[:1].isupper()):
                return True
    return False


def _plain(word: str) -> str:
    """A word as compared: case, punctuation and abbreviation dots aside ("U.S.-led" = "US-led")."""
    return re.sub(r"[^\w-]", "", word).lower()
