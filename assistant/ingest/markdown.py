"""A Markdown body as the words a reader sees: headings, paragraphs, list items and quotes as plain text.

Stored raw, a Markdown article put its syntax into quotes ("# New $300 million Portola High School opens ...",
"[the report](https://...)"), which are not the source's words. markdown-it-py (CommonMark) parses the body;
each block becomes one paragraph of its inline text (its line breaks kept: plain text reads exactly as before),
links keep their words and lose their address, images and inline tags are dropped, code and HTML blocks keep
their text as written, and an ordered list item keeps its number.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark")
_KEPT = {"text", "code_inline"}


def markdown_text(source: str) -> str:
    """The text of a Markdown document, one paragraph per block, separated by blank lines."""
    blocks: list[str] = []
    number = ""  # an ordered list item's own number ("2016." opening a line is a list marker): a fact, kept
    for token in _PARSER.parse(source):
        if token.type == "list_item_open" and token.info:
            number = f"{token.info}{token.markup} "
        elif token.type == "inline":
            blocks.append(number + _inline_text(token.children or []))
            number = ""
        elif token.type in ("fence", "code_block", "html_block"):  # HTML as written, as before this module
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in _KEPT:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):  # the file's own line breaks, kept as they were
            parts.append("\n")
    return "".join(parts)
