"""The local verifier: verdicts with no language model and no network.

Each claim is aligned with evidence sentences (MiniLM similarity plus content-word overlap), then compared slot
by slot. Supported needs the claim's content covered by one aligned sentence (names may come from its passage)
with every number matched; contradicted needs an aligned sentence that conflicts on a checked slot (a number
with the same unit or, for times and lengths, after conversion; the speaker of the same statement; a name put in
another's place; the doer and target of one verb swapped; a word the claim asserts that the sentence's parse
denies; an antonym; a year or month that no other aligned sentence states); disputed means one story supports
and another contradicts, or copies of one story disagree (one copy's sentence conflicts with the claim, its
edited twin in another copy does not); otherwise there is not enough evidence. `decided_by` names the deciding
slot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.check.citations import verified
from assistant.check.claims import looks_english
from assistant.check.copies import edited_twins, other_copies, says_otherwise
from assistant.check.entailment import EntailmentModel
from assistant.check.entities import Role, asserted_words, negated_words, roles
from assistant.check.evidence import ALIGNED, Sentence
from assistant.check.features import Alignment, Candidate, align, describe
from assistant.check.learned import VerifierModel, combine, shipped_model
from assistant.check.slots import (
    DAY_OF_MONTH,
    Quantity,
    Slots,
    antonym_pairs,
    base_swaps,
    clock_times,
    convertible,
    earlier_figure,
    extract,
    hedged,
    name_covers,
    name_swaps,
    office_swaps,
    opening_swap,
    placings,
    role_swaps,
    rounds_to,
    same_amount,
    same_counted_thing,
    same_entity,
    same_measure,
    speaks_in,
    two_full_names,
    vote_sides,
    within_bound,
)
from assistant.retrieve import Filters
from assistant.store.corpus import Corpus
from assistant.text import content_terms, stem
from assistant.types import Citation, Passage, Verdict

SUPPORT_COVERAGE = 0.75
CONFLICT_COVERAGE = 0.45
SPEAKER_COVERAGE = 0.6  # the same statement from another speaker: most of the claim's words, its speaker aside
COUNTED_CONFLICT_COVERAGE = 0.3  # two figures counting the same thing ("a five-judge bench") are compared from here
MAX_ALIGNED = 6


@dataclass
class Judgement:
    relation: str  # "support", "conflict" or "neutral"
    decided_by: str
    sentence: Sentence
    coverage: float


def _stems(terms: set[str]) -> set[str]:
    """Terms as the rules compare them: numbers as written, words by the first six letters of their stem ("planned"
    and "plans" alike), the words for armed men as one ("troops", "forces", "soldiers")."""
    return {t if t[0].isdigit() else _same_thing(stem(t)[:6]) for t in terms}


def _same_thing(prefix: str) -> str:
    return _SAME_THING.get(prefix, prefix)


_SAME_THING = {"force": "troop", "soldie": "troop"}


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "") if value == int(value) else f"{value:g}"


_DAY_CONFLICT = "date: claim day"


def figure_conflict(decided_by: str) -> bool:
    """Whether a rule's conflict is between two figures of one measure (a day of the month included)."""
    return decided_by.startswith(("number:", _DAY_CONFLICT))


def _amount(quantity: Quantity) -> str:
    """A figure as a conflict names it: with its unit where it was converted ("2 weeks"), else its value alone."""
    if not convertible(quantity):
        return _fmt(quantity.value)
    return f"{_fmt(quantity.value)} {quantity.unit}{'' if quantity.value == 1 else 's'}"


