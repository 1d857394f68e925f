"""`factcheck check`: verdicts on the seeds and on small corpora with planted conflicts; the LLM engine's budget."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from assistant.check.citations import locate
from assistant.check.evidence import Sentence
from assistant.check.slots import (
    base_swaps,
    clock_times,
    earlier_figure,
    extract,
    months,
    name_swaps,
    office_swaps,
    placings,
    quantities,
    role_swaps,
    rounds_to,
    same_amount,
    speaks_in,
    two_full_names,
)
from assistant.check.verify_local import Judgement, _rationale, figure_conflict, judge
from assistant.types import Passage
from tests.check.conftest import sources_in
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import OpenStore, RunCli


@pytest.fixture
def seeded(seeded_data_dir: Path) -> None:
    """The seeds, stored (see conftest.seeded_data_dir)."""


def check(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("check", *args, "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    payload: dict[str, Any] = result.json()
    return payload


def only_claim(run_cli: RunCli, text: str) -> dict[str, Any]:
    claims = check(run_cli, text, "--engine", "local")["claims"]
    assert len(claims) == 1
    verdict: dict[str, Any] = claims[0]
    return verdict


def assert_verified(verdict: dict[str, Any], open_store: OpenStore) -> None:
    with open_store() as store:
        for c in verdict["citations"]:
            article = store.article(c["article_id"])
            assert article is not None and article.text[c["start"]:c["end"]] == c["quote"]


@pytest.mark.usefixtures("seeded")
def test_dillon_example_is_supported_by_one_independent_source(run_cli: RunCli, open_store: OpenStore) -> None:
    v = only_claim(run_cli, "Col. Ryan Dillon estimated that around 2,000 Daesh militants were in Raqqa.")
    assert v["verdict"] == "supported" and v["independent_sources"] == 1
    assert len(v["citations"]) == 1 and "Ryan Dillon" in v["citations"][0]["quote"]
    assert "2,000" in v["citations"][0]["quote"]
    assert_verified(v, open_store)


@pytest.mark.usefixtures("seeded")
def test_airwars_example_is_cited_once_per_story(run_cli: RunCli, open_store: OpenStore) -> None:
    v = only_claim(run_cli, "Airwars says 744 civilians were killed in coalition strikes in June.")
    assert v["verdict"] == "supported" and v["independent_sources"] == 1
    assert len(v["citations"]) == 1 and "744" in v["citations"][0]["quote"]
    assert_verified(v, open_store)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("claim", "slot"), [
    ("Airwars says 603 civilians were killed in coalition strikes in June.", "number: claim 603, source 744"),
    ("Col. Ryan Dillon estimated that around 5,000 Daesh militants were in Raqqa.", "number: claim 5000"),
    ("The coalition says 744 civilians were killed in coalition strikes in June.", "attribution: claim coalition"),
    ("Ain Issa is 80 kilometres north of Raqqa.", "number: claim 80 kilometres, source 50 kilometres"),
    ("The US-backed forces spent months encircling Raqqa and finally broke into it in early May.",
     "date: claim May, source June"),
])
def test_conflicting_slots_contradict(run_cli: RunCli, open_store: OpenStore, claim: str, slot: str) -> None:
    v = only_claim(run_cli, claim)
    assert v["verdict"] == "contradicted", v
    assert slot in v["decided_by"]
    assert v["citations"]
    assert_verified(v, open_store)


def _judged(claim: str, evidence: Sentence, **context: Any) -> Judgement:
    """The rules' judgement of a claim against one sentence, the claim's slots read as `check` reads them."""
    return judge(claim, extract(claim), evidence, **context)


def _sentence(text: str) -> Sentence:
    passage = Passage(chunk_id="a:0", article_id="a", title="t", source="s", date=None, text=text, start=0,
                      end=len(text), score=1.0)
    return Sentence(passage=passage, number=1, start=0, end=len(text), score=1.0)


def test_a_number_under_another_counted_noun_is_the_same_figure() -> None:
    # a WiCE web page (Express Catering's IPO): the sentence has the claim's 327.5 million as "units"
    evidence = _sentence("Express Catering floated 327.5 million units, representing 20 per cent of its 1.63 "
                         "billion shares.")
    claim = "Express Catering floated 327.5 million shares."
    assert _judged(claim, evidence).relation != "conflict"
    edited = "Express Catering floated 372.5 million shares."
    # compared with the figure floated (its words around it match), not the 1.63 billion shares in all
    assert _judged(edited, evidence).decided_by == "number: claim 372500000, source 327500000"


def test_a_number_conflict_names_the_nearest_figure_of_the_same_unit() -> None:
    evidence = _sentence("The council cut 1,200 jobs in 2019 and 40 jobs in 2020.")
    claim = "The council cut 45 jobs."
    assert _judged(claim, evidence).decided_by == "number: claim 45, source 40"


def test_a_figure_the_claim_itself_states_is_no_rival_of_its_other_figures() -> None:
    # a blind newsroom claim (Al-Monitor on Jordan and Iraq): "topped $1 billion ... did not exceed $600 million"
    # had been contradicted as "claim 1 billion, source 600 million" by the sentence holding the claim's own $600m
    evidence = _sentence("Darawi said that in the first 10 months of 2018, Jordanian exports to Iraq did not exceed "
                         "$600 million.")
    claim = ("Jordan's exports to Iraq, once above $1 billion a year, did not exceed $600 million in the first 10 "
             "months of 2018.")
    assert _judged(claim, evidence).relation != "conflict"
    edited = claim.replace("$600 million", "$700 million")
    assert _judged(edited, evidence).decided_by.endswith("source 600000000")


def test_a_figure_of_an_earlier_period_or_a_year_the_claim_names_is_no_rival() -> None:
    # SummEdits' training half: consistent earnings-call summaries had been contradicted by prior-year figures
    evidence = _sentence("We reported record earnings from continuing operations of $130.4 million, roughly double "
                         "the prior-year levels of $64.2 million.")
    claim = "Earnings from continuing operations reached $130.4 million, and adjusted earnings were $127.1 million."
    assert _judged(claim, evidence).relation != "conflict"
    evidence = _sentence("Home deliveries for the 2020 fourth quarter are expected to reach 2,500 units.")
    claim = "Home deliveries for 4Q 2020 are expected to reach 2,500 units."
    assert _judged(claim, evidence).relation != "conflict"
    edited = "Home deliveries for 4Q 2020 are expected to reach 2,900 units."
    assert _judged(edited, evidence).decided_by == "number: claim 2900, source 2500"


def test_a_year_the_claim_names_is_not_compared_as_a_count() -> None:
    # Climate-FEVER's training half: "since 1970" had been contradicted as "number: claim 1970, source 1"
    evidence = _sentence("The temperature record shows global warming of around 1 °C since the pre-industrial period, "
                         "although the bulk of this (0.9°C) has occurred since 1970.")
    claim = "The sun has not warmed since 1970 and so cannot be driving global warming."
    assert not _judged(claim, evidence).decided_by.startswith("number:")
    counted = "The sun has not warmed since 1970 and warming of around 3 °C since the pre-industrial period."
    assert _judged(counted, evidence).decided_by == "number: claim 3, source 1"


def test_a_span_of_years_is_two_years_never_a_count() -> None:
    # WiCE's training half: "during the 2018–19 academic year" had been contradicted as "number: claim 19, source 2019"
    evidence = _sentence("Full implementation of the name change will take place over the coming 2018-2019 academic "
                         "year.")
    claim = "Full implementation of the name change is taking place during the 2018–19 academic year."
    assert _judged(claim, evidence).relation != "conflict"
    assert extract(claim).years == {2018, 2019} and not extract(claim).quantities
    edited = "Full implementation of the name change is taking place during the 2020–21 academic year."
    assert _judged(edited, evidence).decided_by == "date: claim 2020, source 2018"


def test_a_rule_support_needs_the_claims_dates_in_the_sentence() -> None:
    # a wheel user's check of an MTV page: "kicks off in September" had been supported by "kicks off in August",
    # the sentence's "October" matching the claim's other month
    evidence = _sentence("\"We'll be closing out the shows, as far as we know,\" Velvet guitarist Slash said with a "
                         "gravelly laugh, adding that the trek, which kicks off in August, will run through October.")
    claim = "Slash said the trek kicks off in September and will run through October."
    assert _judged(claim, evidence).relation != "support"
    right = "Slash said the trek kicks off in August and will run through October."
    assert _judged(right, evidence).relation == "support"
    # run D2: a date of the claim that no aligned sentence states, where the sentence states another
    assert _judged(claim, evidence).decided_by == "date: claim September, source August"
    stated = frozenset({"september", "october", "august"})  # the claim's September dates another sentence's event
    assert _judged(claim, evidence, dates_stated=stated).relation != "conflict"


def test_one_role_given_to_two_people_is_a_name_conflict() -> None:
    # a wheel user's check of an MTV page: "with director Brendan O'Brien" (the album's producer, named elsewhere in
    # the passage) had been supported by the sentence naming director Dean Karr
    evidence = _sentence("Velvet Revolver recently shot a video for Libertad's first single, \"She Builds Quick "
                         "Machines,\" with director Dean Karr (Marilyn Manson, Deftones).")
    claim = "Velvet Revolver shot the video for She Builds Quick Machines with director Brendan O'Brien."
    assert _judged(claim, evidence).decided_by == "name: claim Brendan O'Brien, source Dean Karr"
    right = "Velvet Revolver shot the video for She Builds Quick Machines with director Dean Karr."
    assert _judged(right, evidence).relation != "conflict"
    assert role_swaps("Coach Bill Belichick praised him.", "Belichick praised him, coach Bill Belichick said.") == []


def test_a_placing_conflicts_with_the_sentences_other_placing() -> None:
    # a wheel user's check of a bodybuilding page: "finished second" had been supported where the page says fifth
    evidence = _sentence("The 2007 Mr. Olympia proved to be widely controversial as Dennis Wolf ended up placing "
                         "fifth in what could have been a historical finish for the young bodybuilder.")
    claim = "Dennis Wolf finished second at the 2007 Mr. Olympia."
    assert _judged(claim, evidence).decided_by == "placing: claim second, source fifth"
    right = "Dennis Wolf finished fifth at the 2007 Mr. Olympia."
    assert _judged(right, evidence).relation != "conflict"
    assert placings("his third-place finish at the 2013 Mr. Olympia") == {3: "third"}
    assert placings("the first place to visit; he took the first step") == {}


def test_a_place_an_organisation_is_based_in_and_a_students_year_are_compared() -> None:
    # a wheel user's draft: "from Manchester-based Bossa Studios" had been supported by "London-based Bossa Studios";
    # and "named first-team All-SEC as a senior in 2013" by the page's "as a junior in 2013"
    made = _sentence("The first game built on the platform: made by London-based Bossa Studios, Worlds Adrift will "
                     "be a massive multiplayer game.")
    claim = "Its first game is Worlds Adrift, from Manchester-based Bossa Studios."
    assert _judged(claim, made).decided_by == "name: claim Manchester, source London"
    assert base_swaps("from London-based Bossa Studios.", made.text) == []
    honours = _sentence("He earned first-team All-Southeastern Conference honors as a junior in 2013 at Missouri.")
    senior = "At Missouri, Ealy was named first-team All-Southeastern Conference as a senior in 2013."
    assert _judged(senior, honours).decided_by == "antonym: claim senior, source junior"


def test_a_hedged_figure_is_the_sentences_figure_at_its_own_precision() -> None:
    # Climate-FEVER's training half: "around 7m" had been contradicted by "7.2 metres"
    evidence = _sentence("The Greenland ice sheet, if melted, would cause sea levels to rise by 7.2 metres.")
    claim = "The Greenland ice sheet would raise sea levels by around 7m should it melt."
    assert _judged(claim, evidence).relation != "conflict"
    for edited in ("The Greenland ice sheet would raise sea levels by 7m should it melt.",
                   "The Greenland ice sheet would raise sea levels by around 9m should it melt."):
        assert _judged(edited, evidence).decided_by.startswith("number: claim ")
    assert not rounds_to(quantities("$4.9 billion")[0], quantities("$4.5 billion")[0])


def test_a_figure_with_no_counted_noun_is_compared_by_the_words_around_it() -> None:
    # a BBC page on Russia's pensions: "12 million are still working" counts pensioners as much as the claim does
    evidence = _sentence("Of Russia's 43 million pensioners, 12 million are still working.")
    claim = "Some 21 million Russian pensioners are still working."
    assert _judged(claim, evidence).decided_by == "number: claim 21000000, source 12000000"


def test_times_and_lengths_are_compared_after_conversion() -> None:
    evidence = _sentence("The new road is 31 miles long and took 21 days to resurface.")
    for claim in ("The new road is 50 km long.", "The new road took three weeks to resurface."):
        assert _judged(claim, evidence).relation != "conflict", claim
    edited = "The new road is 35 miles long."
    assert _judged(edited, evidence).decided_by == "number: claim 35 miles, source 31 miles"
    # a Variety page: "seven days left to shoot" on a film that the claim gives "two weeks of shooting"
    weeks = "The new road took two weeks to resurface."
    assert _judged(weeks, evidence).decided_by == "number: claim 2 weeks, source 21 days"
    kilograms = "The new road is 31 kg."  # a weight is no length: never compared with the 31 miles
    assert _judged(kilograms, evidence).relation != "conflict"


def test_figures_of_one_counted_thing_are_compared_in_a_sentence_sharing_fewer_words() -> None:
    # a Guardian page on India's ruling: the claim shares few of the sentence's words, but the bench is the same
    evidence = _sentence("A five-judge bench at the country's highest court ruled that a 160-year-old law banning "
                         "sex against the order of nature amounted to discrimination.")
    claim = "A seven-judge bench struck down India's ban on gay sex."
    assert _judged(claim, evidence).decided_by == "number: claim 7, source 5"
    other = "Seven judges of the bench visited Delhi on a state trip."  # judges, but nothing else in common
    assert _judged(other, evidence).relation != "conflict"


def test_a_statement_confirmed_by_another_speaker_is_an_attribution_conflict() -> None:
    # a Salt Lake Tribune page: the university's spokesman confirmed it, not the group's leader quoted elsewhere
    evidence = _sentence("University spokesman Chris Nelson confirmed the group of about 11 men was on campus Saturday "
                         "afternoon around 1:45 p.m.")
    claim = "Patrick Casey confirmed that the group was on campus on Saturday afternoon."
    assert _judged(claim, evidence).decided_by == (
        "attribution: claim patrick casey, source chris nelson")
    same = "Chris Nelson confirmed that the group was on campus on Saturday afternoon."
    assert _judged(same, evidence).relation != "conflict"


def test_a_speaker_the_sentence_has_speaking_is_no_other_speaker() -> None:
    # a Kyiv travel page: the claim's speakers are the sentence's own, whoever else the sentence cites, so the
    # conflict named is the true one (good / poor), not "attribution: claim modern, source results of ..."
    evidence = _sentence("However, modern architects confirm that the House with Chimeras is in poor condition today, "
                         "as its facade is covered with cracks, and according to the results of specialists' "
                         "investigation works, the whole building sinks down the slope.")
    claim = "Modern architects say the House with Chimeras is in good condition today."
    assert _judged(claim, evidence).decided_by == "antonym: claim good, source poor"
    assert speaks_in("modern", evidence.text) and not speaks_in("specialists", evidence.text)


def test_a_span_in_other_units_is_the_same_amount() -> None:
    # a CNBC page: "the first federal executions in nearly two decades"
    decades, years = quantities("in nearly two decades")[0], quantities("in almost 20 years")[0]
    assert same_amount(decades, years) and same_amount(years, decades)
    assert not same_amount(years, quantities("in 16 years")[0])
    assert not same_amount(years, quantities("20 kilometres")[0])


def test_a_currency_figures_suffix_is_its_scale() -> None:
    assert [(q.value, q.unit) for q in quantities("saving $4.5m a year, and a $10k grant")] == [
        (4_500_000.0, "dollar"), (10_000.0, "dollar")]
    assert [(q.value, q.unit) for q in quantities("He ran the 100m sprint.")] == [(100.0, "metre")]
    evidence = _sentence("The city council voted on Monday to cut 12 bus routes, saving $4.5 million a year.")
    claim = "The council voted to cut 12 bus routes, saving $4.5m a year."
    assert _judged(claim, evidence).relation == "support"


def test_people_individuals_and_persons_are_one_counted_noun() -> None:
    # a CNBC page: "26 people" against "62 individuals" is a number conflict, quoting that sentence
    evidence = _sentence("There are 62 individuals on federal death row, according to a tracker.")
    claim = "There are 26 people on federal death row."
    assert _judged(claim, evidence).decided_by == "number: claim 26, source 62"
    same = "There are 62 persons on federal death row."
    assert _judged(same, evidence).relation != "conflict"


def test_a_name_is_found_only_where_all_its_words_are() -> None:
    # a Daily Mail page read by a wheel user: the sentence says "Virgin Galactic", the passage "Virgin" alone
    text = ("Ned RocknRoll is the nephew of Richard Branson, founder of Virgin. Rocknroll, who changed his name "
            "from Abel Smith, works for his uncle's space flight company, Virgin Galactic.")
    start = text.index("Rocknroll, who")
    passage = Passage(chunk_id="a:0", article_id="a", title="t", source="s", date=None, text=text, start=0,
                      end=len(text), score=1.0)
    evidence = Sentence(passage=passage, number=1, start=start, end=len(text), score=1.0)
    claim = "Rocknroll works for Virgin Atlantic."
    assert _judged(claim, evidence).relation != "support"
    named = "Rocknroll works for Virgin Galactic."
    assert _judged(named, evidence).decided_by.endswith("names found in the sentence")
    surname = "Smith works for Virgin Galactic."  # the surname of the sentence's "Abel Smith"
    assert _judged(surname, evidence).relation == "support"


def test_a_date_the_other_evidence_states_is_not_contradicted_by_another_sentences_date() -> None:
    # a CNBC page: "outlawed ... in 1972" is about another event when "reinstated in 1988" is also aligned
    evidence = _sentence("The Supreme Court outlawed state and federal death penalty laws in the 1972 decision "
                         "Furman v. Georgia.")
    claim = "The federal death penalty was brought back in 1988."
    assert _judged(claim, evidence).decided_by == "date: claim 1988, source 1972"
    assert _judged(claim, evidence, dates_stated=frozenset({1988, 1994})).relation != "conflict"
    edited = "The federal death penalty was brought back in 1989."  # no evidence states 1989: still a conflict
    assert _judged(edited, evidence, dates_stated=frozenset({1988})).relation == "conflict"


def test_a_name_put_in_anothers_place_at_the_end_of_the_claim_is_a_swap() -> None:
    # a Jamaica Observer page: the first Starbucks store opens in Montego Bay, not Kingston
    evidence = _sentence("Jamaica will be Starbucks 17th market in the region, with the first store slated to open "
                         "in Montego Bay.")
    claim = "Jamaica's first Starbucks store is slated to open in Kingston."
    assert _judged(claim, evidence).decided_by == "name: claim Kingston, source Montego Bay"
    assert name_swaps("The talks were held in Paris.", "The talks were held in Paris on Monday.") == []
    assert name_swaps("He met Dillon.", "He met the press.") == []  # too few matching words before it


def test_the_doer_and_target_of_one_verb_swapped_is_a_conflict() -> None:
    evidence = _sentence("NORTHPORT — Dana Okafor defeated incumbent Lewis Brandt by five votes to four on Tuesday "
                         "to become chair of the harbour board.")
    swapped = "Lewis Brandt defeated Dana Okafor to become chair of the harbour board."
    assert _judged(swapped, evidence).decided_by == (
        "roles: claim Lewis Brandt defeated Dana Okafor, source Dana Okafor defeated Lewis Brandt")
    passive = "Brandt was defeated by Okafor to become chair of the harbour board."  # the same roles, other voice
    assert _judged(passive, evidence).relation != "conflict"
    passive_swapped = "Okafor was defeated by Brandt in the vote for chair of the harbour board."
    assert _judged(passive_swapped, evidence).decided_by.startswith("roles:")
    met = _sentence("Dana Okafor met Lewis Brandt on Tuesday at the harbour board.")
    symmetric = "Lewis Brandt met Dana Okafor on Tuesday at the harbour board."  # meeting goes both ways
    assert _judged(symmetric, met).relation != "conflict"


def test_a_word_the_claim_asserts_and_the_parse_shows_denied_is_a_negation_conflict() -> None:
    plans = _sentence("\"It is as tough as we expected but there is no surprise in that, so there are not currently "
                      "any plans to require more forces,\" Jones added.")
    claim = "Jones said there are plans to send more forces."
    assert _judged(claim, plans).decided_by == "negation: claim plan, source not plan"
    negated = "Jones said no more forces are currently planned."  # a negation of its own: the model's call
    assert _judged(negated, plans).relation != "conflict"
    approved = _sentence("The harbour board approved the dredging budget on Tuesday.")
    denied = "The harbour board did not approve the dredging budget on Tuesday."  # the claim denies, the source says
    assert _judged(denied, approved).decided_by == "negation: claim not approve, source approve"
    ceo = _sentence("Maria Lind is no longer the chief executive of Harbour Freight, the company said on Monday.")
    still = "Maria Lind is the chief executive of Harbour Freight, the company said."
    assert _judged(still, ceo).decided_by == "negation: claim executive, source not executive"
    # a cue that denies nothing the claim asserts: a bound, a degree, "not only", "not until", another clause
    for text, claim in [("Not only did Lind win the vote, she also set a record turnout in the harbour ward.",
                         "Lind won the vote in the harbour ward."),
                        ("The harbour budget was not approved until March, the board said.",
                         "The harbour budget was approved in March, the board said."),
                        ("Sea levels at the harbour are not rising as fast as the board predicted.",
                         "Sea levels at the harbour are rising, the board predicted."),
                        ("The board approved the harbour budget, though critics said it would not work.",
                         "The board approved the harbour budget.")]:
        assert _judged(claim, _sentence(text)).relation != "conflict", claim


def test_a_verb_joined_to_another_shares_its_doer_and_one_year_is_a_span() -> None:
    evidence = _sentence("Charlie Russell, though, had always advocated taking precautions, like carrying pepper "
                         "spray, and had criticized Timothy Treadwell for not doing so.")
    reversed_ = "Timothy Treadwell had criticized Charlie Russell for failing to carry pepper spray."
    assert _judged(reversed_, evidence).decided_by == (
        "roles: claim Timothy Treadwell criticized Charlie Russell, "
        "source Charlie Russell criticized Timothy Treadwell")
    text = ("Charlie Russell befriended bears. Mr. Russell, though, had always advocated taking precautions, like "
            "carrying pepper spray, and had criticized Mr. Treadwell for not doing so.")
    passage = Passage(chunk_id="a:0", article_id="a", title="t", source="s", date=None, text=text, start=0,
                      end=len(text), score=1.0)
    honorifics = Sentence(passage=passage, number=2, start=text.index("Mr."), end=len(text), score=1.0)
    assert _judged(reversed_, honorifics).decided_by == (
        "roles: claim Timothy Treadwell criticized Charlie Russell, source Russell criticized Treadwell")
    assert [(q.value, q.unit) for q in quantities("in just one year, one day")] == [(1.0, "year")]
    span = _sentence("Union membership among government workers collapsed, dropping to 37 percent in just one year.")
    four = "Union membership among government workers dropped to 37 percent over four years."
    assert _judged(four, span).decided_by == "number: claim 4 years, source 1 year"


def test_a_full_name_in_another_full_names_place_is_a_swap_though_the_passage_names_both() -> None:
    text = ("Understudy to Jens Lehmann at Euro 2008, he was in line to secure the starting place before falling ill. "
            "In that time Rene Adler increased his chances of taking the role.")
    passage = Passage(chunk_id="a:0", article_id="a", title="t", source="s", date=None, text=text, start=0,
                      end=len(text), score=1.0)
    sentence = Sentence(passage=passage, number=1, start=0, end=text.index(" In that"), score=1.0)
    claim = "Robert Enke was understudy to Rene Adler at Euro 2008 and in line to secure the starting place."
    assert _judged(claim, sentence).decided_by == "name: claim Rene Adler, source Jens Lehmann"
    assert not two_full_names("Prime Minister", "Jens Lehmann")  # an office may stand for its holder
    assert not two_full_names("Charlie Russell", "Mr. Treadwell")  # an honorific is no word of the name


def test_an_honorific_is_no_word_of_the_speakers_name() -> None:
    # "Ms Ardern said" had been an attribution conflict with "Jacinda Ardern said": "ms" is no word of her name
    evidence = _sentence("Ms Ardern said the country would reopen its borders in April.")
    claim = "Jacinda Ardern said the country would reopen its borders in April."
    assert _judged(claim, evidence).relation != "conflict"
    other = "Grant Robertson said the country would reopen its borders in April."
    assert _judged(other, evidence).decided_by == "attribution: claim grant robertson, source ms ardern"


def test_a_figure_said_twice_is_read_where_it_stands() -> None:
    # the words before a figure are read at the mention the figure was read from, not at its first mention
    text = "The plant made 30 tonnes in May, compared with 30 tonnes in May last year."
    first, second = [q for q in quantities(text) if q.value == 30]
    assert (first.at, second.at) == (text.index("30"), text.rindex("30"))
    assert earlier_figure(second, text) and not earlier_figure(first, text)


def test_a_day_of_the_month_is_compared_only_with_days() -> None:
    died = _sentence("Charlie Russell, a Canadian naturalist, died on May 7 in Calgary, Alberta.")
    claim = "Canadian naturalist Charlie Russell died at 76 in Calgary on May 7, his brother Gordon said."
    assert _judged(claim, died).relation != "conflict"  # 76 is his age, 7 the day
    assert [(q.value, q.unit) for q in quantities("on Sept. 30, the 7th of May, after 30 days")] == [
        (30.0, "day of the month"), (7.0, "day of the month"), (30.0, "day")]
    seventeenth = "Canadian naturalist Charlie Russell died in Calgary on May 17."
    named = _judged(seventeenth, died).decided_by
    assert named == "date: claim day 17 of the month, source day 7"  # the audit had listed it as a "number" conflict
    assert figure_conflict(named) and figure_conflict("number: claim 5, source 6") and not figure_conflict("date: a")


def test_hyphenated_figures_and_a_fortnight_are_read_with_their_unit() -> None:
    assert [(q.value, q.unit) for q in quantities("ending Brandt's eight-year tenure on a 50-mile route")] == [
        (50.0, "mile"), (8.0, "year")]
    assert same_amount(quantities("take a fortnight")[0], quantities("take two weeks")[0])
    # a number inside a code is a figure too: "until the end of Q2" against "the start of Q3" is an edit
    assert [q.value for q in quantities("until the end of Q2")] == [2.0]
    evidence = _sentence("The dredging is expected to cost about 3.2 million pounds and take a fortnight.")
    claim = "The dredging will take three weeks."
    assert _judged(claim, evidence).decided_by == "number: claim 3 weeks, source 1 fortnight"
    tenure = _sentence("Dana Okafor defeated Lewis Brandt, ending Brandt's nine-year tenure as chair.")
    eight = "Brandt had been chair for eight years before Okafor defeated him."
    assert _judged(eight, tenure).decided_by == "number: claim 8 years, source 9 years"


def test_months_are_month_names_not_the_verb_or_a_surname() -> None:
    assert months("The SDF entered Raqqa in early May.") == {"may"}
    assert months("Theresa May said it may rain in June.") == {"june"}
    assert months("In March 2021 and on 3 April, power failed.") == {"march", "april"}
    assert months("May I say it may be late?") == set()


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("claim", "verdict", "quoted"), [
    # worded as a reporter would, not as the source does (issue 13's seeds examples)
    ("Airwars is a Paris-based collective of journalists and researchers.", "contradicted", "London-based"),
    # the model reads the window around it as entailing (p 0.83); the parse shows "plans" denied
    ("Jones said there are plans to send more forces to Raqqa.", "contradicted", "not currently any plans"),
    # since run J: "planned" / "plans" and "troops" / "forces" count as the same words in the rules' coverage
    ("Jones said no more troops are currently planned.", "supported", "not currently any plans"),
    ("Daesh is defeated with the liberation of Raqqa.", "contradicted", "not defeated"),
    # the other outlet's house style ("US" for "U.S."): the model alone reads this copy as a contradiction
    ("According to the coalition, 603 civilians have been killed in US-led strikes on Iraq and Syria.", "supported",
     "603 civilians"),
])
@pytest.mark.slow  # paraphrases: the real model's retrieval
def test_paraphrased_claims_get_the_right_verdict_and_quote(run_cli: RunCli, open_store: OpenStore, claim: str,
                                                            verdict: str, quoted: str) -> None:
    v = only_claim(run_cli, claim)
    assert v["verdict"] == verdict, v
    assert any(quoted in c["quote"] for c in v["citations"]), v["citations"]
    assert_verified(v, open_store)


@pytest.mark.usefixtures("seeded")
def test_a_claim_in_another_language_says_the_engine_reads_english_only(run_cli: RunCli) -> None:
    result = check(run_cli, "伦敦的Airwars组织说，6月份有744名平民在联军空袭中丧生。", "--engine", "local")
    assert result["claims"] and all(c["decided_by"].startswith("language:") for c in result["claims"])
    assert any("English only" in w for w in result["warnings"])
    assert not any("no check-worthy claim" in w for w in result["warnings"])


@pytest.mark.usefixtures("seeded")
@pytest.mark.slow  # spelling variants: the real model's retrieval
def test_units_and_spelling_variants_still_support(run_cli: RunCli) -> None:
    v = only_claim(run_cli, "Ain Issa is 50 km north of Raqqa.")
    assert v["verdict"] == "supported", v


@pytest.mark.usefixtures("seeded")
def test_unrelated_claim_has_not_enough_evidence(run_cli: RunCli) -> None:
    v = only_claim(run_cli, "The mayor of Raqqa resigned on Tuesday after a corruption scandal.")
    assert v["verdict"] == "not_enough_evidence" and v["citations"] == []


@pytest.mark.slow  # the real model's alignment: the hashing embedder aligns no sentence with this claim
@pytest.mark.usefixtures("seeded")
def test_an_unsettled_claim_shows_the_closest_evidence_read_and_cites_none(run_cli: RunCli,
                                                                          open_store: OpenStore) -> None:
    v = only_claim(run_cli, "The coalition plans to withdraw from Syria by next spring.")
    assert v["verdict"] == "not_enough_evidence" and v["citations"] == []
    quotes = [c["quote"] for c in v["nearest"]]
    assert len(quotes) == 2 and any("coalition" in q for q in quotes), v
    # the two copies of the seed story reprint their opening sentence: it is shown once
    assert sum("AIN ISSA" in q for q in quotes) == 1
    assert_verified({"citations": v["nearest"]}, open_store)


def test_sources_that_disagree_make_a_claim_disputed(run_cli: RunCli, corpus: Path) -> None:
    (corpus / "a.md").write_text("---\ntitle: Bridge opens\nsource: Daily Planet\ndate: 2024-03-01\n---\n"
                                 "The new Elm Street bridge cost 40 million dollars to build, city officials said.\n"
                                 "It opened to traffic on Monday.\n", encoding="utf-8")
    (corpus / "b.md").write_text("---\ntitle: Audit questions bridge budget\nsource: Gotham Gazette\n"
                                 "date: 2024-03-09\n---\nAn audit released this week found that the Elm Street "
                                 "bridge cost 65 million dollars to build.\nAuditors blamed delays.\n",
                                 encoding="utf-8")
    assert run_cli("ingest", corpus).exit_code == 0
    v = only_claim(run_cli, "The Elm Street bridge cost 40 million dollars to build.")
    assert v["verdict"] == "disputed", v
    assert v["independent_sources"] == 2 and {c["source"] for c in v["citations"]} == {"Daily Planet",
                                                                                        "Gotham Gazette"}


def test_copies_of_one_story_that_disagree_make_a_claim_disputed(run_cli: RunCli, corpus: Path) -> None:
    story = ("NORTHPORT — The city council voted on Tuesday to cut {routes} bus routes from January, saving about "
             "4.5 million dollars a year.\nThe mayor said the cuts were painful but necessary.\nRiders' groups "
             "said they would challenge the decision in court, and a hearing is set for next month.\n")
    for name, outlet, routes in (("gazette.md", "Northport Gazette", "12"), ("wire.md", "Coastal Wire", "15")):
        (corpus / name).write_text(f"---\ntitle: Council cuts bus routes\nsource: {outlet}\ndate: 2026-10-14\n---\n"
                                   + story.format(routes=routes), encoding="utf-8")
    assert run_cli("ingest", corpus).exit_code == 0
    v = only_claim(run_cli, "The council voted to cut 12 bus routes.")
    assert v["verdict"] == "disputed", v
    assert v["decided_by"].startswith("copies disagree: number"), v
    assert v["independent_sources"] == 1  # one story, two copies
    assert {c["source"] for c in v["citations"]} == {"Northport Gazette", "Coastal Wire"}


@pytest.mark.usefixtures("seeded")
def test_draft_skips_questions_and_opinions(run_cli: RunCli) -> None:
    draft = ("Airwars says 744 civilians were killed in coalition strikes in June. Will Raqqa fall this year? "
             "I think the coalition should do more. Frankly, the idea is thrilling. Frankly, 744 is not the end.")
    claims = check(run_cli, draft, "--engine", "local")["claims"]
    assert [c["claim"] for c in claims] == ["Airwars says 744 civilians were killed in coalition strikes in June.",
                                            "Frankly, 744 is not the end."]  # a stance with a figure states it


@pytest.mark.usefixtures("seeded")
def test_a_drafts_joined_clauses_are_checked_one_by_one_and_a_claim_alone_as_written(run_cli: RunCli,
                                                                                     tmp_path: Path) -> None:
    sentence = ("Airwars says 744 civilians were killed in coalition strikes in June, but the coalition says 744 "
                "civilians died.")
    draft = tmp_path / "draft.txt"
    draft.write_text(sentence + "\n", encoding="utf-8")
    claims = check(run_cli, "--file", str(draft), "--engine", "local")["claims"]
    assert [(c["claim"], c["verdict"]) for c in claims] == [
        ("Airwars says 744 civilians were killed in coalition strikes in June.", "supported"),
        ("The coalition says 744 civilians died.", "contradicted")]  # Airwars said it, not the coalition
    assert [c["claim"] for c in check(run_cli, sentence, "--engine", "local")["claims"]] == [sentence]


@pytest.mark.usefixtures("seeded")
def test_empty_and_huge_drafts(run_cli: RunCli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run_cli("check", "--file", str(empty), "--engine", "local")
    assert result.exit_code == 1 and "empty" in result.stderr and "Traceback" not in result.output
    huge = tmp_path / "huge.txt"
    huge.write_text(("Raqqa is a city in Syria. " * 40_000)[:1_000_000], encoding="utf-8")
    payload = check(run_cli, "--file", str(huge), "--engine", "local")
    assert len(payload["claims"]) == 200 and any("were not checked" in w for w in payload["warnings"])


@pytest.mark.usefixtures("seeded")
def test_a_malformed_batch_line_is_named_and_the_rest_of_the_batch_is_checked(run_cli: RunCli, tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text('{"id": "a", "text": "Airwars says 744 civilians were killed in coalition strikes in June."}\n'
                     '{"id": "b", "statement": "wrong field"}\n{"id": "c", \n'
                     '{"id": "d", "claim": "Airwars is a London-based collective."}\n', encoding="utf-8")
    result = run_cli("check", "--batch", str(batch), "--engine", "local")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{batch}:2: expected an object with a string 'text' or 'claim'" in result.stderr
    assert f"{batch}:3: malformed JSON" in result.stderr
    import json
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in records] == ["a", "b", "3", "d"]  # an unreadable line's own id where it has one
    assert records[0]["claims"][0]["verdict"] == records[3]["claims"][0]["verdict"] == "supported"
    assert "error" in records[1] and "error" in records[2]


@pytest.mark.usefixtures("seeded")
def test_a_dash_claim_reads_the_draft_from_stdin(run_cli: RunCli) -> None:
    result = run_cli("check", "-", "--engine", "local", "--json", input="Airwars is a London-based collective.\n")
    assert result.exit_code == 0, result.output
    import json
    assert json.loads(result.stdout)["claims"][0]["claim"].startswith("Airwars is a London-based")


@pytest.mark.usefixtures("seeded")
def test_batch_mode_answers_each_record_with_its_id(run_cli: RunCli, tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text('{"id": "a", "text": "Airwars says 744 civilians were killed in coalition strikes in June."}\n'
                     '{"id": "b", "text": "   "}\n', encoding="utf-8")
    result = run_cli("check", "--batch", str(batch), "--engine", "local")
    assert result.exit_code == 1  # as in ingest: the good records are done, the bad one is named
    assert f"{batch}: record b: nothing to check" in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    import json
    first, second = (json.loads(line) for line in lines)
    assert first["id"] == "a" and first["claims"][0]["verdict"] == "supported"
    assert second["id"] == "b" and "empty" in second["error"]


@pytest.mark.usefixtures("seeded")
def test_a_batch_in_text_format_is_a_table_per_record_and_json_stays_its_default(run_cli: RunCli,
                                                                                 tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text('{"id": "a", "text": "Airwars says 744 civilians were killed in coalition strikes in June."}\n'
                     '{"id": "b", "text": "   "}\n', encoding="utf-8")
    result = run_cli("check", "--batch", str(batch), "--engine", "local", "--format", "text")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not result.stdout.lstrip().startswith("{")  # was JSONL, with no word that text was not given
    assert "record a" in result.stdout and "supported" in result.stdout and "Airwars" in result.stdout
    assert "record b error: nothing to check" in result.stdout
    default = run_cli("check", "--batch", str(batch), "--engine", "local")
    assert default.stdout.startswith('{"id": "a"')


def scripted_checker(body: dict[str, Any]) -> dict[str, Any]:
    """Extract: one claim per line. Verify: supported, quoting each claim's first evidence sentence, except for
    the mayor claim, where it quotes text that is in no source."""
    user = body["messages"][-1]["content"]
    if "<<<TEXT" in user:
        text = user.split("<<<TEXT", 1)[1].split("TEXT>>>", 1)[0]
        return {"claims": [line.strip() for line in text.splitlines() if line.strip()]}
    verdicts = []
    for block in user.split("\n\nClaim ")[0:]:
        number = int(block.removeprefix("Claim ").split(":", 1)[0])
        evidence = [line for line in block.splitlines() if line.startswith("  [1] ")]
        if evidence and "mayor" not in block:
            quote = evidence[0].split(") ", 1)[1]
            verdicts.append({"claim": number, "verdict": "supported", "confidence": 0.8, "rationale": "stated",
                             "citations": [{"evidence": 1, "quote": quote}, {"evidence": 9, "quote": "made up"}]})
        else:
            verdicts.append({"claim": number, "verdict": "supported", "confidence": 0.8, "rationale": "guess",
                             "citations": [{"evidence": 1, "quote": "A quote that is not in any source."}]})
    return {"verdicts": verdicts}


@pytest.mark.usefixtures("seeded")
def test_llm_engine_checks_a_ten_sentence_draft_in_three_calls(fake_openai: FakeOpenAI, run_cli: RunCli,
                                                                tmp_path: Path, open_store: OpenStore) -> None:
    sentences = ["Airwars says 744 civilians were killed in coalition strikes in June",
                 "Col. Ryan Dillon estimated that around 2,000 Daesh militants were in Raqqa",
                 "Ain Issa is 50 kilometres north of Raqqa", "The coalition says 603 civilians were killed",
                 "Rupert Jones is a British major general", "The SDF broke into Raqqa in early June",
                 "The mayor of Raqqa resigned on Tuesday", "Daesh uses tunnel networks in Raqqa",
                 "The air campaign began at the end of 2014", "The Syrian Democratic Forces were created in 2014"]
    draft = tmp_path / "draft.txt"
    draft.write_text("".join(f"{s}.\n" for s in sentences), encoding="utf-8")
    fake_openai.queue(scripted_checker)
    payload = check(run_cli, "--file", str(draft), "--engine", "openai")
    assert len(payload["claims"]) == 10
    assert payload["usage"]["calls"] == len(fake_openai.requests) <= 1 + math.ceil(10 / 8)
    for verdict in payload["claims"]:
        assert_verified(verdict, open_store)
        if verdict["verdict"] == "supported":
            assert verdict["citations"], verdict
    assert any("evidence [9], which does not exist" in w for w in payload["warnings"])
    unverifiable = [v for v in payload["claims"] if v["claim"].startswith("The mayor")]
    assert unverifiable[0]["verdict"] == "not_enough_evidence"  # its only quote was made up


@pytest.mark.usefixtures("seeded")
def test_llm_malformed_output_is_a_clear_error(fake_openai: FakeOpenAI, run_cli: RunCli) -> None:
    fake_openai.queue("{\"claims\": [unterminated")
    result = run_cli("check", "Airwars says 744 civilians died.", "--engine", "openai", "--json")
    assert result.exit_code == 1 and "not valid ClaimList JSON" in result.stderr
    assert "Traceback" not in result.output


def test_sources_in_prompt_helper_is_used() -> None:
    assert sources_in({"messages": [{"role": "user", "content": "x"}]}) == {}


@pytest.mark.usefixtures("seeded")
def test_a_rationale_whose_facts_are_not_in_its_quotes_never_reaches_the_reader(fake_openai: FakeOpenAI,
                                                                                run_cli: RunCli) -> None:
    """Over real HTTP: the model's rationale plants a number its quote does not carry; it is removed and named."""
    def planted(body: dict[str, Any]) -> dict[str, Any]:
        reply = scripted_checker(body)
        for verdict in reply.get("verdicts", []):
            verdict["rationale"] = "The source states it. All 5,000 households lost service for a week."
        return reply

    fake_openai.queue(planted)
    payload = check(run_cli, "Airwars says 744 civilians were killed in coalition strikes in June.",
                    "--engine", "openai")
    [verdict] = payload["claims"]
    assert verdict["verdict"] == "supported" and "744" in verdict["citations"][0]["quote"]
    assert "5,000" not in verdict["rationale"] and "households" not in verdict["rationale"]
    assert any("5,000" in w and "rationale" in w for w in payload["warnings"]), payload["warnings"]


