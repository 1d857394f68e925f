"""What a question asks for, and which sentences state it: the sentences are a tester's real pages' (New
Scientist on ancient Egypt, TechCrunch on MyHeritage DNA, Sportsnet on Jarome Iginla's jersey ceremony)."""

from __future__ import annotations

from assistant.check.asked import asked_for, states

KING_AHA = ("The researchers used carbon dating to estimate with 68 per cent probability that the first ruler, King "
            "Aha, took to the throne between 3111 and 3045 BC, and died between 3073 and 3036 BC.")
PRICE = ("Users who take the test, which currently costs $79 (plus shipping), will get a detailed ethnicity report "
         "that will map their families' ethnic and geographic origins and, if available, the report will also show "
         "potential DNA matches for finding relatives on the service as well.")
FREE_KITS = "As part of this, it has sent out 5,000 free DNA kits to existing members around the world."
COMPETITORS = ("MyHeritage expects that its DNA study will be able to provide a higher resolution than its "
               "competitors' tests (think Ancestry and 23andMe), but for users who have already taken a competing "
               "test, the company will allow them to import their data into MyHeritage's database and get a free "
               "report.")
RAISED = ("MyHeritage has raised a combined $49 million in venture capital so far and Japhet tells me that the "
          "company is currently seeing revenues in the range of $50 to $100 million per year.")
CEREMONY = ("Nor will they forget the parting words of a man who capped the 57-minute ceremony with a "
            "riot-inducing promise.")
YEARS_IN_CALGARY = ("The three Iginla kids were then given gold pucks commemorating their father's 16 years in "
                    "Calgary.")
FIGHTS = ('"I really want to thank the Flames organization and ownership," said Iginla, who now resides in Boston '
          "where he channels the intensity that led to 75 NHL fights into coaching his son's hockey teams.")


def test_a_year_before_the_common_era_is_a_date() -> None:
    asked = asked_for("When did King Aha become ruler of Egypt?")
    assert asked is not None and asked.what == "a date"
    assert states(asked, KING_AHA)
    assert states(asked, "They also concluded that the Predynastic period began in 3800-3700 BC, so it lasted just "
                         "600-700 years, several centuries less than previously thought.")
    assert not states(asked, "This suggests that Egypt was ruled by individual kings right from the start, rather "
                             "than by clans, as some experts have suggested.")


def test_how_much_something_costs_is_a_sum_paid_for_it() -> None:
    asked = asked_for("How much does the MyHeritage DNA test cost?")
    assert asked is not None and asked.what == "how much"
    assert states(asked, PRICE)
    for other in (FREE_KITS, COMPETITORS, RAISED):  # a count, a name's digits, a sum raised: not what it costs
        assert not states(asked, other), other
    raised = asked_for("How much has MyHeritage raised in venture capital?")
    assert raised is not None and states(raised, RAISED) and not states(raised, PRICE)


def test_how_long_asks_for_a_duration_of_what_it_asks_about() -> None:
    asked = asked_for("How long did Iginla's jersey ceremony last?")
    assert asked is not None and asked.what == "how long"
    assert states(asked, CEREMONY)
    assert not states(asked, YEARS_IN_CALGARY)  # a duration, but of his years in Calgary
    assert not states(asked, FIGHTS)  # a count is no duration


def test_a_chat_follow_up_opening_with_and_asks_for_the_same() -> None:
    # chat's rewritten follow-up: the question, then the earlier turn's terms
    asked = asked_for("and how much does it cost? (myheritage, launch)")
    assert asked is not None and asked.what == "how much"
    assert not states(asked, FREE_KITS) and states(asked, PRICE)
    drones = asked_for("And how many drones did Daesh use in Raqqa?")
    assert drones is not None and drones.what == "how many drones"


def test_a_question_asking_for_no_figure_or_date_asks_for_nothing_checkable() -> None:
    assert asked_for("Why is MyHeritage sending out free DNA kits?") is None
    assert asked_for("Who leads the coalition fighting Daesh in Syria?") is None
