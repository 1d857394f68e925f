"""The `check` table and the chat card: one quote per verdict, both sides of a disputed one, and the closest
evidence of an unsettled one."""

from __future__ import annotations

from assistant.cli.chat_render import verdict_card
from assistant.cli.check import render_check
from assistant.cli.common import out
from assistant.types import CheckResult, Citation, Verdict


def _citation(n: int, quote: str) -> Citation:
    return Citation(chunk_id=f"a{n}:0001", article_id=f"a{n}", title=f"Story {n}", source=f"outlet{n}",
                    date="2019-07-25", quote=quote, start=0, end=len(quote))


def test_an_unsettled_verdict_shows_the_closest_evidence_as_such() -> None:
    unsettled = Verdict(claim="The coalition will withdraw by spring.", verdict="not_enough_evidence",
                        confidence=0.5, rationale="", decided_by="coverage: no aligned sentence covers the claim",
                        nearest=[_citation(1, "a great deal more to do")])
    with out.capture() as shown:
        render_check(CheckResult(engine="local", claims=[unsettled]))
    words = shown.get().split()  # the cell wraps at the capture's 80 columns
    assert {"closest", "evidence,", "settle"} <= set(words) and "“a" in words


def test_a_disputed_verdict_shows_the_quote_of_each_side() -> None:
    citations = [_citation(1, "five inmates"), _citation(2, "six inmates")]
    disputed = Verdict(claim="Barr ordered five executions.", verdict="disputed", confidence=0.33, rationale="",
                       decided_by="number: claim 5, source 6", citations=citations)
    supported = disputed.model_copy(update={"verdict": "supported"})
    with out.capture() as both:
        render_check(CheckResult(engine="local", claims=[disputed]))
    with out.capture() as one:
        render_check(CheckResult(engine="local", claims=[supported]))
    assert "five" in both.get() and "six" in both.get() and "— outlet2" in both.get()
    assert "five" in one.get() and "six" not in one.get()


def test_the_chat_card_of_an_unsettled_verdict_lists_its_closest_evidence() -> None:
    unsettled = Verdict(claim="The coalition will withdraw by spring.", verdict="not_enough_evidence",
                        confidence=0.5, rationale="", decided_by="coverage: no aligned sentence covers the claim",
                        nearest=[_citation(1, "a great deal more to do")])
    with out.capture() as shown:
        out.print(verdict_card(unsettled))
    assert "Closest evidence read (it does not settle the claim)" in shown.get()
    assert "a great deal more to do" in shown.get()