def judge(claim: str, claim_slots: Slots, sentence: Sentence, contradicts: bool = False,
          dates_stated: frozenset[int | str] = frozenset(), evidence: Slots | None = None) -> Judgement:
    """The slot rules' reading of one sentence; `contradicts`: the entailment model reads it as contradicting;
    `dates_stated`: the years and months the claim's other aligned evidence states; `evidence`: the sentence's
    slots, when the caller has them already."""
    if evidence is None:
        evidence = extract(sentence.text)
    claim_terms = _stems(content_terms(claim))
    sentence_terms = _stems(content_terms(sentence.text))
    coverage = len(claim_terms & sentence_terms) / max(1, len(claim_terms))
    # Names may be resolved by the passage ("the northern city" is Raqqa two sentences earlier); other words not.
    name_terms = _stems({w for name in claim_slots.names for w in name.split()})
    context_terms = _stems(content_terms(sentence.passage.text)) & name_terms
    support_coverage = len(claim_terms & (sentence_terms | context_terms)) / max(1, len(claim_terms))

    def result(relation: str, decided_by: str) -> Judgement:
        return Judgement(relation, decided_by, sentence, coverage)

    other_speaker = bool(claim_slots.attribution and evidence.attribution
                         and not same_entity(claim_slots.attribution, evidence.attribution)
                         and not _mentions(evidence, claim_slots.attribution)
                         and not _mentions(claim_slots, evidence.attribution)
                         and not speaks_in(claim_slots.attribution, sentence.text))
    if coverage >= COUNTED_CONFLICT_COVERAGE:
        for quantity in claim_slots.quantities:
            if quantity.value in claim_slots.years:  # "since 1970" is a date, the date rule's to compare
                continue
            rivals = _rivals(quantity, claim_slots, evidence, sentence.text)
            if coverage < CONFLICT_COVERAGE:  # a sentence sharing fewer words: only a figure of the same thing
                rivals = [q for q in rivals if same_counted_thing(q, quantity)]
            # the claim's number under another counted noun ("327.5 million units ... of its 1.63 billion shares")
            # is the same figure, not a conflict; a time or length is the same only in its own family of units
            same = (any(same_amount(q, quantity) for q in rivals) if convertible(quantity)
                    else any(abs(q.value - quantity.value) < 1e-9 for q in evidence.quantities))
            # "around 7m" is the sentence's 7.2 metres, said at the precision it is written with
            same = same or (hedged(quantity, claim) and any(rounds_to(q, quantity) for q in rivals))
            # "more than three years" holds of "more than five years": a bound, not a rival figure
            same = same or any(within_bound(quantity, claim, q, sentence.text) for q in rivals)
            if rivals and not same and not other_speaker:
                nearest = min(rivals, key=lambda q: abs(q.value - quantity.value))  # the figure a reader compares
                if quantity.unit == DAY_OF_MONTH:  # "on May 7" / "on May 17": a date, named as one
                    return result("conflict", f"{_DAY_CONFLICT} {_fmt(quantity.value)} of the month, "
                                              f"source day {_fmt(nearest.value)}")
                return result("conflict", f"number: claim {_amount(quantity)}, source {_amount(nearest)}")
    if coverage >= CONFLICT_COVERAGE:
        matched_numbers = bool(claim_slots.quantities) and all(
            any(same_amount(q, c) for q in evidence.quantities) for c in claim_slots.quantities)
        if other_speaker and (matched_numbers or coverage >= SPEAKER_COVERAGE):
            return result("conflict", f"attribution: claim {claim_slots.attribution}, source {evidence.attribution}")
        # a name the passage holds may be what the sentence calls otherwise ("the SDF" for the "Syrian Democratic
        # Forces"), unless the sentence opens with another name before the claim's own words
        swaps = [(ours, theirs) for ours, theirs in name_swaps(claim, sentence.text)
                 if ours.lower() not in sentence.passage.text.lower() or two_full_names(ours, theirs)]
        opening = opening_swap(claim, sentence.text)
        if opening is not None:
            swaps.append(opening)
        swaps += role_swaps(claim, sentence.text)  # "with director Brendan O'Brien" / "with director Dean Karr"
        swaps += base_swaps(claim, sentence.text)  # "Manchester-based Bossa Studios" / "London-based Bossa Studios"
        if swaps and not other_speaker:
            return result("conflict", f"name: claim {swaps[0][0]}, source {swaps[0][1]}")
        offices = office_swaps(claim, sentence.text)  # "chief technology officer Gilad Japhet" / "CEO ... Gilad Japhet"
        if offices and not other_speaker:
            return result("conflict", f"office: claim {offices[0][0]}, source {offices[0][1]}")
        reversal = _reversed_roles(claim, sentence.text) if len(claim_slots.names) >= 2 else None
        if reversal and not other_speaker:
            said, stated = reversal
            return result("conflict", f"roles: claim {said.doer} {said.verb} {said.target}, "
                                      f"source {stated.doer} {stated.verb} {stated.target}")
        denied = _denied(claim, claim_slots, sentence.text, evidence)
        if denied and not other_speaker:
            return result("conflict", f"negation: {denied}")
    if max(coverage, support_coverage) >= CONFLICT_COVERAGE:
        for ours, theirs in ((claim_slots.years, evidence.years), (claim_slots.months, evidence.months)):
            # a claim's date that no aligned sentence states, where this one states another: "kicks off in
            # September ... through October" against "kicks off in August, will run through October"; a date the
            # claim's other evidence states is not contradicted here, where it dates something else ("outlawed in
            # 1972" beside "reinstated in 1988")
            unstated, others = ours - theirs - dates_stated, theirs - ours
            if unstated and others and not other_speaker:
                return result("conflict", f"date: claim {str(min(unstated)).title()}, "
                                          f"source {str(min(others)).title()}")
        # a finishing position: "finished second" against "ended up placing fifth" (another's "placed second"
        # in the sentence is no conflict)
        ours_placed, theirs_placed = placings(claim), placings(sentence.text)
        if ours_placed and theirs_placed and not ours_placed.keys() & theirs_placed.keys() and not other_speaker:
            return result("conflict", f"placing: claim {min(ours_placed.items())[1]}, "
                                      f"source {min(theirs_placed.items())[1]}")
        ours_times, theirs_times = clock_times(claim), clock_times(sentence.text)
        if ours_times and theirs_times and not ours_times.keys() & theirs_times.keys() and not other_speaker:
            return result("conflict", f"time: claim {min(ours_times.items())[1]}, "
                                      f"source {min(theirs_times.items())[1]}")
        flipped = vote_sides(claim, sentence.text) + antonym_pairs(claim_slots, evidence)
        if flipped and coverage >= 0.6:
            return result("conflict", f"antonym: claim {flipped[0][0]}, source {flipped[0][1]}")
    # Whether a negation contradicts is the entailment model's call (a cue word may be about another clause);
    # the rules only decline to call "supported" across a difference in polarity.
    names_in_sentence = all(any(name_covers(other, name) for other in evidence.names) or name in sentence.text.lower()
                            for name in claim_slots.names)
    names_covered = names_in_sentence or all(
        any(name_covers(other, name) for other in evidence.names | _names_in(sentence))
        or name in sentence.passage.text.lower() for name in claim_slots.names)
    numbers_covered = all(any(same_amount(q, c) or (q.value == c.value and not c.unit) for q in evidence.quantities)
                          for c in claim_slots.quantities)
    # A claim's superlative or absolute ("largest", "only", "never") must be in the sentence itself.
    absolutes_covered = _absolutes(claim) <= _absolutes(sentence.text)
    # the claim's dates must be the sentence's own: "kicks off in September" is not "kicks off in August" beside
    # an "October" both name
    dates_covered = claim_slots.years <= evidence.years and claim_slots.months <= evidence.months
    if (support_coverage >= SUPPORT_COVERAGE and absolutes_covered and names_covered and numbers_covered
            and dates_covered and not other_speaker and not contradicts and claim_slots.negated == evidence.negated):
        where = "the sentence" if names_in_sentence else "the sentence and its passage"
        return result("support", f"coverage: {support_coverage:.2f} of the claim's terms, its numbers, dates and "
                                 f"names found in {where}")
    return result("neutral", "")


