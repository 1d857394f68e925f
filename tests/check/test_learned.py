"""The local verifier's classifier: the shipped weights, how its word combines with the rules', and its features."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.check.features import FEATURES
from assistant.check.learned import CLASSES, WEIGHTS, VerifierModel, combine, parse, shipped_model
from assistant.check.slots import (
    antonym_pairs,
    extract,
    name_swaps,
    opening_swap,
    quantities,
    same_amount,
    same_measure,
)
from assistant.check.verify_local import assess, decide
from assistant.errors import FactcheckError
from tests.helpers import OpenStore, RunCli

NO_OFFSETS = {"supported": 0.0, "contradicted": 0.0, "not_enough_evidence": 0.0, "overrule": 0.7}


def features(**values: float) -> np.ndarray:
    vector = np.zeros(len(FEATURES))
    for name, value in values.items():
        vector[FEATURES.index(name)] = value
    return vector


def biased_model(label: str) -> VerifierModel:
    """A model that always prefers `label` (zero weights, a bias on one class)."""
    intercept = np.array([4.0 if c == label else 0.0 for c in CLASSES])
    return VerifierModel(features=FEATURES, mean=np.zeros(len(FEATURES)), scale=np.ones(len(FEATURES)),
                         coef=np.zeros((len(CLASSES), len(FEATURES))), intercept=intercept,
                         thresholds=NO_OFFSETS, provenance={})


def test_shipped_weights_match_the_features_and_were_trained_on_the_training_half_only() -> None:
    model = shipped_model()
    assert model is not None and model.features == FEATURES
    assert model.coef.shape == (len(CLASSES), len(FEATURES)) and np.isfinite(model.coef).all()
    assert "the test half is never read" in model.provenance["data"]
    assert WEIGHTS.stat().st_size < 20_000  # small and reviewable in a diff
    probabilities = model.probabilities(np.zeros(len(FEATURES)))
    assert set(probabilities) == set(CLASSES) and abs(sum(probabilities.values()) - 1) < 1e-9


def test_weights_for_other_features_are_refused_with_a_retrain_hint() -> None:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(FactcheckError, match="retrain"):
        parse(json.dumps(data))


@pytest.mark.parametrize("rule", ["contradicted", "disputed"])
def test_a_named_slot_conflict_stands_against_the_classifier(rule: str) -> None:
    probabilities = {"supported": 0.98, "contradicted": 0.01, "not_enough_evidence": 0.01}
    assert combine(rule, probabilities, NO_OFFSETS, features(aligned_sentences=3)) == rule


def test_the_classifier_decides_when_the_rules_find_nothing() -> None:
    probabilities = {"supported": 0.7, "contradicted": 0.1, "not_enough_evidence": 0.2}
    assert combine("not_enough_evidence", probabilities, NO_OFFSETS, features(aligned_sentences=2)) == "supported"


def test_no_quote_no_supported_or_contradicted() -> None:
    probabilities = {"supported": 0.1, "contradicted": 0.8, "not_enough_evidence": 0.1}
    assert combine("not_enough_evidence", probabilities, NO_OFFSETS, features()) == "not_enough_evidence"


def test_a_named_conflict_yields_only_to_near_certain_support() -> None:
    thresholds = {**NO_OFFSETS, "overrule_conflict": 0.95}
    vector = features(aligned_sentences=2)
    sure = {"supported": 0.97, "contradicted": 0.01, "not_enough_evidence": 0.02}
    likely = {"supported": 0.9, "contradicted": 0.05, "not_enough_evidence": 0.05}
    assert combine("contradicted", sure, thresholds, vector) == "supported"
    assert combine("contradicted", likely, thresholds, vector) == "contradicted"
    assert combine("contradicted", sure, thresholds, features()) == "contradicted"  # nothing to quote
    # a reversal read from the parse ("Jon Grant defeated Teresa Mosqueda", the page: Mosqueda defeated Grant)
    assert combine("contradicted", sure, thresholds, vector, firm_conflict=True) == "contradicted"


def test_confidence_is_the_calibrated_accuracy_of_the_verdict() -> None:
    model = biased_model("supported")
    model.calibration["supported"] = ([0.5, 0.9], [0.4, 0.8])
    assert model.confidence("supported", 0.7) == pytest.approx(0.6)
    assert model.confidence("supported", 0.99) == pytest.approx(0.8)  # clipped at the last breakpoint
    assert model.confidence("contradicted", 0.7) == 0.7  # no table: the raw probability
    assert set(shipped_model().calibration) >= {"supported", "not_enough_evidence"}


def test_overruling_a_rule_support_needs_a_clear_margin() -> None:
    weak = {"supported": 0.35, "contradicted": 0.05, "not_enough_evidence": 0.6}
    strong = {"supported": 0.1, "contradicted": 0.05, "not_enough_evidence": 0.85}
    vector = features(aligned_sentences=2)
    assert combine("supported", weak, NO_OFFSETS, vector) == "supported"
    assert combine("supported", strong, NO_OFFSETS, vector) == "not_enough_evidence"


def test_classifier_verdicts_quote_the_source_and_say_so(run_cli: RunCli, seeds: Path, open_store: OpenStore) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    claim = "The SDF have proved themselves a reliable counter-Daesh partner, Jones said."
    with open_store() as store:
        assessment = assess(store, claim)
        verdict = decide(store, assessment, biased_model("supported"))
        assert verdict.verdict == "supported" and verdict.decided_by.startswith("entailment: p ")
        assert "classifier p(supported)" in verdict.decided_by
        assert verdict.citations and all(
            store.article(c.article_id).text[c.start:c.end] == c.quote  # type: ignore[union-attr]
            for c in verdict.citations)
        # the model reads no passage as contradicting this one: a contradiction would be the classifier's alone
        entailed = assess(store, "The Syrian Democratic Forces are a US-backed Arab-Kurdish alliance.")
        contradicted = decide(store, entailed, biased_model("contradicted"))
        assert contradicted.verdict == "contradicted"
        assert contradicted.decided_by.startswith("classifier: p(contradicted)"), contradicted.decided_by
        unrelated = assess(store, "The mayor of Raqqa resigned on Tuesday after a corruption scandal.")
        assert decide(store, unrelated, biased_model("contradicted")).verdict == "not_enough_evidence"


@pytest.mark.slow  # the real model's alignment and readings
@pytest.mark.usefixtures("seeded_data_dir")
def test_a_supported_verdict_never_says_its_quote_holds_figures_or_names_it_lacks(open_store: OpenStore) -> None:
    # the model reads "Jones said: 'We know ...'" as entailing a claim that adds a figure the quote never states
    claim = "The SDF, some 40,000 fighters, are a reliable counter-Daesh partner, Jones said."
    with open_store() as store:
        verdict = decide(store, assess(store, claim), biased_model("supported"))
    assert verdict.verdict == "supported" and "40,000" not in verdict.citations[0].quote
    assert "states the claim's content" not in verdict.rationale
    assert "does not state: 40,000 fighters" in verdict.rationale, verdict.rationale
    # a wheel user saw "does not state: 1901 and" for a claim's "between 1901 and 1903", the years being no figure
    later = "The SDF's 40,000 fighters have proved themselves a reliable counter-Daesh partner since 2016, Jones said."
    with open_store() as store:
        named = decide(store, assess(store, later), biased_model("supported")).rationale
    assert named.endswith("does not state: 40,000 fighters, 2016, SDF."), named


def test_name_swaps_need_matching_words_on_both_sides() -> None:
    source = "But Airwars, a London-based collective of journalists and researchers that tracks deaths"
    assert name_swaps("Airwars is a Paris-based collective of journalists and researchers.", source) == [
        ("Paris", "London")]
    assert name_swaps("Paris hosted a collective of journalists.", source) == []
    # opening both, another name as the doer of the same words (a blind newsroom claim, supported before)
    ronaldo = "Ronaldo became a part owner of the Fort Lauderdale Strikers in December, while Maldini and Silva came."
    assert opening_swap("Paolo Maldini became a part owner of the Fort Lauderdale Strikers.", ronaldo) == (
        "Paolo Maldini", "Ronaldo")
    council = "A council became a part owner of the club."
    assert opening_swap("The council became a part owner of the club.", council) is None
    pronoun = "Last April, he resigned as Prime Minister in light of revelations from the Panama Papers leak."
    assert opening_swap("Sigmundur resigned as prime minister after the Panama Papers revelations.", pronoun) is None
    gop = "GOP Rep. Tim Walberg of Tipton also will not support the bill."
    assert opening_swap("Republican Rep. Tim Walberg of Tipton is backing the bill.", gop) is None  # one man
    spelled = "The U.S. said Maj. Gen. Jones arrived in Raqqa on Monday."
    assert name_swaps("The US said Major General Jones arrived in Raqa on Monday.", spelled) == []


def test_spelled_out_counts_are_quantities() -> None:
    found = quantities("They will acquire five stores and 11 dealerships; two of the men said so.")
    assert [(q.value, q.unit) for q in found] == [(11.0, "dealership"), (5.0, "store")]


def test_a_function_word_after_a_number_is_not_what_it_counts() -> None:
    # "355 at" had been read as 355 "at"s, compared only with figures of "at" something
    found = quantities("Border agents stopped 355 at the crossing, 12 of whom were minors, and 40 migrants.")
    assert [(q.value, q.unit) for q in found] == [(355.0, ""), (12.0, ""), (40.0, "migrant")]


def test_a_word_and_its_un_twin_are_opposites() -> None:
    # "came through the hurricane undamaged", the page "irreparably damaged", had been supported
    page = extract("The metal shell was irreparably damaged by the 1938 hurricane.")
    assert antonym_pairs(extract("The shell came through the 1938 hurricane undamaged."), page) == [
        ("undamaged", "damaged")]
    assert antonym_pairs(extract("He was able to vote."), extract("He was unable to vote.")) == [("able", "unable")]
    unless = extract("Unless it rains, the union will march.")
    assert antonym_pairs(unless, extract("It rains; the march goes on.")) == []


def test_a_function_word_is_no_name_and_opposites_are_listed() -> None:
    # "reviewed at London's Apollo Theatre" had been a name conflict with "at The Apollo Theatre"
    assert name_swaps("Barmy Britain was reviewed at London's Apollo Theatre in May.",
                      "Barmy Britain was reviewed at The Apollo Theatre in May.") == []
    assert antonym_pairs(extract("Laboulaye was a firm opponent of Lincoln."),
                         extract("Laboulaye was a firm supporter of Lincoln.")) == [("opponent", "supporter")]


def test_a_word_may_have_several_opposites_and_won_overstates_nominated() -> None:
    approved = extract("The board approved the plan on Monday.")
    assert antonym_pairs(extract("The board rejected the plan on Monday."), approved) == [("rejected", "approved")]
    nominated = extract("Restrepo went on to be nominated for an Academy Award.")
    assert antonym_pairs(extract("Restrepo won an Academy Award."), nominated) == [("won", "nominated")]
    assert antonym_pairs(extract("Restrepo was nominated for an Academy Award."), extract("Restrepo won it.")) == []


def test_opposite_verbs_stand_against_each_other_in_any_form() -> None:
    # "The new federal protocol keeps the three-drug cocktail", the page "replacing the three-drug cocktail", had
    # been supported; a reporter's "rose" against the source's "falling" is as opposite as "rose" / "fell"
    replacing = extract("The new protocol, replacing the three-drug cocktail, uses a single drug.")
    assert antonym_pairs(extract("The new protocol keeps the three-drug cocktail."), replacing) == [
        ("keeps", "replacing")]
    assert antonym_pairs(extract("Coal generation rose last year."), extract("Coal generation kept falling.")) == [
        ("rose", "falling")]
    assert antonym_pairs(extract("Coal generation fell last year."), extract("Coal generation fell again.")) == []


def test_a_figure_in_a_singular_unit_is_a_measure_not_a_count() -> None:
    # "the second of four Hobart-class destroyers" had been contradicted as "number: claim 4, source 7000"
    [tonnage] = quantities("Brisbane is the second of three 7,000-ton Hobart-class destroyers.")
    [count] = quantities("Brisbane is the second of four Hobart-class destroyers.")
    assert tonnage.unit == "tonne" and not same_measure(tonnage, count)
    [metres] = quantities("She swam the 50-metre pool.")
    assert metres.unit == "metre" and same_amount(metres, quantities("She swam the 50 m pool.")[0])


def test_the_classifier_alone_needs_more_likely_than_not() -> None:
    unsure = {"supported": 0.45, "contradicted": 0.25, "not_enough_evidence": 0.30}
    assert combine("not_enough_evidence", unsure, NO_OFFSETS, features(aligned_sentences=2)) == "not_enough_evidence"


def test_missing_weights_are_an_error_naming_the_file_never_rules_alone(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.check.learned as learned
    from assistant.errors import ModelError

    monkeypatch.setattr(learned, "WEIGHTS", tmp_path / "verifier_weights.json")
    learned.shipped_model.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"verifier_weights\.json"):
            learned.shipped_model()
    finally:
        learned.shipped_model.cache_clear()
