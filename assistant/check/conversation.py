"""The state of a chat session, apart from any UI: the turns so far, follow-up rewriting, the session's filters.

A follow-up ("and what did Airwars say?", "when was that?") is not a good retrieval query by itself. With a
language model, one small call (prompts/rewrite.txt) rewrites it into a standalone query. Without one, the
follow-up keeps its words and gets the names and key terms of the earlier turns appended, when it refers back
(a pronoun, a leading "and"/"what about") or has no subject of its own (no name, under two content words):
the names of the last turn stand in for a missing subject, its key terms for a missing topic.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from pydantic import BaseModel

from assistant.check.slots import extract
from assistant.errors import FactcheckError, LLMOutputError, ReplayMissError
from assistant.llm.base import ChatModel, parse_reply
from assistant.prompts import load_prompt, render
from assistant.retrieve import Filters
from assistant.text import content_terms
from assistant.types import Usage

MAX_CARRIED = 8  # names and terms appended to a local follow-up
MAX_NEW_SUBJECT = 3  # terms appended to a follow-up that names its own subject
HISTORY_TURNS = 4  # turns shown to the rewrite prompt
MAX_QUERY_CHARS = 500
_ANAPHORA = frozenset("it its that this those these they them their theirs he him his she her hers there then "
                      "such same".split())
_CONTINUATIONS = ("and", "but", "also", "so", "or")
_ASIDES = ("what about", "how about", "what of")
# words that say nothing about the subject: a follow-up made of them needs the earlier turns
_WEAK = frozenset("many much say said says tell told know known happen happened mean means think exactly".split())
_WORD = re.compile(r"[a-z']+")


class RewriteReply(BaseModel):
    """The JSON the rewrite prompt asks for."""

    query: str


@dataclass
class Turn:
    """One question or check: what was typed, the query retrieval used, and a short account of the reply."""

    input: str
    kind: str  # "ask" or "check"
    query: str
    reply: str = ""


@dataclass
class Rewrite:
    query: str
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)

    def record(self, turn: Turn) -> None:
        self.turns.append(turn)

    def reset(self) -> None:
        """Forget the turns; the filters stay (`/filter clear` resets those)."""
        self.turns.clear()

    def standalone(self, text: str, model: ChatModel | None) -> Rewrite:
        """The retrieval query for `text` given the turns so far (one model call per follow-up with a model)."""
        if not self.turns:
            return Rewrite(query=text)
        if model is None:
            return Rewrite(query=local_rewrite(text, self.turns))
        return llm_rewrite(text, self.turns, model)

    def update_filters(self, arguments: str, known_sources: set[str] | None = None) -> Filters:
        """Apply `source=A,B since=YYYY-MM-DD until=YYYY-MM-DD` on top of the current filters (a key given
        empty, `since=`, clears it). Nothing changes unless every part is valid."""
        filters = parse_filters(arguments, self.filters)
        unknown = [s for s in filters.sources if known_sources is not None and s not in known_sources]
        if unknown:
            raise FactcheckError(f"no article has source {unknown[0]!r}; /sources lists the sources")
        self.filters = filters
        return filters

    def clear_filters(self) -> None:
        self.filters = Filters()


def parse_filters(arguments: str, current: Filters) -> Filters:
    try:
        tokens = shlex.split(arguments)
    except ValueError as exc:
        raise FactcheckError(f"cannot read the filter: {exc}") from None
    values = current.model_dump()
    sources: list[str] | None = None
    for token in tokens:
        key, sep, value = token.partition("=")
        key = key.strip().lower()
        if not sep or key not in ("source", "sources", "since", "until", "firm"):
            raise FactcheckError(f"unknown filter {token!r}; use source=NAME[,NAME] since=YYYY-MM-DD until=YYYY-MM-DD "
                                 "firm=yes|no")
        if key == "firm":  # firm dates only: not a date from the URL or a syndicated copy
            if value.lower() not in ("yes", "no", "on", "off", "true", "false", "1", "0", ""):
                raise FactcheckError(f"firm={value!r}: use firm=yes or firm=no")
            values["firm_dates"] = value.lower() in ("yes", "on", "true", "1")
        elif key.startswith("source"):
            sources = (sources or []) + [s.strip() for s in value.split(",") if s.strip()]
        else:
            values[key] = value or None
    if sources is not None:
        values["sources"] = list(dict.fromkeys(sources))
    filters = Filters(**values)  # raises FactcheckError on a bad date
    if filters.since and filters.until and filters.since > filters.until:
        raise FactcheckError(f"since={filters.since} is after until={filters.until}")
    return filters


def describe_filters(filters: Filters) -> str:
    if filters.empty:
        return "no filter"
    parts = []
    if filters.sources:
        parts.append("source=" + ",".join(filters.sources))
    if filters.since:
        parts.append(f"since={filters.since}")
    if filters.until:
        parts.append(f"until={filters.until}")
    if filters.firm_dates:
        parts.append("firm=yes")
    return " ".join(parts)


# -- the local engine: carry over names and key terms ---------------------------------------------------------------
def names(text: str) -> list[str]:
    """Names in `text` in order of appearance, as written there where possible ("Airwars", "Rupert Jones")."""
    lowered = text.lower()
    found: dict[str, int] = {}
    for name in extract(text).names:
        kept = " ".join(w for w in name.split() if content_terms(w) and w not in _WEAK)
        if not kept:
            continue  # a capitalised question word ("How", "Did")
        match = re.search(rf"\b{re.escape(kept)}\b", lowered)
        shown = text[match.start():match.end()] if match else kept
        found.setdefault(shown, match.start() if match else len(text))
    return sorted(found, key=found.__getitem__)


def refers_back(text: str) -> bool:
    """Whether a message depends on the earlier turns: a pronoun, a leading "and"/"what about", no subject."""
    lowered = text.lower().strip()
    words = _WORD.findall(lowered)
    if not words:
        return False
    if words[0] in _CONTINUATIONS or lowered.startswith(_ASIDES):
        return True
    if any(_pronoun(match, text) for match in _WORD_AS_WRITTEN.finditer(text)):
        return True
    return not names(text) and len(content_terms(text) - _WEAK) < 2


_WORD_AS_WRITTEN = re.compile(r"[A-Za-z']+")


def _pronoun(word: re.Match[str], text: str) -> bool:
    """Whether a word is a pronoun pointing back: "she" is, but not "She" inside a title ("the She Builds Quick
    Machines video"), a capital there being the title's, not the sentence's."""
    return (word.group(0).lower() in _ANAPHORA
            and (word.group(0).islower() or not text[:word.start()].strip(" \"'“‘(")))


def local_rewrite(text: str, turns: list[Turn]) -> str:
    """`text`, plus what it refers back to in the last turn's query: its names and key terms when `text` has no
    subject of its own ("where did he say it?"), only its key terms when `text` names a new subject ("and what
    did Airwars say?": the old names would outweigh the new one in retrieval), only its names when `text` has a
    topic but no subject ("when is his museum tour?")."""
    if not turns or not refers_back(text):
        return text
    present = content_terms(text)
    carried: list[str] = []

    def carry(item: str) -> None:
        terms = content_terms(item)
        if terms and not terms <= present:
            carried.append(item)
            present.update(terms)

    last = turns[-1].query  # a rewritten follow-up already carries what it took from the turns before it
    last_names = names(last)
    new_subject = bool(names(text))
    if not new_subject:
        for name in last_names:
            carry(name)
    name_terms = set().union(*(content_terms(n) for n in last_names))
    # a follow-up with a topic of its own ("when does his online museum tour take place?") lacks only a subject:
    # the last turn's terms (its novel, its April date) would pull retrieval back to the last topic
    if new_subject or len(content_terms(text) - _WEAK) < 2:
        for term in sorted(content_terms(last) - _WEAK - name_terms, key=lambda t: _position(t, last)):
            carry(term)
    carried = carried[:MAX_NEW_SUBJECT if new_subject else MAX_CARRIED]
    return f"{text} ({', '.join(carried)})" if carried else text


def _position(term: str, text: str) -> int:
    at = text.lower().find(term)
    return at if at >= 0 else len(text)


# -- a language model: one rewrite call -------------------------------------------------------------------------------
def llm_rewrite(text: str, turns: list[Turn], model: ChatModel) -> Rewrite:
    """One call to the model; an unusable reply, or no recorded reply under replay, falls back to the local
    carry-over with a warning. Endpoint failures propagate: the turn's answer would fail the same way."""
    rendered = render(load_prompt("rewrite"), history=history_block(turns), message=text)
    rewrite = Rewrite(query="")
    try:
        raw = model.complete(rendered, RewriteReply)
        rewrite.usage.add(raw.usage)
        rewrite.query = " ".join(parse_reply(raw.text, RewriteReply).query.split())[:MAX_QUERY_CHARS]
    except ReplayMissError:
        rewrite.warnings.append("no recorded rewrite for this follow-up; carried over the earlier turns' names")
    except LLMOutputError as exc:
        rewrite.warnings.append(f"{exc}; carried over the earlier turns' names instead")
    rewrite.query = rewrite.query or local_rewrite(text, turns)
    return rewrite


def history_block(turns: list[Turn]) -> str:
    lines = []
    for turn in turns[-HISTORY_TURNS:]:
        lines.append(f"User ({turn.kind}): {_one_line(turn.input)}")
        if turn.query != turn.input:
            lines.append(f"Standalone query: {_one_line(turn.query)}")
        if turn.reply:
            lines.append(f"Assistant: {_one_line(turn.reply)[:400]}")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