def _rivals(quantity: Quantity, claim_slots: Slots, evidence: Slots, sentence: str) -> list[Quantity]:
    """The sentence's figures that could contradict one of the claim's: of the same measure, and none of the claim's
    other figures ("topped $1 billion ... did not exceed $600m"), the years it names, or a figure the sentence gives
    for an earlier period ("compared with $1.67 billion in the prior year")."""
    return [q for q in evidence.quantities if same_measure(q, quantity)
            and not any(same_amount(q, other) for other in claim_slots.quantities if other is not quantity)
            and q.value not in claim_slots.years and not earlier_figure(q, sentence)]


_ABSOLUTE = re.compile(r"\b(?:[a-z]{3,}est|only|first|last|most|least|never|always|every|all|sole|unique|record)\b")
_NOT_SUPERLATIVE = {"interest", "forest", "request", "protest", "arrest", "suggest", "invest", "contest", "latest",
                    "honest", "modest", "harvest", "earnest", "digest", "manifest", "west", "rest", "test"}


def _absolutes(text: str) -> set[str]:
    return {w for w in _ABSOLUTE.findall(text.lower()) if w not in _NOT_SUPERLATIVE and not w.endswith("ests")}


# Verbs whose doer and target can trade places without changing the fact ("Ruiz met Hale", "Hale met Ruiz").
_SYMMETRIC = {"meet", "marry", "wed", "divorce", "date", "face", "play", "fight", "battle", "draw", "tie", "partner",
              "merge", "join", "talk", "speak", "debate", "hug", "kiss", "contact", "interview"}


