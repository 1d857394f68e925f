"""`audit`: statements in the corpus that contradict each other, across story clusters or outlets.

1. *Statements*: full sentences only (8 to 80 words, ending like a sentence) that carry a checkable slot (a
   number, a year, a speaker). Navigation ("Home | News"), boilerplate (copyright, cookie and subscription
   lines), lists of dates ("January 2019 February 2019 …") and headline-case menus are not statements.
2. *Candidate pairs from the vector index*: for each chunk holding statements, its nearest chunks in the store's
   vector index (HNSW, so this grows with n log n, not n²) that belong to another story or another outlet; only
   statements of such chunk pairs are compared, by sentence similarity (>= 0.6: they speak of the same thing),
   and each statement keeps its few closest partners.
3. *Reading*: the entailment model reads each pair in both directions. A conflict needs the model to read
   contradiction: in both directions (p >= 0.8, and they are not copies of one statement in two house styles),
   or in one direction (p >= 0.5) when a slot rule names what differs (a number, a year, a name, a speaker). A
   slot difference alone is not enough ("$3.69, up from $3.41" and "rose to $3.69" differ on a number and
   agree), with one exception: two statements with one figure each, in the same unit, that differ ("officials
   said it cost 40 million dollars", "an audit found it cost 65 million dollars"), which the model reads as
   neutral (hedged reports), are a conflict unless the model finds them in agreement.
Reported once per pair of statement texts (reprints of a sentence are one report), with both quotes verified
against their articles. `progress` hears each phase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from assistant.check.citations import verified
from assistant.check.entailment import EntailmentModel, shipped_model
from assistant.check.evidence import Sentence
from assistant.check.features import restates
from assistant.check.slots import Slots, extract
from assistant.check.verify_local import figure_conflict, judge
from assistant.store.corpus import Corpus
from assistant.text import sentence_spans
from assistant.types import Article, Citation, Passage

SIMILAR = 0.6  # cosine similarity above which two sentences are taken to speak of the same thing
NEIGHBOUR_CHUNKS = 16  # nearest chunks asked of the vector index per chunk (its own article's are skipped)
PARTNERS = 3  # closest other statements each statement is read against
CONTRADICTION = 0.8  # p(contradiction) in both directions, when no slot rule names the difference
NAMED_CONTRADICTION = 0.5  # p(contradiction) in one direction, when a slot rule names the difference
AGREES = 0.5  # p(entailment) both ways above which two different figures are not a conflict
MIN_WORDS, MAX_WORDS = 8, 80
RESTYLED = 0.8  # share of each statement's words the other uses, above which they are edited copies
READ_BATCH = 256  # pairs per entailment call, so progress moves on large corpora

Progress = Callable[[str, int, int], None]  # (phase, done, total)

_NAVIGATION = re.compile(r"\s[|»›•·]\s|>>|\s/\s.*\s/\s")
_BOILERPLATE = re.compile(
    r"\b(?:all rights reserved|copyright|cookies?|subscribe|subscription|sign up|sign in|log in|newsletter|"
    r"click here|read more|terms of (?:use|service)|privacy policy|follow us|share this|advertisement)\b"
    r"|©", re.IGNORECASE)
_DATE_WORDS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|\d+(?:st|nd|rd|th)?)\b|[^\w\s]", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\Z")


class Conflict(BaseModel):
    kind: str  # number, date, attribution, name, antonym, or meaning (the model's reading; no slot rule names it)
    decided_by: str
    similarity: float
    a: Citation
    b: Citation


class AuditReport(BaseModel):
    articles: int
    sentences_compared: int
    pairs_read: int = 0  # statement pairs the entailment model read (both directions)
    conflicts: list[Conflict]


@dataclass
class _Statement:
    article: Article
    sentence: Sentence


def is_statement(text: str) -> bool:
    """A full sentence a reporter could quote, not page furniture: see the module docstring."""
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not _SENTENCE_END.search(text):
        return False
    if _NAVIGATION.search(text) or _BOILERPLATE.search(text):
        return False
    if len(_DATE_WORDS.sub(" ", text).split()) < MIN_WORDS // 2:  # "January 2019, February 2019, March 2019."
        return False
    capitalised = sum(w[:1].isupper() for w in words[1:])
    return capitalised <= 0.6 * (len(words) - 1)  # "World Politics Business Tech Science Health Sport Opinion."


def _statements(articles: Sequence[Article]) -> list[_Statement]:
    found = []
    for article in articles:
        whole = Passage(chunk_id=f"{article.id}:all", article_id=article.id, title=article.meta.title,
                        source=article.meta.source, date=article.meta.date,
                        date_source=article.meta.date_source, text=article.text, start=0,
                        end=len(article.text), score=0.0, cluster=article.cluster)
        for start, end in sentence_spans(article.text):
            text = article.text[start:end]
            if not is_statement(text):
                continue
            slots = extract(text)
            if slots.quantities or slots.years or slots.attribution:
                found.append(_Statement(article, Sentence(passage=whole, number=0, start=start, end=end)))
    return found


def audit(store: Corpus, limit: int = 20_000, model: EntailmentModel | None = None,
          progress: Progress | None = None) -> AuditReport:
    tell = progress or (lambda _phase, _done, _total: None)
    articles = store.articles()
    statements = _statements(articles)[:limit]
    if len(statements) < 2:
        return AuditReport(articles=len(articles), sentences_compared=len(statements), conflicts=[])
    chunk_pairs = _candidate_chunks(store, articles, statements, tell)
    involved = sorted({i for a, b in chunk_pairs for i in (*a, *b)})
    vectors = np.zeros((len(statements), store.embedder.dim), dtype=np.float32)
    for start in range(0, len(involved), READ_BATCH):
        part = involved[start:start + READ_BATCH]
        vectors[part] = store.embedder.embed([statements[i].sentence.text for i in part])
        tell("embedding statements", min(start + READ_BATCH, len(involved)), len(involved))
    pairs = _closest_pairs(statements, chunk_pairs, vectors)
    found = _conflicts(statements, pairs, model or shipped_model(), tell)
    return AuditReport(articles=len(articles), sentences_compared=len(statements), pairs_read=len(pairs),
                       conflicts=sorted(found, key=lambda c: -c.similarity))


def _candidate_chunks(store: Corpus, articles: Sequence[Article], statements: Sequence[_Statement],
                      tell: Progress) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(statements of one chunk, statements of a neighbouring chunk of a comparable article), from the vector
    index's nearest neighbours of every chunk that holds a statement."""
    by_article: dict[str, list[int]] = {}
    for index, statement in enumerate(statements):
        by_article.setdefault(statement.article.id, []).append(index)
    spans = store.passages([(f"{a.id}:{i:04d}", 0.0) for a in articles if a.id in by_article
                            for i in range(a.n_chunks)])
    in_chunk: dict[str, tuple[int, ...]] = {}
    for passage in spans:
        held = tuple(i for i in by_article[passage.article_id]
                     if passage.start <= statements[i].sentence.start
                     and statements[i].sentence.end <= passage.end)
        if held:
            in_chunk[passage.chunk_id] = held
    article_of = {a.id: a for a in articles}
    chunk_ids = sorted(in_chunk)
    found: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    for start in range(0, len(chunk_ids), READ_BATCH):
        part = chunk_ids[start:start + READ_BATCH]
        for chunk_id, hits in store.chunk_neighbours(part, NEIGHBOUR_CHUNKS).items():
            mine = article_of[chunk_id.rsplit(":", 1)[0]]
            for other_id, _score in hits:
                other = article_of.get(other_id.rsplit(":", 1)[0])
                if other is not None and other_id in in_chunk and _comparable(mine, other):
                    left, right = in_chunk[chunk_id], in_chunk[other_id]
                    found.add((left, right) if left <= right else (right, left))
        tell("finding candidate pairs", min(start + READ_BATCH, len(chunk_ids)), len(chunk_ids))
    return sorted(found)


