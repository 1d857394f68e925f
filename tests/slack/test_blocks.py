"""Block Kit rendering within Slack's limits, and how a request's text is read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.slack.blocks import MAX_BLOCKS, MAX_TEXT, escape, render_answer, render_check, truncate
from assistant.slack.triggers import clean_text
from assistant.slack.work import is_question
from assistant.types import Answer, CheckResult, Citation, Verdict


def _citation(n: int, quote_chars: int = 200) -> Citation:
    quote = (f"Quote {n} <with> & marks " + "word " * quote_chars)[:quote_chars]
    return Citation(chunk_id=f"a{n}:0001", article_id=f"a{n}", title=f"Title {n} " + "t" * 300, source=f"outlet{n}",
                    date="2017-07-24", quote=quote, start=0, end=len(quote))


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [element["text"] for element in block.get("elements", [])]
    return found


def _assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for text in _texts(blocks):
        assert 0 < len(text) <= MAX_TEXT


def test_a_draft_of_80_claims_stays_within_50_blocks_and_3000_chars() -> None:
    verdicts = [Verdict(claim=f"Claim {n}: " + "x" * 5000, verdict=("supported", "contradicted", "disputed",
                                                                     "not_enough_evidence")[n % 4],
                        confidence=0.9, rationale="r", decided_by="coverage",
                        citations=[_citation(n, 6000), _citation(n + 100)] if n % 4 != 3 else [])
                for n in range(80)]
    reply = render_check(CheckResult(engine="local", claims=verdicts, warnings=["w" * 4000, "second"]))
    _assert_within_limits(reply.blocks)
    texts = _texts(reply.blocks)
    assert "…and 33 more claims not shown" in texts[-2]  # 1 summary + 47 claims + "more" + warnings = 50
    assert sum(1 for t in texts if t.startswith((":white_check_mark:", ":x:", ":scales:", ":grey_question:"))) == 47
    assert "more characters)" in texts[1]  # the long claim was cut, saying by how much
    assert ":newspaper: Title 0" in texts[1] and "2017-07-24" in texts[1]  # the source line survives the cut
    assert reply.text.startswith("Fact-check: 80 claims — 20 supported, 20 contradicted, 20 disputed, 20 not")
    assert len(reply.text) <= MAX_TEXT


def test_a_long_answer_with_many_sources_stays_within_limits() -> None:
    answer = Answer(question="q?", answer="A sentence about Raqqa. " * 800, engine="openai", model="gpt-4o-mini",
                    citations=[_citation(n, 4000) for n in range(70)], warnings=["dropped a citation"])
    reply = render_answer(answer)
    _assert_within_limits(reply.blocks)
    assert "more sources not shown" in json.dumps(reply.blocks)
    assert reply.blocks[0]["elements"][0]["text"] == "Answer (openai · gpt-4o-mini)"


def test_article_text_cannot_ping_the_channel_or_break_markup() -> None:
    verdict = Verdict(claim="<!channel> claim", verdict="supported", confidence=1, rationale="", decided_by="",
                      citations=[_citation(1)])
    text = json.dumps(render_check(CheckResult(engine="local", claims=[verdict])).blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "&lt;with&gt; &amp; marks" in text


def test_an_unsettled_verdict_names_its_closest_evidence_as_such() -> None:
    unsettled = Verdict(claim="claim", verdict="not_enough_evidence", confidence=0.5, rationale="",
                        decided_by="coverage: no aligned sentence covers the claim", nearest=[_citation(1)])
    text = json.dumps(render_check(CheckResult(engine="local", claims=[unsettled])).blocks)
    assert "Closest evidence:" in text and "Quote 1" in text and "coverage: no aligned sentence" in text


def test_truncate_never_cuts_an_entity_in_half() -> None:
    cut = truncate(escape("&" * 2000), 100)
    assert len(cut) <= 100 and "more characters)" in cut
    assert cut.split("…")[0].rstrip().endswith("&amp;")


def test_an_empty_result_says_so() -> None:
    reply = render_check(CheckResult(engine="local", warnings=["no check-worthy claim found (questions ...)"]))
    assert "no check-worthy claim found" in json.dumps(reply.blocks)
    assert render_check(CheckResult(engine="local")).blocks[-1]["elements"][0]["text"] == "No check-worthy claim found."


@pytest.mark.parametrize(("text", "question"), [
    ("How many Daesh militants are in Raqqa?", True),
    ("how many militants are in Raqqa", True),
    ("Did Airwars report 744 deaths", True),
    ("Is it true that 2,000 fighters remain", True),
    ("Who said Daesh is not defeated", True),
    ("Airwars says 744 civilians were killed.", False),
    ("The coalition has more to do in Syria", False),
    ("Isis fighters number 2,000.", False),
    ("", False),
])
def test_questions_are_answered_and_the_rest_checked(text: str, question: bool) -> None:
    assert is_question(text) is question


def test_slack_markup_is_read_as_plain_text() -> None:
    raw = "<@UBOT> did <@U0BOB> say 744 &amp; more? see <https://ex.com/a|the story> <https://ex.com/b> <!here>"
    assert clean_text(raw, "UBOT") == "did @U0BOB say 744 & more? see the story https://ex.com/b"


def test_a_disputed_verdict_shows_both_sides() -> None:
    citations = [_citation(1, 40), _citation(2, 40), _citation(3, 40)]
    disputed = Verdict(claim="Five inmates", verdict="disputed", confidence=0.3, rationale="", decided_by="",
                       citations=citations)
    supported = disputed.model_copy(update={"verdict": "supported"})
    [shown] = _texts([render_check(CheckResult(engine="local", claims=[disputed])).blocks[1]])
    assert "Quote 1" in shown and "Quote 2" in shown and "outlet2" in shown and "+1 more quotes" in shown
    [one] = _texts([render_check(CheckResult(engine="local", claims=[supported])).blocks[1]])
    assert "Quote 1" in one and "Quote 2" not in one and "+2 more quotes" in one