def _reversed_roles(claim: str, sentence: str) -> tuple[Role, Role] | None:
    """The claim's "A <verb> B" where the sentence says "B <verb> A" (and nowhere "A <verb> B")."""
    stated = roles(sentence)
    for ours in roles(claim):
        if ours.lemma in _SYMMETRIC or same_entity(ours.doer.lower(), ours.target.lower()):
            continue
        matching = [r for r in stated if r.lemma == ours.lemma]
        if any(same_entity(ours.doer.lower(), r.doer.lower()) and same_entity(ours.target.lower(), r.target.lower())
               for r in matching):
            continue
        for theirs in matching:
            if (same_entity(ours.doer.lower(), theirs.target.lower())
                    and same_entity(ours.target.lower(), theirs.doer.lower())):
                return ours, theirs
    return None


def _denied(claim: str, claim_slots: Slots, sentence: str, evidence: Slots) -> str | None:
    """The conflict, named, where the sentence's parse denies a word the claim asserts ("there are plans" / "there
    are not currently any plans"), or the reverse; where both have a negation, the entailment model decides."""
    if claim_slots.negated == evidence.negated:
        return None
    denier, asserter = (claim, sentence) if claim_slots.negated else (sentence, claim)
    # "did not say how many": a speech verb denied is no fact of the claim's denied
    word = min(negated_words(denier) & asserted_words(asserter) - {"say"}, default=None)
    if word is None:
        return None
    return f"claim not {word}, source {word}" if claim_slots.negated else f"claim {word}, source not {word}"


def _mentions(slots: Slots, who: str) -> bool:
    """Whether a statement names `who` as a name (not as a plain word: "coalition strikes" is no speaker)."""
    return any(same_entity(who, name) for name in slots.names)


def _names_in(sentence: Sentence) -> set[str]:
    return extract(sentence.passage.text).names


@dataclass
class Assessment:
    """A claim's evidence, the rules' judgement of each aligned sentence, and the classifier's features."""

    alignment: Alignment
    judgements: list[Judgement]
    features: np.ndarray
    firm_conflict: bool  # a conflict the classifier may not overrule (learned.combine)


def assess(store: Corpus, claim: str, filters: Filters | None = None, k: int = 10,
           model: EntailmentModel | None = None) -> Assessment:
    """`model`: another entailment model than the shipped one (bench/train_verifier.py's cross-fitting twin)."""
    alignment = align(store, claim, filters, k, model)
    sentences = [s for s in alignment.sentences if s.score >= ALIGNED][:MAX_ALIGNED]
    contradicting = {id(c.sentence) for c in alignment.candidates
                     if c.contradiction >= 0.5
                     and c.scores.contradiction > c.scores.entailment}
    evidence = [extract(s.text) for s in sentences]
    dates = frozenset(d for slots in evidence for d in slots.years | slots.months)
    judgements = [judge(claim, alignment.slots, s, id(s) in contradicting, dates, slots)
                  for s, slots in zip(sentences, evidence, strict=True)]
    conflicts = [j.decided_by for j in judgements if j.relation == "conflict"]
    features = describe(alignment, rule_support=any(j.relation == "support" for j in judgements),
                        rule_conflict=bool(conflicts),
                        attribution_conflict=any(c.startswith("attribution") for c in conflicts),
                        quantity_conflict=any(figure_conflict(c) for c in conflicts))
    return Assessment(alignment, judgements, features, any(c.startswith(FIRM_CONFLICT) for c in conflicts))


