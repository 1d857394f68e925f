"""`ask`: answer a question from the corpus with citations that are verified in code.

LLM engines get numbered sources and must quote them verbatim; every citation is checked (the source number
exists, the quote is in that source) and invalid ones are dropped with a warning. If none survive, the model
is asked once more with the reasons; if still none, no answer is shown. The local engine answers
extractively: the best-matching sentences, each cited, labelled as such, and where another outlet's copy of the
story has one of them edited in a figure, a date or a name, that copy's sentence too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.check.asked import asked_for, states
from assistant.check.backing import guard_sentences
from assistant.check.citations import verified
from assistant.check.conversation import describe_filters
from assistant.check.copies import other_copies, says_otherwise
from assistant.check.evidence import RELEVANT, Sentence, score_sentences
from assistant.check.guards import aimed_at_model, echoes
from assistant.errors import LLMError, LLMOutputError
from assistant.llm.base import ChatModel, parse_reply
from assistant.prompts import load_prompt, render
from assistant.retrieve import Filters, SearchConfig, search
from assistant.retrieve.diversify import drop_syndicated_repeats
from assistant.store.corpus import Corpus
from assistant.text import content_terms, sentence_spans, stem
from assistant.types import Answer, Citation, Passage, Usage

NOTHING_RELEVANT = "The corpus has no passages relevant to this question, so it cannot answer it."
NOTHING_IN_FILTER = "No passage relevant to this question is within the filter ({filter}){undated}; without it the " \
                    "whole corpus is searched (/filter clear in chat)."
NOT_VERIFIED = "No answer is shown: the model's citations could not be verified against the sources."
NOT_BACKED = "No answer is shown: no sentence of the model's answer was backed by the quotes it cited."
NO_ANSWER = "The model found no answer to this question in the sources."
EXTRACTIVE_PREFIX = "Extractive answer (no language model; the most relevant sentences in the corpus): "


class CitedQuote(BaseModel):
    source: int
    quote: str


class AnswerReply(BaseModel):
    """The JSON the answer prompt asks for."""

    answer: str
    answerable: bool = True
    citations: list[CitedQuote] = Field(default_factory=list)


def ask(store: Corpus, question: str, model: ChatModel | None, k: int = 6, filters: Filters | None = None) -> Answer:
    engine = "local" if model is None else ("replay" if type(model).__name__ == "ReplayModel" else "openai")
    found = search(store, question, k * 2, filters, config=SearchConfig(collapse=False))
    passages = drop_syndicated_repeats(found)[:k]
    sentences = score_sentences(store.embedder, question, passages)
    if not sentences or sentences[0].score < RELEVANT:
        return Answer(question=question, answer=_nothing_relevant(filters), engine=engine,
                      model=model.name if model else None)
    if model is None:
        return _extractive(store, question, sentences, found)
    return _generative(store, question, _with_disagreeing_copies(passages, found), model, engine)


def _nothing_relevant(filters: Filters | None) -> str:
    """Under a filter, an empty result says nothing of the corpus: the message names the filter instead."""
    if filters is None or filters.empty:
        return NOTHING_RELEVANT
    undated = ", which leaves out undated articles" if filters.since or filters.until else ""
    return NOTHING_IN_FILTER.format(filter=describe_filters(filters), undated=undated)


def _with_disagreeing_copies(kept: Sequence[Passage], found: Sequence[Passage]) -> list[Passage]:
    """The passages a model reads, plus the copies of their stories dropped as repeats that say otherwise (a
    figure, a date or a name edited): told to mention disagreements, the model must be able to see them."""
    chosen = list(kept)
    for passage in found:
        if any(p.chunk_id == passage.chunk_id for p in chosen):
            continue
        theirs = _sentences(passage.text)
        if any(other_copies(p, passage) and any(says_otherwise(ours, their) for ours in _sentences(p.text)
                                                for their in theirs) for p in kept):
            chosen.append(passage)
    return chosen


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def _extractive(store: Corpus, question: str, sentences: Sequence[Sentence], found: Sequence[Passage]) -> Answer:
    """The best sentences, each cited; where another copy of a chosen sentence's story has it edited in a figure,
    a date or a name, that copy's sentence too (`found`: the passages searched, syndicated copies included)."""
    quotable = [s for s in sentences if not aimed_at_model(s.text) and not _heading(s.text)]
    best = quotable[0].score if quotable else sentences[0].score
    relevant = [s for s in quotable if s.score >= max(RELEVANT, best - 0.15)]
    asked = asked_for(question)
    lead = EXTRACTIVE_PREFIX
    if asked is not None:  # the sentences that state what was asked for first; if none does, say so
        stating = {id(s): states(asked, s.text) for s in relevant}
        relevant.sort(key=lambda s: not stating[id(s)])  # stable: by relevance within each group
        if not any(stating.values()):
            # a less close sentence that states it, in two of the question's words ("The online tour is March 5"
            # for "When does his online museum tour take place?"), or with a figure of what was asked about
            # ("capped the 57-minute ceremony" for "How long did the ceremony last?"), comes before saying that
            # none does
            asking = {stem(w) for w in content_terms(question)}
            less_close = next((s for s in quotable if s.score >= RELEVANT - 0.1 and s not in relevant
                               and (asked.specific or len(asking & {stem(w) for w in content_terms(s.text)}) >= 2)
                               and states(asked, s.text)), None)
            if less_close is not None:
                relevant.insert(0, less_close)
            else:
                lead = EXTRACTIVE_PREFIX.replace("):", f"; none of them states {asked.what}):")
    chosen: list[Sentence] = []
    for sentence in relevant:
        if len(chosen) == 3:
            break
        if not any(_same_statement(sentence, other) for other in chosen):  # not a syndicated copy of one chosen
            chosen.append(sentence)
    citations: list[Citation] = []
    parts: list[str] = []
    for sentence in chosen:
        citation = _cite(store, sentence.passage, _through_quote_end(sentence))
        if citation is None:
            continue
        citations.append(citation)
        parts.append(f"“{citation.quote}” [{len(citations)}]")
        twin = _edited_twin(sentence, found)
        if twin is not None and (other := _cite(store, *twin)) is not None:
            citations.append(other)
            parts.append(f"(another copy of this story, {other.source}'s, says otherwise: “{other.quote}” "
                         f"[{len(citations)}])")
    body = " ".join(parts)
    return Answer(question=question, answer=lead + body, citations=citations, engine="local", model=None)