def test_an_age_set_off_by_commas_is_compared_with_a_claims_age() -> None:
    # a blind newsroom claim: "the 22-year-old driver" had been supported; the page says "Kevin Ward Jr., 20, who"
    evidence = _sentence("Stewart struck and killed driver Kevin Ward Jr., 20, who approached his car on foot after "
                         "an on-track incident at Canandaigua Motorsports Park.")
    claim = "Kevin Ward Jr., the 22-year-old driver killed by Stewart's car, had approached it on foot at Canandaigua."
    assert _judged(claim, evidence).decided_by == "number: claim 22 years, source 20 years"
    assert [(q.value, q.unit) for q in quantities("Scores: Dallas, 3, the rest 2")] == [(3.0, ""), (2.0, "")]


def test_a_quote_keeps_the_quote_marks_it_closes_with_where_the_source_has_them() -> None:
    # a wheel user saw "... book is 'Day of Doom." for the page's "... book is 'Day of Doom.'"
    text = "Baldacci's newest 'The 39 Clues' book is 'Day of Doom.'\n\"I had to bring my A-plus game,\" he says."
    sentence = "Baldacci's newest 'The 39 Clues' book is 'Day of Doom.'"
    start, end = locate(sentence, text) or (0, 0)
    assert text[start:end] == sentence
    start, end = locate("I had to bring my A-plus game,", text) or (0, 0)  # marks the quote did not give: not added
    assert text[start:end] == "I had to bring my A-plus game,"


