"""Copies of one story that were edited: which differences between a sentence and its twin are facts."""

from __future__ import annotations

from assistant.check.copies import edited_twins, fact_edits

# The seeds: one wire story as two outlets printed it (seeds/000_….txt and seeds/001_….txt)
FIRST_COPY = ("They have spent months encircling Raqqa, the de facto capital of Daesh’s Syrian territory since 2014, "
             "and finally broke into it in early June, seizing several neighborhoods.")
SECOND_COPY = ("They have spent months encircling Raqa, the de facto capital of Daesh's Syrian territory since 2014, "
             "and finally broke into it in early June, seizing several neighbourhoods.")


def test_house_style_and_spelling_are_no_fact_edit() -> None:
    assert edited_twins(FIRST_COPY, SECOND_COPY)
    assert fact_edits(FIRST_COPY, SECOND_COPY) == []
    assert fact_edits("The U.S.-led coalition will stay.", "The US-led coalition will stay.") == []
    assert fact_edits("British Maj. Gen. Rupert Jones told reporters.",
                      "British Major General Rupert Jones told reporters.") == []
    assert fact_edits("The plan was bold and costly.", "The plan was bold and cheap.") == []  # no figure or name


def test_a_figure_a_date_or_a_name_changed_is_a_fact_edit() -> None:
    tenure = "Okafor defeated Brandt on Tuesday, ending Brandt's eight-year tenure as chair."
    assert fact_edits(tenure, tenure.replace("eight-year", "nine-year")) == [("eight-year", "nine-year")]
    assert fact_edits(FIRST_COPY, FIRST_COPY.replace("2014", "2015")) == [("2014,", "2015,")]
    assert fact_edits(FIRST_COPY, FIRST_COPY.replace("June", "July")) == [("June,", "July,")]
    assert not edited_twins(FIRST_COPY, "Raqqa fell in October after a four-month battle.")