FIRM_CONFLICT = "roles:"  # a reversal read from the parse: the sentence says who did what to whom


ENGLISH_ONLY = "language: the local engine reads English only"


def english_only(claim: str) -> Verdict:
    """The verdict for a claim the local engine cannot read: said plainly, never "no check-worthy claim"."""
    return Verdict(claim=claim, verdict="not_enough_evidence", confidence=0.0, decided_by=ENGLISH_ONLY,
                   rationale="The local engine's word, slot and name rules read English only; use an LLM engine "
                             "(--engine openai) for claims in other languages.")


def verify_claim(store: Corpus, claim: str, filters: Filters | None = None, k: int = 10) -> Verdict:
    if not looks_english(claim):
        return english_only(claim)
    return decide(store, assess(store, claim, filters, k), shipped_model())


def decide(store: Corpus, assessment: Assessment, model: VerifierModel | None) -> Verdict:
    """The rules' verdict, then the classifier's word where the rules name no conflict (see learned.combine).

    The confidence is the calibrated probability of the final verdict (learned.VerifierModel.confidence).
    """
    verdict = rules_verdict(store, assessment)
    if model is None:
        return verdict
    probabilities = model.probabilities(assessment.features)
    label = combine(verdict.verdict, probabilities, model.thresholds, assessment.features, assessment.firm_conflict)
    # disputed says the sources disagree, not which is right: its confidence is that the evidence bears on the claim
    p = probabilities[label] if label in probabilities else 1 - probabilities["not_enough_evidence"]
    confidence = round(model.confidence(label, p), 3)
    if label == verdict.verdict:
        verdict.confidence = confidence
        return verdict
    claim = assessment.alignment.claim
    if label == "not_enough_evidence":
        return _unsettled(store, claim, confidence, "An aligned sentence shares the claim's words, but the evidence "
                          "read as a whole does not carry the claim.",
                          f"classifier: p(not_enough_evidence) {p:.2f} outweighs {verdict.decided_by}",
                          assessment.judgements)
    candidates = assessment.alignment.candidates
    if label == "supported":  # quote what holds the claim's figures and names, if anything read as entailing does
        candidates = [c for c in candidates if c.scores.entailment >= max(0.5, c.scores.contradiction)
                      and _holds(assessment.alignment.slots, c.text)] or candidates
    candidate = _strongest(candidates, label)
    if candidate is None:
        return verdict
    reading = candidate.scores.entailment if label == "supported" else candidate.scores.contradiction
    relation = "entails" if label == "supported" else "contradicts"
    if reading >= 0.5:
        decided_by = (f"entailment: p {reading:.2f} that the quoted passage {relation} the claim "
                      f"(classifier p({label}) {p:.2f})")
    else:  # the classifier's word rests on coverage, figures and names: say so, not that the model read it
        decided_by = (f"classifier: p({label}) {p:.2f} from the evidence's coverage, figures and names; the model "
                      f"reads p {reading:.2f} that the quoted passage {relation} the claim")
    lacking = _lacking(assessment.alignment.slots, candidate.text, claim) if label == "supported" else []
    return _verdict_from(store, claim, label, confidence, _rationale(label, reading >= 0.5, lacking), decided_by,
                         [(candidate.sentence.passage, candidate.text)])


def _rationale(label: str, model_read: bool, lacking: list[str]) -> str:
    """Why the classifier's verdict stands, never saying the quote carries the claim's names or figures when it
    lacks some (`lacking`: those it does not state) nor that the model read what it did not (`model_read`)."""
    if label != "supported":
        return ("The model reads the quoted evidence as contradicting the claim." if model_read else
                "The closest evidence speaks of this, but its words, figures or names differ from the claim's.")
    unstated = f" The quoted passage does not state: {', '.join(lacking)}." if lacking else ""
    if model_read and lacking:  # the model's reading, said as one: it takes edited figures for paraphrases too
        return "The model reads the quoted evidence as stating the claim." + unstated
    if model_read:
        return "The model reads the quoted evidence as stating the claim, in other words."
    return ("The evidence is close to the claim's words, though no passage restates it." + unstated if lacking else
            "The closest evidence carries the claim's words, figures and names, though no passage restates it "
            "outright.")


