"""A draft's sentences joining full clauses are split into one claim per clause; a claim given alone is not."""

from __future__ import annotations

import pytest

from assistant.check.claims import split_claims

# A tester's draft about a real page (Castle Cove's new steps): each half was checked as one claim, a false age
# hidden behind a true closure, and two true halves read as not enough evidence together.
BEACH = "The beach had been blocked off for more than three years, and ribbon-cutter Brian Wilkins is 92."
STEPS = "The new wooden steps were built by David R. White Ltd, and the ceremony starts at 1pm on Easter Saturday."


def test_a_draft_sentence_joining_two_full_clauses_is_two_claims() -> None:
    assert split_claims(f"{BEACH} {STEPS}", draft=True)[0] == [
        "The beach had been blocked off for more than three years.", "Ribbon-cutter Brian Wilkins is 92.",
        "The new wooden steps were built by David R. White Ltd.", "The ceremony starts at 1pm on Easter Saturday."]
    assert split_claims("Airwars says 744 civilians were killed in June, but the coalition says 603 civilians "
                        "died.", draft=True)[0] == ["Airwars says 744 civilians were killed in June.",
                                                    "The coalition says 603 civilians died."]


def test_a_claim_given_alone_is_checked_as_written() -> None:
    assert split_claims(BEACH)[0] == [BEACH]


@pytest.mark.parametrize("sentence", [
    "Apples, pears, and plums were sold at the market on Sunday.",  # a list of nouns
    "The firm bought and sold shares in the company last year.",  # verbs sharing one subject
    "The council approved the plan, and signed the contract on Monday.",  # no subject of its own
    "The council approved the plan, and the mayor signed it, officials said.",  # both inside the attribution
    "Prices rose sharply in March, and they fell.",  # a clause too short to check alone
    "I think the council approved the plan, and the mayor signed it.",  # an opinion stays skipped
])
def test_a_draft_sentence_without_two_checkable_full_clauses_stays_whole(sentence: str) -> None:
    expected = [] if sentence.startswith("I think") else [sentence]
    assert split_claims(sentence, draft=True)[0] == expected
