"""What a question asks for, when a sentence can be seen to lack it, and whether a sentence states it.

"How many drones ..." wants a count of drones, "How much does the test cost?" a sum of money paid for it, "How
long did the ceremony last?" a duration, "When ..." a date, "How far ..." some figure. The extractive answer
quotes the sentences that state it first, and says when none does rather than pass another figure off as the
answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.check.slots import Quantity, extract, quantities
from assistant.text import content_terms, stem

# A follow-up in chat opens with a conjunction: "and how much does it cost?"
_LEAD = r"^\W*(?:(?:and|but|so|then|also|ok|okay|well)\W+)*"
_ASKS_FOR_NUMBER = re.compile(_LEAD + r"(?:how (?:many|much|far|long|old|big|large|high)|what (?:percentage|share|"
                              r"proportion|number|amount|fraction)|by how much)\b", re.IGNORECASE)
_COUNTED = re.compile(_LEAD + r"how many ((?:[\w'-]+ ){0,3}?)(?:are|were|is|was|did|do|does|have|has|had|will|"
                      r"would|can|could|died|people)\b", re.IGNORECASE)
_ASKS_FOR_DATE = re.compile(_LEAD + r"(?:when|(?:in |on )?(?:what|which) (?:year|month|date|day))\b", re.IGNORECASE)
_ASKS_HOW_LONG = re.compile(_LEAD + r"(?:for )?how long\b(?P<is>\s+(?:is|are|was|were)\b)?", re.IGNORECASE)
_ASKS_WHAT_COSTS = re.compile(_LEAD + r"what (?:does|did|do|will|would)\b.*\bcost\b", re.IGNORECASE)
_DATE_WORD = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|ago)\b")
# A year of an era, which `slots.years` (1900-2099 only) does not read: "3045 BC", "3800-3700 BC", "AD 79", "the
# 5th century BC"
_ERA_DATE = re.compile(r"\b\d{1,4}(?:\s?[-–]\s?\d{1,4})?\s?(?:BCE?|CE|AD|B\.C\.(?:E\.)?|A\.D\.)(?!\w)"
                       r"|\b(?:AD|A\.D\.)\s?\d{1,4}\b|\b\d{1,2}(?:st|nd|rd|th) century\b")

# The words a question about money is asked with, each with the words a sentence gives that sum beside: "costs
# $79" answers "How much does the test cost?", "raised $49 million" does not.
_PAID = frozenset("cost costs costing price prices priced pricing pay pays paid paying charge charges charged "
                  "charging fee fees sell sells sold selling buy buys bought spend spends spent fare fares".split())
_WORTH = frozenset("worth value values valued valuation".split())
_RAISED = frozenset("raise raises raised raising fund funds funded funding investment invested investors round "
                    "capital".split())
_MONEY_WORDS = (_PAID, _WORTH, _RAISED)
_MONEY = {"dollar", "euro", "pound"}
_TIME = {"second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade"}
_LENGTH = {"metre", "kilometre", "mile"}
_AROUND = 4  # words either side of a figure that say what it is of ("the 57-minute ceremony", "costs $79")
_ASKING = {"long", "much", "many"}  # the question's own words for a figure, not what the figure is of


@dataclass(frozen=True)
class Asked:
    what: str  # as the answer names it: "a figure", "how many drones", "how much", "how long", "a date"
    kind: str  # "date", "money", "duration", "count" or "figure"
    of: frozenset[str] = frozenset()  # words the figure must stand beside: what it counts, costs or lasts
    units: frozenset[str] = frozenset()  # the units a figure of this kind is in (money, time, length)

    @property
    def specific(self) -> bool:
        """Whether a sentence states it only with a figure of what was asked about (a count of drones, a sum
        paid for the test), so that sharing the question's words is already in the stating."""
        return bool(self.of)


def asked_for(question: str) -> Asked | None:
    """What the question asks for, or None when it asks for nothing a sentence can be seen to lack."""
    if counted := _COUNTED.search(question):
        words = counted.group(1).split()
        if words:
            counted_stems = frozenset(stem(w) for w in content_terms(" ".join(words)))
            return Asked(f"how many {' '.join(words)}", "count", of=counted_stems)
    if (_ASKS_FOR_NUMBER.search(question) or _ASKS_WHAT_COSTS.search(question)) and (
            paid := next((words for words in _MONEY_WORDS if words & _words(question)), None)):
        return Asked("how much", "money", of=paid, units=frozenset(_MONEY))
    if how_long := _ASKS_HOW_LONG.search(question):
        # "How long is the bridge?" may want a length; "How long did the ceremony last?" wants a duration
        units = _TIME | _LENGTH if how_long.group("is") else _TIME
        return Asked("how long", "duration", of=_question_stems(question), units=frozenset(units))
    if _ASKS_FOR_NUMBER.search(question):
        return Asked("a figure", "figure")
    if _ASKS_FOR_DATE.search(question):
        return Asked("a date", "date")
    return None


def states(asked: Asked, text: str) -> bool:
    """Whether the sentence states what was asked for: a date; a figure in the asked unit beside the words of
    what was asked about; a count of the counted noun; for a plain figure, any figure."""
    if asked.kind == "date":
        slots = extract(text)
        return bool(slots.years or slots.months or _DATE_WORD.search(text) or _ERA_DATE.search(text))
    figures = quantities(text)
    if asked.kind == "count":
        return any(asked.of & (q.context | {stem(q.unit)}) for q in figures)
    if asked.units:
        return any(q.unit in asked.units and asked.of & _beside(q, text) for q in figures)
    return bool(figures)


def _beside(quantity: Quantity, text: str) -> set[str]:
    """The words within a few of the figure, as written and stemmed: what it is of."""
    at = quantity.at if quantity.at >= 0 else max(0, text.find(quantity.text))
    words = text[:at].split()[-_AROUND:] + text[at:].split()[:_AROUND + 1]
    lowered = {w.lower() for w in content_terms(" ".join(words))}
    return lowered | {stem(w) for w in lowered}


def _words(question: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", question)}


def _question_stems(question: str) -> frozenset[str]:
    """The stems of the question's content words, but for its words asking for a figure and its apostrophe's
    leftovers ("Iginla's": "s")."""
    return frozenset(stem(w) for w in content_terms(question) if len(w) > 1 and w not in _ASKING)