_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


def _holds(slots: Slots, text: str) -> bool:
    """Whether a stretch of evidence holds the claim's figures and a word of each of its names."""
    return not _lacking(slots, text)


def _lacking(slots: Slots, text: str, claim: str = "") -> list[str]:
    """The claim's figures, years, and names of which no word is there, that a stretch of evidence does not hold, as
    the claim writes them ("40,000 fighters", "SDF", "2015"). Only what is surely the claim's own: no figure inside
    a word ("Mp3") and no lone capitalised word opening the claim ("Venture firm ...", "Students can ...")."""
    evidence, lowered = extract(text), text.lower()
    lacking = [_figure_as_written(c.text) for c in slots.quantities
               if c.value not in slots.years and not (claim and c.at > 0 and claim[c.at - 1].isalpha())
               and not any(same_amount(q, c) or q.value == c.value for q in evidence.quantities)]
    lacking += [str(year) for year in sorted(slots.years - evidence.years)]
    for name in sorted(slots.names):
        if claim and " " not in name and claim.lower().startswith(name):
            continue
        words = [_POSSESSIVE.sub("", word) for word in _NAME_WORD.findall(name)] or [name]
        if not any(word.lower() in lowered for word in words):
            at = claim.lower().find(name)
            lacking.append(claim[at:at + len(name)] if at >= 0 else name)
    return lacking


_POSSESSIVE = re.compile(r"['’]s$")


def _figure_as_written(text: str) -> str:
    """A figure's number and the word it counts, as written ("40,000 fighters around Raqqa" -> "40,000 fighters")."""
    found = _FIGURE_AS_WRITTEN.match(text)
    return found.group(0).strip() if found else text


_FIGURE_AS_WRITTEN = re.compile(r"[$€£]?\s?[\d.,]+(?:\s?(?:%|per cent|percent|[ap]\.m\.|[^\W\d_]+))?")


def _strongest(candidates: Sequence[Candidate], label: str) -> Candidate | None:
    """The evidence the entailment model reads as most strongly entailing (or contradicting) the claim."""
    # Among readings equally strong (to 0.1), the sentence closest to the claim is the one to quote.
    if label == "supported":
        return max(candidates, key=lambda c: (round(c.scores.entailment, 1), c.sentence.score), default=None)
    return max(candidates, key=lambda c: (round(c.contradiction, 1), c.sentence.score), default=None)


def rules_verdict(store: Corpus, assessment: Assessment) -> Verdict:
    claim = assessment.alignment.claim
    sentences = [j.sentence for j in assessment.judgements]
    judgements = assessment.judgements
    supports = [j for j in judgements if j.relation == "support"]
    conflicts = [j for j in judgements if j.relation == "conflict"]
    support_clusters = {j.sentence.passage.cluster for j in supports}
    conflict_clusters = {j.sentence.passage.cluster for j in conflicts}
    if supports and conflicts and conflict_clusters - support_clusters and support_clusters - conflict_clusters:
        chosen = _one_per_cluster(supports) + _one_per_cluster(conflicts)
        return _verdict(store, claim, "disputed", 0.6, "Sources disagree: some support the claim, others "
                        f"contradict it ({conflicts[0].decided_by}).", conflicts[0].decided_by, chosen)
    copies = _disagreeing_copies(judgements)
    if copies is not None:
        agreeing, conflicting = copies
        told_by = conflicting.sentence.passage.source
        return _verdict(store, claim, "disputed", 0.6, f"Copies of one story disagree: {told_by}'s says otherwise "
                        f"({conflicting.decided_by}); {agreeing.sentence.passage.source}'s does not.",
                        f"copies disagree: {conflicting.decided_by}", [agreeing, conflicting])
    # One story both matching and conflicting (a quote and its denial): the sentence closer to the claim decides.
    if conflicts and (not supports or conflicts[0].sentence.score > supports[0].sentence.score):
        chosen = _one_per_cluster(conflicts)
        best = conflicts[0]
        return _verdict(store, claim, "contradicted", min(0.95, 0.5 + best.sentence.score / 2),
                        f"The source says otherwise ({best.decided_by}).", best.decided_by, chosen)
    if supports:
        chosen = _one_per_cluster(supports)
        best = supports[0]
        return _verdict(store, claim, "supported", min(0.95, 0.4 + best.sentence.score / 2),
                        "An aligned source sentence carries most of the claim's words and all its figures, dates "
                        "and names.", best.decided_by, chosen)
    rationale = ("No source sentence is about this claim." if not sentences else
                 "Related passages exist, but the engine found none that states or contradicts the claim.")
    confidence = 0.5 if sentences else 0.7
    return _unsettled(store, claim, confidence, rationale, "coverage: no aligned sentence covers the claim"
                      if sentences else "retrieval: nothing relevant", judgements)


