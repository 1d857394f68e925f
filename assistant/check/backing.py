"""No sentence the model writes reaches the reader unless its facts are backed by its quotes.

A fact here is what a reader would take as checkable: a number (with its unit words normalised: "1,200" =
"1200", "five" = "5"), a year, a month, a name (a run of capitalised words that does not open the sentence).
Each must appear in the verified quotes the sentence rests on (the quotes it cites as [n], else all the
answer's quotes) or in the question the reader asked. A sentence that fails is removed, and the warning says
which facts were missing; when nothing backed is left, the caller shows a fixed message instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.check.citations import normalise
from assistant.check.slots import MONTH, quantities
from assistant.text import sentence_spans

_MARKER = re.compile(r"\[(\d+)\]")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w'’-]*)*")
_NOT_NAMES = frozenset("The A An I In On At It He She They We This That These Those But And Or If When While As "
                       "According Sources Source Yes No".split())


@dataclass(frozen=True)
class Unbacked:
    sentence: str
    missing: list[str]

    def warning(self, what: str = "sentence") -> str:
        return f"removed an unbacked {what}: {_short(self.sentence)!r} ({', '.join(self.missing)} not in its quotes)"


def facts(sentence: str) -> list[str]:
    """The checkable facts of a sentence, as written (numbers, years, months, names)."""
    text = _MARKER.sub("", sentence)
    found = [q.text for q in quantities(text)] + _YEAR.findall(text) + MONTH.findall(text)
    stripped = text.strip()
    for match in _NAME.finditer(stripped):
        words = [w for w in match.group(0).split() if w not in _NOT_NAMES]
        if match.start() == 0 and len(match.group(0).split()) == 1:
            continue  # one capitalised word opening the sentence is as likely a common word as a name
        if words:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def _flat(text: str) -> str:
    return " " + re.sub(r"[^\w.]+", " ", normalise(text)[0].lower()).strip() + " "


def _numbers(text: str) -> set[float]:
    return {q.value for q in quantities(text)} | {float(y) for y in _YEAR.findall(text)}


def _backed(fact: str, quotes: str, numbers: set[float]) -> bool:
    values = {q.value for q in quantities(fact)}
    if values:
        return values <= numbers
    if _YEAR.fullmatch(fact):
        return float(fact) in numbers
    return _flat(fact) in quotes or all(f" {w} " in quotes for w in _flat(fact).split())


def guard_sentences(text: str, quotes_by_marker: dict[int, str], question: str = "") -> tuple[str, list[Unbacked]]:
    """(the text with unbacked sentences removed, what was removed and why)."""
    kept: list[str] = []
    removed: list[Unbacked] = []
    every_quote = " ".join(quotes_by_marker.values())
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        cited = [quotes_by_marker[int(n)] for n in _MARKER.findall(sentence) if int(n) in quotes_by_marker]
        backing = " ".join(cited) if cited else every_quote
        flat, numbers = _flat(backing + " " + question), _numbers(backing + " " + question)
        missing = [f for f in facts(sentence) if not _backed(f, flat, numbers)]
        if missing:
            removed.append(Unbacked(sentence.strip(), missing))
        else:
            kept.append(sentence.strip())
    return " ".join(kept), removed


def guard_text(text: str, quotes: Sequence[str], question: str = "") -> tuple[str, list[Unbacked]]:
    """The same rule where sentences carry no [n] markers: every quote backs every sentence."""
    return guard_sentences(text, dict(enumerate(quotes, start=1)), question)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
