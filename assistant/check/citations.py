"""Citation validation, in code: a quote reaches a user only if it is found in the cited source's text.

Matching forgives only what copying text legitimately changes: runs of whitespace, curly vs straight quote
marks, dash variants, and surrounding quote marks or ellipses. Offsets are mapped back to the article, and the
citation's quote becomes the article's own text at [start, end).
"""

from __future__ import annotations

import re

from assistant.types import Citation, Passage

MIN_QUOTE_CHARS = 12
_TRANSLATE = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                            "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "–": "-", "—": "-", "‑": "-"})
_EDGES = re.compile(r"^[\s\"'“”‘’.…]+|[\s\"'“”‘’…]+$|\.{3}$")


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    index: list[int] = []
    previous_space = True
    for position, char in enumerate(text.translate(_TRANSLATE)):
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        chars.append(char)
        index.append(position)
    while chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """[start, end) of the quote in `text` after normalisation, or None when it is not there."""
    wanted, _ = normalise(_EDGES.sub("", quote.strip()))
    if len(wanted) < MIN_QUOTE_CHARS:
        return None
    haystack, index = normalise(text)
    found = haystack.find(wanted)
    if found < 0:
        return None
    start, end = index[found], index[found + len(wanted) - 1] + 1
    # the quote marks the quote opened or closed with, where the text has them too ("book is 'Day of Doom.'")
    given = quote.strip()
    while start > 0 and given[:1] in _MARKS and text[start - 1] in _MARKS:
        start -= 1
    while end < len(text) and given[-1:] in _MARKS and text[end] in _MARKS:
        end += 1
    return start, end


_MARKS = "\"'“”‘’"


def verified(passage: Passage, quote: str, article_text: str) -> Citation | None:
    """A Citation if the quote is in the passage, with offsets into the article; None otherwise."""
    span = locate(quote, passage.text)
    if span is None:
        return None
    start, end = passage.start + span[0], passage.start + span[1]
    exact = article_text[start:end]
    if normalise(exact)[0] != normalise(passage.text[span[0]:span[1]])[0]:
        return None  # the chunk and the article disagree: never show it
    return Citation(chunk_id=passage.chunk_id, article_id=passage.article_id, title=passage.title,
                    source=passage.source, date=passage.date, quote=exact, start=start, end=end,
                    date_source=passage.date_source)