NEAREST = 2  # sentences shown with a not_enough_evidence verdict


def _unsettled(store: Corpus, claim: str, confidence: float, rationale: str, decided_by: str,
               judgements: Sequence[Judgement]) -> Verdict:
    """A not_enough_evidence verdict: no quote backs it, and the closest evidence read is shown under `nearest`."""
    verdict = _verdict(store, claim, "not_enough_evidence", confidence, rationale, decided_by, [])
    verdict.nearest = _nearest(store, judgements)
    return verdict


def _nearest(store: Corpus, judgements: Sequence[Judgement]) -> list[Citation]:
    """The aligned sentences closest to the claim, a sentence that another copy of the story reprints given once:
    what a reader of a not_enough_evidence verdict should read next (verified as the source's own text, like any
    quote); they back nothing."""
    chosen: list[Judgement] = []
    for j in sorted(judgements, key=lambda j: -j.sentence.score):
        if not any(j.sentence.text == c.sentence.text or (other_copies(j.sentence.passage, c.sentence.passage)
                                                         and edited_twins(j.sentence.text, c.sentence.text))
                   for c in chosen):
            chosen.append(j)
    return _citations(store, [(j.sentence.passage, j.sentence.text) for j in chosen[:NEAREST]])


def _disagreeing_copies(judgements: Sequence[Judgement]) -> tuple[Judgement, Judgement] | None:
    """(a sentence that does not conflict with the claim, its edited twin in another copy of the story that does,
    the two differing in a figure, a date or a name): copies of one wire story that say different things."""
    for conflict in (j for j in judgements if j.relation == "conflict"):
        for other in judgements:
            if (other.relation != "conflict" and other_copies(other.sentence.passage, conflict.sentence.passage)
                    and says_otherwise(other.sentence.text, conflict.sentence.text)):
                return other, conflict
    return None


def _one_per_cluster(judgements: Sequence[Judgement]) -> list[Judgement]:
    seen: set[str] = set()
    chosen = []
    for j in sorted(judgements, key=lambda j: -j.sentence.score):
        key = j.sentence.passage.cluster or j.sentence.passage.article_id
        if key not in seen:
            seen.add(key)
            chosen.append(j)
    return chosen


def _verdict(store: Corpus, claim: str, label: str, confidence: float, rationale: str, decided_by: str,
             chosen: Sequence[Judgement]) -> Verdict:
    return _verdict_from(store, claim, label, confidence, rationale, decided_by,
                         [(j.sentence.passage, j.sentence.text) for j in chosen])


def _verdict_from(store: Corpus, claim: str, label: str, confidence: float, rationale: str, decided_by: str,
                  quotes: Sequence[tuple[Passage, str]]) -> Verdict:
    """A verdict citing `quotes` (passage, text), each verified against its article's own text."""
    clusters = {passage.cluster or passage.article_id for passage, _ in quotes}
    return Verdict(claim=claim, verdict=label, confidence=round(confidence, 3), rationale=rationale,
                   decided_by=decided_by, citations=_citations(store, quotes), independent_sources=len(clusters))


def _citations(store: Corpus, quotes: Sequence[tuple[Passage, str]]) -> list[Citation]:
    """`quotes` (passage, text) that are their article's own text, as citations; any other is dropped."""
    citations: list[Citation] = []
    for passage, text in quotes:
        article = store.article(passage.article_id)
        citation = verified(passage, text, article.text) if article else None
        if citation is not None:
            citations.append(citation)
    return citations


def normalise_claim(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
