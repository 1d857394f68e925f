"""What a question asks for, and which sentences state it: the sentences are a tester's real pages' (New
Scientist on ancient Egypt)."""

from __future__ import annotations

from assistant.check.asked import asked_for, states

KING_AHA = ("The researchers used carbon dating to estimate with 68 per cent probability that the first ruler, King "
            "Aha, took to the throne between 3111 and 3045 BC, and died between 3073 and 3036 BC.")


def test_a_year_before_the_common_era_is_a_date() -> None:
    asked = asked_for("When did King Aha become ruler of Egypt?")
    assert asked is not None and asked.what == "a date"
    assert states(asked, KING_AHA)
    assert states(asked, "They also concluded that the Predynastic period began in 3800-3700 BC, so it lasted just "
                         "600-700 years, several centuries less than previously thought.")
    assert not states(asked, "This suggests that Egypt was ruled by individual kings right from the start, rather "
                             "than by clans, as some experts have suggested.")


def test_a_question_asking_for_no_figure_or_date_asks_for_nothing_checkable() -> None:
    assert asked_for("Why is MyHeritage sending out free DNA kits?") is None
    assert asked_for("Who leads the coalition fighting Daesh in Syria?") is None
