"""The LangChain retriever's Documents, and ask_chain / check_chain: the CLI's verification, any chat model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_openai import ChatOpenAI

from assistant.errors import FactcheckError
from assistant.integrations.langchain import FactcheckRetriever, ask_chain, check_chain
from tests.check.test_ask import QUESTION, good_reply
from tests.check.test_check import scripted_checker
from tests.fakes.langchain_model import ToolCallingFake
from tests.fakes.openai_server import FakeOpenAI
from tests.helpers import OpenStore, RunCli

METADATA = {"chunk_id", "article_id", "title", "source", "date", "date_source", "start", "end", "cluster",
            "also_reported_by", "score"}
FABRICATED = "Airwars says 9,999 civilians died in a single day."


def test_documents_are_passages_with_their_citation_metadata(seeded: Path, open_store: OpenStore) -> None:
    docs = FactcheckRetriever(k=3, data_dir=seeded).invoke(QUESTION)
    assert len(docs) == 3
    with open_store() as store:
        for doc in docs:
            assert set(doc.metadata) == METADATA
            article = store.article(doc.metadata["article_id"])
            assert article is not None
            assert article.text[doc.metadata["start"]:doc.metadata["end"]] == doc.page_content
    assert "744" in " ".join(d.page_content for d in docs)


def test_collapse_and_filters(seeded: Path) -> None:
    collapsed = FactcheckRetriever(k=3, collapse=True, data_dir=seeded).invoke(QUESTION)
    assert len(collapsed) == 1 and collapsed[0].metadata["also_reported_by"]  # two copies of one story
    with pytest.raises(FactcheckError, match="unknown source 'No Such Outlet'; known sources: "):
        FactcheckRetriever(source="No Such Outlet", data_dir=seeded).invoke(QUESTION)
    assert FactcheckRetriever(since="2030-01-01", data_dir=seeded).invoke(QUESTION) == []
    with pytest.raises(FactcheckError, match="not a date"):
        FactcheckRetriever(since="last week")


def fabricating_answer(body: dict[str, Any]) -> dict[str, Any]:
    reply = good_reply(body)
    reply["citations"].append({"source": 1, "quote": FABRICATED})
    return reply


def test_ask_chain_drops_a_fabricated_quote_with_a_warning(seeded: Path) -> None:
    model = ToolCallingFake(script=fabricating_answer)
    answer = ask_chain(model).invoke({"question": QUESTION})
    assert [c.quote for c in answer.citations] == [good_reply(model.calls[0])["citations"][0]["quote"]]
    assert any("not found in source [1]" in w for w in answer.warnings)
    assert FABRICATED not in answer.answer and "744" in answer.answer
    assert answer.usage.calls == 1 and answer.usage.prompt_tokens == 50


def test_ask_chain_usage_reaches_langchain_callbacks(seeded: Path) -> None:
    handler = UsageMetadataCallbackHandler()
    ask_chain(ToolCallingFake(script=good_reply)).invoke(QUESTION, config={"callbacks": [handler]})
    assert handler.usage_metadata["fake-tool-caller"]["input_tokens"] == 50


async def test_ask_chain_runs_async(seeded: Path) -> None:
    handler = UsageMetadataCallbackHandler()
    answer = await ask_chain(ToolCallingFake(script=good_reply)).ainvoke(QUESTION, config={"callbacks": [handler]})
    assert answer.citations and "744" in answer.citations[0].quote
    assert handler.usage_metadata["fake-tool-caller"]["output_tokens"] == 10


def test_ask_chain_with_chat_openai_matches_the_cli(seeded: Path, fake_openai: FakeOpenAI, run_cli: RunCli) -> None:
    fake_openai.queue(good_reply)
    cli = run_cli("ask", QUESTION, "--engine", "openai", "--json")
    assert cli.exit_code == 0, cli.output
    llm = ChatOpenAI(model="gpt-4o-mini", base_url=fake_openai.base_url, api_key="sk-test", temperature=0)
    handler = UsageMetadataCallbackHandler()
    answer = ask_chain(llm).invoke(QUESTION, config={"callbacks": [handler]})
    assert answer.model_dump() == cli.json()
    assert answer.citations and answer.usage.cost_usd > 0
    assert fake_openai.requests[0]["response_format"] == fake_openai.requests[1]["response_format"]
    assert handler.usage_metadata["gpt-4o-mini"]["input_tokens"] == 100


def test_check_chain_verdicts_carry_verified_quotes(seeded: Path, open_store: OpenStore) -> None:
    claims = "Airwars says 744 civilians were killed in coalition strikes in June.\nThe mayor of Raqqa resigned."
    result = check_chain(ToolCallingFake(script=scripted_checker)).invoke(claims)
    assert result.engine == "openai" and len(result.claims) == 2
    airwars, mayor = result.claims
    assert airwars.verdict == "supported" and "744" in airwars.citations[0].quote
    assert mayor.verdict == "not_enough_evidence" and not mayor.citations  # its only quote was made up
    with open_store() as store:
        for citation in airwars.citations:
            article = store.article(citation.article_id)
            assert article is not None and article.text[citation.start:citation.end] == citation.quote
    assert result.usage.calls == 2


def test_chains_reject_input_that_is_not_text(seeded: Path) -> None:
    with pytest.raises(FactcheckError, match="takes a string"):
        check_chain(ToolCallingFake(script=scripted_checker)).invoke({"claims": 3})
