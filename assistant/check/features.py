"""What the local verifier knows about a claim and its evidence, as numbers a classifier can weigh.

`align` retrieves the claim's evidence and scores its sentences; `describe` turns the alignment into a fixed
feature vector: how well the best sentences cover the claim (alone and together), which of the claim's names,
typed entities (spaCy NER), numbers and years the evidence lacks, the slot conflicts the rules found, and cues
of edited wording (a word whose opposite or look-alike is in the source). The same vector feeds training
(bench/train_verifier.py) and the verdicts, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from assistant.check.entailment import Entailment, EntailmentModel
from assistant.check.entailment import shipped_model as entailment_model
from assistant.check.entities import entities, missing_and_rivals
from assistant.check.evidence import ALIGNED, Sentence, score_sentences
from assistant.check.slots import Slots, antonym_pairs, extract, name_swaps, same_entity, substitutions
from assistant.retrieve import Filters, SearchConfig, search
from assistant.store.corpus import Corpus
from assistant.store.embeddings import local_model_files
from assistant.text import content_terms, sentence_spans, stem
from assistant.types import Passage

TOP = 5  # evidence sentences described one by one
READ_SENTENCES = 6  # best sentences the entailment model reads alone
READ_WINDOWS = 3  # best sentences it also reads with their neighbours (a claim may span two sentences)
RESTATED = 0.9  # share of the claim's words a sentence must use to be a restatement of it


@dataclass
class Candidate:
    """A stretch of evidence the entailment model read against the claim: one sentence or a window around it."""

    sentence: Sentence  # the sentence it is centred on
    start: int  # offsets within sentence.passage.text
    end: int
    scores: Entailment
    contradiction: float = 0.0  # scores.contradiction once restatements and references are resolved (align)

    @property
    def text(self) -> str:
        return self.sentence.passage.text[self.start:self.end]


@dataclass
class Alignment:
    claim: str
    slots: Slots
    passages: list[Passage]
    sentences: list[Sentence]  # every sentence of the passages, best first
    candidates: list[Candidate]  # the best sentences and windows, with the entailment model's scores


def _window(sentence: Sentence) -> tuple[int, int] | None:
    """The sentence with its neighbours in the passage, or None when it has none."""
    spans = sentence_spans(sentence.passage.text)
    index = next((i for i, (start, end) in enumerate(spans) if start <= sentence.start < end), None)
    if index is None:
        return None
    first, last = spans[max(0, index - 1)], spans[min(len(spans) - 1, index + 1)]
    return (first[0], last[1]) if (first[0], last[1]) != (sentence.start, sentence.end) else None


def read(claim: str, sentences: list[Sentence], model: EntailmentModel | None = None) -> list[Candidate]:
    """The entailment model's scores (the shipped model's unless `model` is given) for the best sentences alone
    and the best few in their windows."""
    stretches = [(s, s.start, s.end) for s in sentences[:READ_SENTENCES]]
    for sentence in sentences[:READ_WINDOWS]:
        window = _window(sentence)
        if window is not None:
            stretches.append((sentence, *window))
    scores = (model or entailment_model()).score([s.passage.text[a:b] for s, a, b in stretches], claim)
    return [Candidate(s, a, b, score) for (s, a, b), score in zip(stretches, scores, strict=True)]


def align(store: Corpus, claim: str, filters: Filters | None = None, k: int = 10,
          model: EntailmentModel | None = None) -> Alignment:
    passages = search(store, claim, k, filters, config=SearchConfig(collapse=False))
    sentences = score_sentences(store.embedder, claim, passages)
    slots = extract(claim)
    candidates = read(claim, sentences, model)
    for candidate in candidates:
        candidate.contradiction = _resolved_contradiction(claim, candidate, candidates, set(slots.names))
    return Alignment(claim=claim, slots=slots, passages=passages, sentences=sentences, candidates=candidates)


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def _house_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower().replace("u.s.", "us").replace(",", "")))


def restates(claim: str, evidence: str, share: float = RESTATED) -> bool:
    """Whether the evidence uses nearly every word of the claim, numbers included, with the same polarity: a copy
    in another house style ("US"/"U.S.", curly quotes), which the model is apt to misread as contradiction."""
    words = _house_words(claim)
    shared = len(words & _house_words(evidence)) / max(1, len(words))
    return shared >= share and extract(claim).negated == extract(evidence).negated


def _resolved_contradiction(claim: str, candidate: Candidate, candidates: list[Candidate], names: set[str]) -> float:
    """A sentence's contradiction, unless it restates the claim, or it lacks a name of the claim that its passage
    has (it refers to it: "the northern city" is Raqqa) and its window entails the claim. `names`: the claim's
    names, lower case."""
    if candidate.scores.contradiction < 0.5:
        return candidate.scores.contradiction
    if restates(claim, candidate.text):
        return 0.0
    sentence, passage = candidate.text.lower(), candidate.sentence.passage.text.lower()
    if not any(name not in sentence and name in passage for name in names):
        return candidate.scores.contradiction  # nothing for the context to resolve
    for window in candidates:
        if (window.sentence is candidate.sentence and window is not candidate
                and window.scores.entailment >= 0.5 and window.scores.entailment > window.scores.contradiction):
            return min(candidate.scores.contradiction, window.scores.contradiction)
    return candidate.scores.contradiction


def _entailment_features(candidates: list[Candidate]) -> dict[str, float]:
    """The model's strongest reading each way, overall, on the best sentence and on sentences about the claim."""
    if not candidates:
        return dict.fromkeys(NLI_FEATURES, _logit(0.0))
    aligned = [c for c in candidates if c.sentence.score >= ALIGNED] or candidates[:1]
    windows = [c for c in candidates if (c.start, c.end) != (c.sentence.start, c.sentence.end)] or candidates[:1]
    top = candidates[0].scores
    values = {
        "nli_entail_max": max(c.scores.entailment for c in candidates),
        "nli_contra_max": max(c.contradiction for c in candidates),
        "nli_entail_top": top.entailment,
        "nli_contra_top": candidates[0].contradiction,
        "nli_entail_aligned": max(c.scores.entailment for c in aligned),
        "nli_contra_aligned": max(c.contradiction for c in aligned),
        "nli_entail_window": max(c.scores.entailment for c in windows),
        "nli_neutral_min": min(c.scores.neutral for c in candidates),
    }
    return {name: _logit(value) for name, value in values.items()}