# A line without a sentence's closing punctuation and this short is a heading or a caption ("## The first king"),
# not a statement: it answers nothing
_HEADING_WORDS = 6
_CLOSED = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")


def _heading(text: str) -> bool:
    return len(text.split()) <= _HEADING_WORDS and not _CLOSED.search(text)


def _edited_twin(sentence: Sentence, found: Sequence[Passage]) -> tuple[Passage, str] | None:
    """The sentence as another copy of its story has it, edited in a figure, a date or a name."""
    for passage in found:
        if not other_copies(sentence.passage, passage):
            continue
        for text in _sentences(passage.text):
            if says_otherwise(sentence.text, text):
                return passage, text
    return None


def _through_quote_end(sentence: Sentence, max_more: int = 2) -> str:
    """The sentence, extended to where its open quotation closes: the speaker often follows the quote's last
    sentence (“Daesh is not defeated … The defeat … Mosul,” Jones told reporters)."""
    text = sentence.passage.text
    lead = 1 if sentence.start > 0 and text[sentence.start - 1] in "“\"" else 0  # the splitter may leave it out

    def balanced(end: int) -> bool:
        quoted = text[sentence.start - lead:end]
        return quoted.count("“") <= quoted.count("”") and quoted.count('"') % 2 == 0

    if not balanced(sentence.end):
        following = [end for start, end in sentence_spans(text) if start >= sentence.end][:max_more]
        for end in following:
            if balanced(end):
                return text[sentence.start:end]
    return text[sentence.start:sentence.end]


def _same_statement(a: Sentence, b: Sentence) -> bool:
    if a.passage.cluster and a.passage.cluster == b.passage.cluster:
        words_a, words_b = set(a.text.lower().split()), set(b.text.lower().split())
        return len(words_a & words_b) / max(1, len(words_a | words_b)) > 0.5
    return False


def _cite(store: Corpus, passage: Passage, quote: str) -> Citation | None:
    article = store.article(passage.article_id)
    return verified(passage, quote, article.text) if article else None


def _sources_block(passages: Sequence[Passage]) -> str:
    blocks = []
    for number, p in enumerate(passages, start=1):
        blocks.append(f"[{number}] {p.title} | {p.source} | {p.date or 'undated'}\n{p.text}")
    return "\n\n".join(blocks)