def test_a_contradiction_the_model_reads_is_said_to_be_its_reading() -> None:
    # a wheel user's "costs $79, not counting shipping" against "currently costs $79 (plus shipping)": the model read
    # a contradiction the quote does not state, and the rationale had said the evidence "says otherwise"
    assert _rationale("contradicted", True, []) == "The model reads the quoted evidence as contradicting the claim."
    assert "says otherwise" not in _rationale("contradicted", True, [])


def test_a_time_of_day_is_compared_as_a_time() -> None:
    # a Dorset Echo page: "3pm" against "1pm" had been named "number: claim 3, source 1", a count
    evidence = _sentence("The steps will be opened at 1pm on Easter Saturday, April 20.")
    claim = "The Castle Cove steps will be officially opened at 3pm on Easter Saturday, April 20."
    assert _judged(claim, evidence).decided_by == "time: claim 3 p.m., source 1 p.m."
    assert _judged("The steps will be opened at 1 p.m. on Easter Saturday, April 20.", evidence).relation != "conflict"
    assert clock_times("at 1:30pm and at 10 a.m.") == {13 * 60 + 30: "1:30 p.m.", 600: "10 a.m."}
    assert not [q for q in quantities("opened at 3 p.m. on Saturday") if q.value == 3]


def test_a_vote_cast_the_other_way_is_a_conflict() -> None:
    # a USA TODAY page: "the only Republican to vote against" had supported a claim that she voted for it
    evidence = _sentence("On Friday Morning, Murkowski was the only Republican to vote against a procedural move "
                         "advancing Kavanaugh's nomination.")
    claim = ("On Friday morning Murkowski was the only Republican to vote for a procedural move advancing "
             "Kavanaugh's nomination.")
    assert _judged(claim, evidence).decided_by == "antonym: claim voted for, source voted against"
    same = ("On Friday morning Murkowski was the only Republican to vote against a procedural move advancing the "
            "nomination.")
    assert _judged(same, evidence).relation != "conflict"