def _stems(text: str) -> set[str]:
    return {stem(t) for t in content_terms(text)}


def _coverage(claim: set[str], evidence: set[str]) -> float:
    return len(claim & evidence) / len(claim) if claim else 1.0


_AFFIX = re.compile(r"^(?:un|in|im|ir|il|dis|non|de|ex|anti|over|under|re)")


def _look_alikes(novel: set[str], evidence_words: set[str]) -> int:
    """Claim words absent from the evidence whose twin is there: "excluding"/"including", "increase"/"decrease"."""
    found = 0
    for word in novel:
        if len(word) < 5 or not word.isalpha():
            continue
        core = _AFFIX.sub("", word)
        for other in evidence_words:
            if other != word and len(other) >= 5 and abs(len(other) - len(word)) <= 3 and (
                    (len(core) >= 4 and _AFFIX.sub("", other) == core) or (word[-6:] == other[-6:] and len(word) > 7)):
                found += 1
                break
    return found


@cache
def _common_words() -> frozenset[str]:
    """Whole words of the MiniLM WordPiece vocabulary: a word it must split into pieces is a rare word."""
    vocab = json.loads(local_model_files()[1].read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha())


_WORD = re.compile(r"[A-Za-z][\w'-]*|\$?\d[\d,.]*\d|\$?\d")


def _novel_tokens(claim: str, evidence: str) -> dict[str, float]:
    """Claim tokens the evidence never uses, by kind: numbers and codes, capitalised words, rare and common words."""
    known = {t.lower().strip("$").replace(",", "") for t in _WORD.findall(evidence)}
    stems_by_prefix: dict[str, set[str]] = {}  # built once: each claim token looks up its own prefix
    for word in known:
        stems_by_prefix.setdefault(word[:3], set()).add(stem(word))
    counts = {"novel_numbers": 0, "novel_capitalised": 0, "novel_rare": 0, "novel_common": 0}
    tokens = _WORD.findall(claim)
    for position, token in enumerate(tokens):
        key = token.lower().strip("$").replace(",", "")
        if key in known or stem(key) in stems_by_prefix.get(key[:3], set()):
            continue
        if any(c.isdigit() for c in token):
            counts["novel_numbers"] += 1
        elif token[0].isupper() and position > 0:
            counts["novel_capitalised"] += 1
        elif len(key) > 3 and key in _common_words():
            counts["novel_common"] += 1
        elif len(key) > 3:
            counts["novel_rare"] += 1
    return {name: math.log1p(count) for name, count in counts.items()}


FEATURES: tuple[str, ...] = (
    "top_score", "top_cosine", "mean_cosine_top3", "coverage_best", "coverage_top3", "coverage_passage",
    "coverage_retrieved", "novel_terms", "novel_long_terms", "names", "names_missing_top3", "names_missing",
    "quantities", "quantities_missing_top3", "quantities_missing", "quantity_conflict", "years_missing",
    "negation_mismatch", "antonym", "look_alikes", "attribution_conflict", "rule_support", "rule_conflict",
    "claim_terms", "aligned_sentences", "novel_numbers", "novel_capitalised", "novel_rare", "novel_common",
    "top3_novel_numbers", "top3_novel_capitalised", "top3_novel_rare", "top3_novel_common", "swap_name",
    "swap_number", "swap_word", "entities", "entities_missing", "entity_rivals",
)
NLI_FEATURES = (
    "nli_entail_max", "nli_contra_max", "nli_entail_top", "nli_contra_top", "nli_entail_aligned",
    "nli_contra_aligned", "nli_entail_window", "nli_neutral_min",
)
FEATURES = FEATURES + NLI_FEATURES


