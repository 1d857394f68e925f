"""The package's own test doubles: the hashing embedder and the function-backed chat model, driving the real
check and answer code on an in-memory corpus (no embedding model, no server, no store)."""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel

from assistant.check.answer import AnswerReply, CitedQuote, ask
from assistant.check.check import check_text
from assistant.llm.function_model import FunctionModel
from assistant.prompts import RenderedPrompt
from assistant.store.hashing import HashingEmbedder
from tests.check.test_corpus_protocol import AIRWARS, WEATHER
from tests.fakes.memory_corpus import MemoryCorpus, make_article

QUOTE = "744 civilians were killed in coalition strikes in Syria and Iraq in the month of June alone"


def corpus() -> MemoryCorpus:
    return MemoryCorpus(HashingEmbedder(), [
        make_article(AIRWARS, title="Coalition strikes", source="wire", date="2017-07-24"),
        make_article(WEATHER, title="Weather", source="local", date="2017-07-21"),
    ])


def test_the_hashing_embedder_is_deterministic_and_lexical() -> None:
    embedder = HashingEmbedder()
    rows = embedder.embed(["Civilians killed in strikes", "civilian killed by a strike", "Heavy rain this weekend",
                           "the of and"])
    assert rows.shape == (4, embedder.dim)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert np.array_equal(rows, HashingEmbedder().embed(["Civilians killed in strikes", "civilian killed by a strike",
                                                         "Heavy rain this weekend", "the of and"]))
    assert rows[0] @ rows[1] > 0.9  # the same stems
    assert abs(rows[0] @ rows[2]) < 0.3


def test_a_check_runs_on_the_hashing_embedder() -> None:
    result = check_text(corpus(), "Airwars says 603 civilians were killed in coalition strikes in June.", None,
                        "local")
    [verdict] = result.claims
    assert verdict.verdict == "contradicted" and verdict.decided_by.startswith("number: claim 603, source 744")


def test_a_function_model_answers_through_the_real_citation_checks() -> None:
    def reply(prompt: RenderedPrompt, schema: type[BaseModel]) -> BaseModel:
        assert schema is AnswerReply
        source = re.search(r"^\[(\d+)\][^\n]*\n[^\n]*744", prompt.user, re.MULTILINE)
        assert source is not None, "the Airwars passage is among the numbered sources"
        return AnswerReply(answer="744 civilians were killed in June.",
                           citations=[CitedQuote(source=int(source.group(1)), quote=QUOTE),
                                      CitedQuote(source=int(source.group(1)), quote="603 civilians died")])

    model = FunctionModel(reply)
    answer = ask(corpus(), "How many civilians were killed in coalition strikes in June, according to Airwars?",
                 model)
    assert [c.quote for c in answer.citations] == [QUOTE]  # the invented quote is dropped, the real one kept
    assert len(model.calls) == 1 and answer.usage.calls == 1


def test_a_function_model_may_return_text_or_a_dict() -> None:
    prompt = RenderedPrompt(name="answer", hash="h", system="s", user="u")
    for made in ('{"answer": "x"}', {"answer": "x"}):
        raw = FunctionModel(lambda _p, _s, made=made: made).complete(prompt, AnswerReply)
        assert AnswerReply.model_validate_json(raw.text).answer == "x"
