"""Split a claim or a whole draft into atomic, check-worthy claims.

A claim is a declarative sentence (or a semicolon-separated clause of one) with some content to check. In a draft,
a sentence joining full clauses with ", and" / ", but" is one claim per clause: each is checked on its own, so a
true half never hides a false one. A claim given alone is checked as written.
Questions, first-person opinions, calls to action, a stance with no figure ("Frankly, ...") and boilerplate are
skipped: there is nothing to verify. Other judgements ("It is a low-risk move") are checked like any claim.
"""

from __future__ import annotations

import re

from assistant.check.entities import clause_spans
from assistant.text import sentence_spans

MAX_CLAIMS = 200  # a 1 MB draft is checked in bounded time; the rest is reported as skipped
_OPINION = re.compile(r"^\s*(?:i|we)\s+(?:think|believe|feel|hope|guess|suppose)\b|\b(?:in my opinion|"
                      r"should|ought to|must be|i think|we think)\b", re.IGNORECASE)
# A stance opening a sentence with no figure in it is the writer's view ("Frankly, the idea is thrilling."); with a
# figure it still states one ("Sadly, 12 people died.").
_STANCE = re.compile(r"^\s*(?:frankly|honestly|arguably|personally|admittedly|clearly|obviously|surely|"
                     r"undoubtedly|to be fair|in fairness)\b,?", re.IGNORECASE)
_JOINED = re.compile(r",\s+(?:and|but)\s", re.IGNORECASE)  # only such sentences are parsed for clauses
_BOILERPLATE = re.compile(r"^\s*(?:read more|click here|subscribe|sign up|share this|follow us|advertisement|"
                          r"all rights reserved|copyright|photo:|image:)", re.IGNORECASE)


_ENGLISH_WORDS = frozenset("the an of to is are was were and or for with by at from that this has have had be been "
                           "not will said says which who".split())
# Function words of other Latin-script languages that English text almost never contains.
_FOREIGN_WORDS = frozenset("le la les des du une est et der die das und ein eine ist nicht el los las del una por "
                           "con il della che di dei och att är het een niet wurde sont dans pour".split())


def looks_english(text: str) -> bool:
    """False only on positive evidence of another language: mostly non-Latin letters, or foreign function words
    and no English ones. A terse English claim ("Coal generation slid 18 percent") stays English."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    if sum(ch.isascii() for ch in letters) < 0.8 * len(letters):
        return False
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    return not (len(words & _FOREIGN_WORDS) >= 2 and len(words & _ENGLISH_WORDS) < 2)


def non_english_sentences(text: str) -> list[str]:
    """The sentences of a text in another language (split on Latin and CJK sentence ends), up to MAX_CLAIMS."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?。！？])\s*", text) if p.strip()]
    return parts[:MAX_CLAIMS]


def is_check_worthy(sentence: str) -> bool:
    text = sentence.strip()
    if len(re.findall(r"[^\W_]+", text)) < 4 or text.endswith("?"):
        return False
    return not (_OPINION.search(text) or _BOILERPLATE.match(text)
                or (_STANCE.match(text) and not re.search(r"\d", text)))


def split_claims(text: str, draft: bool = False) -> tuple[list[str], int]:
    """(atomic claims in order, number of check-worthy sentences left out by MAX_CLAIMS). `draft` also splits a
    sentence's joined full clauses."""
    claims: list[str] = []
    dropped = 0
    for start, end in sentence_spans(text):
        for clause in re.split(r";\s+", text[start:end]):
            clause = clause.strip()
            if not is_check_worthy(clause):
                continue
            for part in joined_clauses(clause) if draft else [clause]:
                if len(claims) >= MAX_CLAIMS:
                    dropped += 1
                    continue
                claims.append(part)
    return claims, dropped


def joined_clauses(sentence: str) -> list[str]:
    """The full clauses a sentence joins with ", and" / ", but", each as a sentence of its own ("The beach had been
    blocked off for more than three years." / "Ribbon-cutter Brian Wilkins is 92."); the sentence itself when it
    joins none, or when a clause alone would not be check-worthy (so no words are lost)."""
    if not _JOINED.search(sentence):
        return [sentence]
    spans = clause_spans(sentence)
    if len(spans) == 1:
        return [sentence]
    end = sentence.rstrip()[-1] if sentence.rstrip()[-1] in ".!" else "."
    parts = []
    for number, (start, stop) in enumerate(spans):
        part = sentence[start:stop].strip()
        first = part.split(maxsplit=1)[0]
        if number and first.islower():  # "the ceremony starts ..." -> "The ceremony starts ..."
            part = part[0].upper() + part[1:]
        parts.append(part if number == len(spans) - 1 else part.rstrip(",") + end)
    return parts if all(is_check_worthy(p) for p in parts) else [sentence]