def _swaps(claim: str, sentences: list[Sentence]) -> dict[str, float]:
    """Whether an aligned sentence says the same around a different name, number or word."""
    names = numbers = words = 0.0
    for sentence in sentences:
        names = max(names, float(bool(name_swaps(claim, sentence.text))))
        for ours, theirs in substitutions(claim, sentence.text):
            if any(c.isdigit() for c in ours + theirs):
                numbers = 1.0
            elif ours.islower() and theirs.islower():
                words = 1.0
    return {"swap_name": names, "swap_number": numbers, "swap_word": words}


def _entity_features(claim: str, context: str, aligned: list[str]) -> dict[str, float]:
    missing, rivals = missing_and_rivals(claim, context, aligned)
    return {"entities": math.log1p(len(entities(claim))), "entities_missing": math.log1p(missing),
            "entity_rivals": math.log1p(rivals)}


def citable(features: np.ndarray) -> bool:
    """Whether some evidence sentence is aligned with the claim, so that a verdict can quote it."""
    return bool(features[FEATURES.index("aligned_sentences")] > 0)


def describe(alignment: Alignment, rule_support: bool, rule_conflict: bool, attribution_conflict: bool,
             quantity_conflict: bool) -> np.ndarray:
    """The feature vector of FEATURES for one claim (the rule outcomes come from the verifier)."""
    claim, slots, sentences = alignment.claim, alignment.slots, alignment.sentences
    claim_terms = _stems(claim)
    top = sentences[:TOP]
    top3 = sentences[:3]
    sentence_terms = [_stems(s.text) for s in top]
    top3_terms = set().union(*sentence_terms[:3]) if top else set()
    best_passage = top[0].passage.text if top else ""
    retrieved_text = "\n".join(p.text for p in alignment.passages)
    retrieved_terms = _stems(retrieved_text)
    top3_text = " ".join(s.text for s in top3)
    top3_slots = extract(top3_text)
    retrieved_slots = extract(retrieved_text)
    novel = claim_terms - retrieved_terms
    raw_novel = {w for w in content_terms(claim) if stem(w) in novel}

    def names_missing(evidence: Slots, text: str) -> float:
        if not slots.names:
            return 0.0
        lowered = text.lower()
        missing = [n for n in slots.names
                   if n not in lowered and not any(same_entity(n, other) for other in evidence.names)]
        return len(missing) / len(slots.names)

    def quantities_missing(evidence: Slots) -> float:
        if not slots.quantities:
            return 0.0
        missing = [q for q in slots.quantities if not any(abs(e.value - q.value) < 1e-9 for e in evidence.quantities)]
        return len(missing) / len(slots.quantities)

    best_by_coverage = max(range(len(top)), key=lambda i: _coverage(claim_terms, sentence_terms[i]), default=None)
    negation_mismatch = (best_by_coverage is not None
                         and extract(top[best_by_coverage].text).negated != slots.negated)
    values = {
        "top_score": top[0].score if top else 0.0,
        "top_cosine": max((s.cosine for s in top), default=0.0),
        "mean_cosine_top3": float(np.mean([s.cosine for s in top3])) if top3 else 0.0,
        "coverage_best": max((_coverage(claim_terms, t) for t in sentence_terms), default=0.0),
        "coverage_top3": _coverage(claim_terms, top3_terms),
        "coverage_passage": _coverage(claim_terms, _stems(best_passage)),
        "coverage_retrieved": _coverage(claim_terms, retrieved_terms),
        "novel_terms": math.log1p(len(novel)),
        "novel_long_terms": math.log1p(sum(len(w) >= 8 for w in raw_novel)),
        "names": math.log1p(len(slots.names)),
        "names_missing_top3": names_missing(top3_slots, top3_text),
        "names_missing": names_missing(retrieved_slots, retrieved_text),
        "quantities": math.log1p(len(slots.quantities)),
        "quantities_missing_top3": quantities_missing(top3_slots),
        "quantities_missing": quantities_missing(retrieved_slots),
        "quantity_conflict": float(quantity_conflict),
        "years_missing": float(bool(slots.years - retrieved_slots.years)),
        "negation_mismatch": float(negation_mismatch),
        "antonym": float(bool(antonym_pairs(slots, top3_slots))),
        "look_alikes": float(_look_alikes(raw_novel, {w for w in content_terms(retrieved_text)})),
        "attribution_conflict": float(attribution_conflict),
        "rule_support": float(rule_support),
        "rule_conflict": float(rule_conflict),
        "claim_terms": math.log1p(len(claim_terms)),
        "aligned_sentences": float(sum(s.score >= ALIGNED for s in top)),
        **_swaps(claim, top3),
        **_entity_features(claim, retrieved_text, [s.text for s in top3]),
        **_novel_tokens(claim, retrieved_text),
        **{f"top3_{name}": value for name, value in _novel_tokens(claim, top3_text).items()},
        **_entailment_features(alignment.candidates),
    }
    return np.array([values[name] for name in FEATURES], dtype=np.float64)
