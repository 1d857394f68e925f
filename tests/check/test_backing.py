"""The answer-text guard: a sentence the model writes is shown only when its facts are in the quotes it cites."""

from __future__ import annotations

from assistant.check.backing import facts, guard_sentences, guard_text

QUOTE = "The storm cut power to 1,200 households for 36 hours, Northern Grid said on Tuesday."


def test_facts_are_numbers_years_months_and_names() -> None:
    found = facts("In March 2021, Northern Grid restored power to 5,000 homes [1].")
    assert {"2021", "March", "Northern Grid"} <= set(found) and any("5,000" in f for f in found)


def test_a_sentence_with_a_planted_number_is_removed_and_named() -> None:
    answer = "Northern Grid said 1,200 households lost power [1]. All 5,000 households lost service for a week [1]."
    text, removed = guard_sentences(answer, {1: QUOTE})
    assert text == "Northern Grid said 1,200 households lost power [1]."
    assert len(removed) == 1 and any("5,000" in m for m in removed[0].missing)
    assert "5,000" in removed[0].warning()


def test_a_sentence_is_checked_against_the_source_it_cites() -> None:
    other = "Southern Power said repairs would take a week."
    text, removed = guard_sentences("Northern Grid restored power [2].", {1: QUOTE, 2: other})
    assert text == "" and removed[0].missing == ["Northern Grid"]


def test_numbers_match_after_normalisation_and_question_words_count() -> None:
    text, removed = guard_text("Power was cut to 1200 households for 36 hours.", [QUOTE])
    assert removed == [] and text
    text, removed = guard_text("Yes: Elm Street lost power too.", [QUOTE], question="Did Elm Street lose power?")
    assert removed == []


def test_a_sentence_without_facts_passes() -> None:
    assert guard_text("The sources agree on this.", [QUOTE]) == ("The sources agree on this.", [])