def _generative(store: Corpus, question: str, passages: Sequence[Passage], model: ChatModel, engine: str) -> Answer:
    prompt = load_prompt("answer")
    usage, warnings = Usage(), list[str]()
    feedback = ""
    for attempt in range(2):
        rendered = render(prompt, question=question, sources=_sources_block(passages), feedback=feedback)
        try:
            raw = model.complete(rendered, AnswerReply)
        except LLMError as exc:
            if not warnings:
                raise
            raise type(exc)(f"{'; '.join(warnings)}; then asking again failed: {exc}") from None
        usage.add(raw.usage)
        try:
            reply = parse_reply(raw.text, AnswerReply)
        except LLMOutputError as exc:
            if attempt == 1:
                raise
            warnings.append(f"{exc}; asked again")
            feedback = "Your previous reply was not valid JSON of the requested shape. Reply with JSON only."
            continue
        if not reply.answerable:  # the model's own words are not shown: they are not backed by any quote
            return Answer(question=question, answer=NO_ANSWER, engine=engine, model=model.name, usage=usage,
                          warnings=warnings)
        if echoes(reply.answer, prompt.system):
            warnings.append("the model's answer repeated its instructions; withheld")
            return Answer(question=question, answer=NOT_VERIFIED, engine=engine, model=model.name, usage=usage,
                          warnings=warnings)
        cited, problems = _validate(store, passages, reply.citations)
        warnings.extend(problems)
        if not cited and hasattr(model, "forget"):
            model.forget(rendered)  # a reply with no verifiable citation is never replayed from the cache
        if not cited and not problems:
            warnings.append("the reply cited no source")
        citations = [c for _, c in cited]
        if citations:
            quotes: dict[int, str] = {}
            for source, citation in cited:
                quotes[source] = quotes.get(source, "") + " " + citation.quote
            text, removed = guard_sentences(reply.answer, quotes, question)
            warnings.extend(r.warning() for r in removed)
            if text:
                return Answer(question=question, answer=text, citations=citations, engine=engine,
                              model=model.name, usage=usage, warnings=warnings)
            if attempt == 1:
                return Answer(question=question, answer=NOT_BACKED, engine=engine, model=model.name, usage=usage,
                              warnings=warnings)
            feedback = ("Your previous reply stated facts its quotes do not contain: "
                        + "; ".join(r.warning() for r in removed) + ". State only facts your quotes contain.")
            continue
        feedback = ("Your previous reply had no verifiable citation: " + "; ".join(problems or ["none given"])
                    + ". Quote the sources exactly, word for word, and cite them by number.")
    return Answer(question=question, answer=NOT_VERIFIED, engine=engine, model=model.name, usage=usage,
                  warnings=warnings)


def _validate(
    store: Corpus, passages: Sequence[Passage], cited: Sequence[CitedQuote]
) -> tuple[list[tuple[int, Citation]], list[str]]:
    """(source number, verified citation) pairs, and why the others were dropped."""
    citations: list[tuple[int, Citation]] = []
    problems: list[str] = []
    for item in cited:
        if not 1 <= item.source <= len(passages):
            problems.append(f"dropped a citation of source [{item.source}], which does not exist")
            continue
        citation = _cite(store, passages[item.source - 1], item.quote)
        if citation is None:
            problems.append(f"dropped a quote not found in source [{item.source}]: {_short(item.quote)!r}")
        elif aimed_at_model(_sentence_around(passages[item.source - 1], citation)):
            problems.append(f"dropped a quote from source [{item.source}]: that text holds instructions aimed at "
                            "the model, which are treated as data, not evidence")
        elif all((c.article_id, c.start) != (citation.article_id, citation.start) for _, c in citations):
            citations.append((item.source, citation))
    return citations, problems


def _sentence_around(passage: Passage, citation: Citation) -> str:
    """The quote plus its surrounding sentence, so a quote cut from an injected instruction is recognised."""
    local_start, local_end = citation.start - passage.start, citation.end - passage.start
    start = max(passage.text.rfind(".", 0, local_start), passage.text.rfind("\n", 0, local_start)) + 1
    ends = [i for i in (passage.text.find(".", local_end), passage.text.find("\n", local_end)) if i >= 0]
    return passage.text[start:min(ends) if ends else len(passage.text)]


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
