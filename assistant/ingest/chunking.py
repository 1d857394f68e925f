"""Sentence-aware chunking with character offsets.

Sentences come from the rule-based splitter in assistant/text.py, then are packed into chunks of about `target`
characters that overlap by whole sentences. Every chunk is a span [start, end) of the article text, so any quote
inside it can be located in the article.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.text import sentence_spans
from assistant.types import Chunk


def _split_long(span: tuple[int, int], text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Cut a sentence longer than `limit` at word boundaries (tables, lists and run-on web text)."""
    start, end = span
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():  # "a  b" cut at its second space
            piece_end -= 1
        yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def chunk_spans(text: str, target: int = 700, overlap: int = 1) -> list[tuple[int, int]]:
    """Pack sentences into spans of about `target` characters; consecutive spans share `overlap` sentences."""
    sentences = [piece for span in sentence_spans(text) for piece in _split_long(span, text, target)]
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= target:
            last += 1
        spans.append((sentences[first][0], sentences[last][1]))
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return spans


def chunk_article(article_id: str, text: str, target: int = 700, overlap: int = 1) -> list[Chunk]:
    return [
        Chunk(id=f"{article_id}:{index:04d}", article_id=article_id, index=index, text=text[start:end],
              start=start, end=end)
        for index, (start, end) in enumerate(chunk_spans(text, target, overlap))
    ]
