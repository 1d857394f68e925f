"""The chat's conversation state without any UI: follow-up rewriting (local carry-over) and the session's filters."""

from __future__ import annotations

import pytest

from assistant.check.conversation import Conversation, Turn, describe_filters, local_rewrite, names, refers_back
from assistant.errors import FactcheckError
from assistant.retrieve import Filters


def history(*queries: str) -> list[Turn]:
    return [Turn(input=q, kind="ask", query=q) for q in queries]


def test_names_keep_their_spelling_and_order_and_drop_question_words() -> None:
    assert names("How many Daesh militants are in Raqqa?") == ["Daesh", "Raqqa"]
    assert names("Did Airwars count them?") == ["Airwars"]
    assert names("When was that?") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Where did he say it?", True), ("when was that?", True), ("and what did Airwars say?", True),
    ("What about the coalition?", True), ("How many?", True),
    ("Who is Ryan Dillon?", False), ("How many civilians were killed?", False),
    ("She said what?", True), ("Who directed the She Builds Quick Machines video?", False),  # a title's "She"
])
def test_what_refers_back(text: str, expected: bool) -> None:
    assert refers_back(text) is expected


def test_a_pronoun_takes_the_names_and_terms_of_the_last_turn() -> None:
    assert local_rewrite("Where did he say it?", history("What did Rupert Jones say about Raqqa?")) == (
        "Where did he say it? (Rupert Jones, Raqqa)")


def test_a_topic_with_a_pronoun_takes_only_the_subject() -> None:
    # a wheel user's "When does his online museum tour take place?" after a /check of Baldacci's novel had been
    # sent with the novel's terms, and answered with the novel's publication date
    turns = history("The Hit, Baldacci's 26th novel, comes out on April 23.")
    assert local_rewrite("When does his online museum tour take place?", turns) == (
        "When does his online museum tour take place? (Hit, Baldacci's)")


def test_a_new_subject_takes_only_the_topic() -> None:
    turns = history("How many Daesh militants are in Raqqa?")
    assert local_rewrite("and what did Airwars say?", turns) == "and what did Airwars say? (militants)"


def test_a_chain_of_follow_ups_keeps_the_subject() -> None:
    conversation = Conversation()
    for text in ("How many civilians did Airwars say were killed?", "when was that?", "and where?"):
        query = conversation.standalone(text, None).query
        conversation.record(Turn(input=text, kind="ask", query=query))
    assert [t.query for t in conversation.turns][1:] == [
        "when was that? (Airwars, civilians, killed)", "and where? (Airwars, civilians, killed)"]


def test_standalone_questions_and_first_turns_are_left_alone() -> None:
    assert local_rewrite("Who is Ryan Dillon?", history("How many Daesh militants are in Raqqa?")) == (
        "Who is Ryan Dillon?")
    assert Conversation().standalone("Where did he say it?", None).query == "Where did he say it?"


def test_filters_merge_validate_and_clear() -> None:
    conversation = Conversation()
    conversation.update_filters("source=a,b since='July 1, 2017'", known_sources={"a", "b"})
    assert conversation.filters == Filters(sources=["a", "b"], since="2017-07-01")
    conversation.update_filters("until=2017-12-31")
    assert describe_filters(conversation.filters) == "source=a,b since=2017-07-01 until=2017-12-31"
    for bad, message in [("since=notadate", "not a date"), ("colour=red", "unknown filter"),
                         ("source=c", "no article has source 'c'"), ("since=2018-01-01", "is after until"),
                         ("source='unclosed", "cannot read")]:
        with pytest.raises(FactcheckError, match=message):
            conversation.update_filters(bad, known_sources={"a", "b"})
    assert describe_filters(conversation.filters) == "source=a,b since=2017-07-01 until=2017-12-31"  # unchanged
    conversation.update_filters("since=")
    assert conversation.filters.since is None
    conversation.clear_filters()
    assert conversation.filters.empty and describe_filters(conversation.filters) == "no filter"