def _closest_pairs(statements: Sequence[_Statement], chunk_pairs: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
                   vectors: np.ndarray) -> dict[tuple[int, int], float]:
    """Statement pairs of the candidate chunks that speak of the same thing; each statement keeps its PARTNERS
    closest, so the model's reading grows with the corpus, not with its square."""
    partners: dict[int, dict[int, float]] = {}
    for left, right in chunk_pairs:
        similarity = vectors[list(left)] @ vectors[list(right)].T
        for a, row in zip(left, similarity, strict=True):
            for b, score in zip(right, row, strict=True):
                if score >= SIMILAR and a != b and _comparable(statements[a].article, statements[b].article):
                    partners.setdefault(a, {})[b] = float(score)
                    partners.setdefault(b, {})[a] = float(score)
    pairs: dict[tuple[int, int], float] = {}
    for a, others in partners.items():
        for b, score in sorted(others.items(), key=lambda item: -item[1])[:PARTNERS]:
            pairs[(min(a, b), max(a, b))] = score
    return pairs


def _other_figures(a: Slots, b: Slots) -> bool:
    """Whether the two statements each give one figure, in the same unit, and not the same one ("cost 40 million
    dollars" / "cost 65 million dollars"). Statements with several figures (guidance next to results, ranges,
    breakdowns) need the model's contradiction: on the benchmark they were mostly about different things."""
    if len(a.quantities) != 1 or len(b.quantities) != 1:
        return False
    first, second = a.quantities[0], b.quantities[0]
    return first.unit == second.unit and first.value != second.value


