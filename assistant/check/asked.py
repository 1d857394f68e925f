"""What a question asks for, when a sentence can be seen to lack it, and whether a sentence states it.

"How many drones ..." wants a count of drones, "When ..." a date, "How far ..." some figure. The extractive
answer quotes the sentences that state it first, and says when none does rather than pass another figure off as
the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.check.slots import extract, quantities
from assistant.text import content_terms, stem

_ASKS_FOR_NUMBER = re.compile(r"^\W*(?:how (?:many|much|far|long|old|big|large|high)|what (?:percentage|share|"
                              r"proportion|number|amount|fraction)|by how much)\b", re.IGNORECASE)
_COUNTED = re.compile(r"^\W*how many ((?:[\w'-]+ ){0,3}?)(?:are|were|is|was|did|do|does|have|has|had|will|would|"
                      r"can|could|died|people)\b", re.IGNORECASE)
_ASKS_FOR_DATE = re.compile(r"^\W*(?:when|(?:in |on )?(?:what|which) (?:year|month|date|day))\b", re.IGNORECASE)
_DATE_WORD = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|ago)\b")
# A year of an era, which `slots.years` (1900-2099 only) does not read: "3045 BC", "3800-3700 BC", "AD 79", "the
# 5th century BC"
_ERA_DATE = re.compile(r"\b\d{1,4}(?:\s?[-–]\s?\d{1,4})?\s?(?:BCE?|CE|AD|B\.C\.(?:E\.)?|A\.D\.)(?!\w)"
                       r"|\b(?:AD|A\.D\.)\s?\d{1,4}\b|\b\d{1,2}(?:st|nd|rd|th) century\b")


@dataclass(frozen=True)
class Asked:
    what: str  # as the answer names it: "a figure", "how many drones", "a date"
    kind: str  # "date", "count" or "figure"
    of: frozenset[str] = frozenset()  # stems of the noun a "how many" question counts


def asked_for(question: str) -> Asked | None:
    """What the question asks for, or None when it asks for nothing a sentence can be seen to lack."""
    if counted := _COUNTED.search(question):
        words = counted.group(1).split()
        if words:
            counted_stems = frozenset(stem(w) for w in content_terms(" ".join(words)))
            return Asked(f"how many {' '.join(words)}", "count", of=counted_stems)
    if _ASKS_FOR_NUMBER.search(question):
        return Asked("a figure", "figure")
    if _ASKS_FOR_DATE.search(question):
        return Asked("a date", "date")
    return None


def states(asked: Asked, text: str) -> bool:
    """Whether the sentence states what was asked for: a date; a count of the counted noun; any figure."""
    if asked.kind == "date":
        slots = extract(text)
        return bool(slots.years or slots.months or _DATE_WORD.search(text) or _ERA_DATE.search(text))
    figures = quantities(text)
    if asked.kind == "count":
        return any(asked.of & (q.context | {stem(q.unit)}) for q in figures)
    return bool(figures)