def test_an_opposite_verb_is_named_before_an_opposite_preposition() -> None:
    # a preposition's opposite is as likely about another clause; the verb's is the claim's own (a made-up pair)
    evidence = _sentence("Shares in the company fell sharply before the quarterly report was published on Monday.")
    claim = "Shares in the company rose sharply after the quarterly report was published on Monday."
    assert _judged(claim, evidence).decided_by == "antonym: claim rose, source fell"


def test_one_person_given_another_chief_office_is_a_conflict() -> None:
    # a TechCrunch page: "MyHeritage CEO and founder Gilad Japhet" had supported "chief technology officer Gilad Japhet"
    evidence = _sentence("As MyHeritage CEO and founder Gilad Japhet told me, he believes that DNA testing is the "
                         "future of family history.")
    claim = "MyHeritage's chief technology officer Gilad Japhet says DNA testing is the future of family history."
    assert office_swaps(claim, evidence.text) == [("chief technology officer", "chief executive")]
    assert _judged(claim, evidence).decided_by == "office: claim chief technology officer, source chief executive"
    assert not office_swaps("MyHeritage chief executive Gilad Japhet spoke.", evidence.text)


def test_a_named_persons_age_after_is_is_an_age() -> None:
    # a wheel user's draft clause "Ribbon-cutter Brian Wilkins is 92." against a Dorset Echo sentence: the age rule
    # read "Brian Wilkins, 82, who" but not "Brian Wilkins is 92"
    evidence = _sentence("And cutting the ribbon will be Brian Wilkins, 82, who has been using the beach since 1938.")
    assert _judged("Ribbon-cutter Brian Wilkins is 92.", evidence).decided_by == (
        "number: claim 92 years, source 82 years")
    assert [q.unit for q in quantities("Turnout was 62.")] == [""]  # one capitalised word is no full name


def test_a_bound_that_the_source_figure_meets_is_no_conflict() -> None:
    # a wheel user's draft: "blocked off for more than three years" had been contradicted by "blocked off for more
    # than five years" (`number: claim 3 years, source 5 years`), which it follows from
    evidence = _sentence("Castle Cove has been blocked off for more than five years although it has been accessible "
                         "at low tide by walking along the coast.")
    assert _judged("The beach had been blocked off for more than three years.", evidence).relation != "conflict"
    assert _judged("Castle Cove had been blocked off for more than ten years.", evidence).decided_by == (
        "number: claim 10 years, source 5 years")
    assert _judged("Castle Cove has been blocked off for less than three years.", evidence).relation == "conflict"