def _comparable(a: Article, b: Article) -> bool:
    if a.id == b.id:
        return False
    return a.cluster != b.cluster or a.meta.source != b.meta.source


def _conflicts(statements: list[_Statement], pairs: dict[tuple[int, int], float],
               model: EntailmentModel, tell: Progress) -> list[Conflict]:
    texts = [s.sentence.text for s in statements]
    ordered = sorted(pairs)
    found = []
    seen: set[tuple[str, str]] = set()
    for start in range(0, len(ordered), READ_BATCH):
        part = ordered[start:start + READ_BATCH]
        forward = model.score_pairs([(texts[i], texts[j]) for i, j in part])
        backward = model.score_pairs([(texts[j], texts[i]) for i, j in part])
        for (i, j), ab, ba in zip(part, forward, backward, strict=True):
            reported = (" ".join(texts[i].split()), " ".join(texts[j].split()))
            if reported in seen or reported[::-1] in seen:
                continue
            conflict = _conflict(statements[i], statements[j], (ab.contradiction, ba.contradiction),
                                 # both ways: one way may read an edited year as entailed
                                 min(ab.entailment, ba.entailment), pairs[(i, j)])
            if conflict is not None:
                seen.add(reported)
                found.append(conflict)
        tell("reading pairs", min(start + READ_BATCH, len(ordered)), len(ordered))
    return found


def _conflict(a: _Statement, b: _Statement, contradiction: tuple[float, float], agreement: float,
              similarity: float) -> Conflict | None:
    text_a, text_b = a.sentence.text, b.sentence.text
    slots_a = extract(text_a)
    named = judge(text_a, slots_a, b.sentence)
    slot = named.decided_by if named.relation == "conflict" else ""
    if max(contradiction) < NAMED_CONTRADICTION and not (
            figure_conflict(slot) and agreement < AGREES and _other_figures(slots_a, extract(text_b))):
        return None
    if not slot and (min(contradiction) < CONTRADICTION
                     or (restates(text_a, text_b, RESTYLED) and restates(text_b, text_a, RESTYLED))):
        return None
    cite_a = verified(a.sentence.passage, text_a, a.article.text)
    cite_b = verified(b.sentence.passage, text_b, b.article.text)
    if cite_a is None or cite_b is None:
        return None
    decided_by = (f"{slot}; entailment: p(contradiction) {max(contradiction):.2f}" if slot else
                  f"entailment: p(contradiction) {min(contradiction):.2f} both ways")
    return Conflict(kind=slot.split(":", 1)[0] if slot else "meaning", decided_by=decided_by,
                    similarity=round(similarity, 3), a=cite_a, b=cite_b)
