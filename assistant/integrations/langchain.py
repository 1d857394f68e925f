"""LangChain adapters: a retriever over the corpus, and `ask` / `check` as LCEL runnables for any chat model.

    from assistant.integrations.langchain import FactcheckRetriever, ask_chain, check_chain

    docs = FactcheckRetriever(k=4, source="Reuters").invoke("civilians killed in June")
    answer = ask_chain(ChatOpenAI(model="gpt-4o-mini")).invoke("How many civilians were killed in June?")
    result = check_chain(ChatOllama(model="llama3.1")).invoke("Airwars counted 744 civilian deaths in June.")

No logic lives here: the retriever calls the CLI's `search`, the chains call the CLI's `ask` and `check_text`
with the model wrapped in LangChainChat (structured output through `with_structured_output`), so every quote
goes through the same verification in code as `factcheck ask` / `factcheck check`, and a fabricated quote
never survives. The model call inherits the run's config, so callbacks (usage, tracing) see it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import Field, PrivateAttr, model_validator

from assistant.check.answer import ask
from assistant.check.check import check_text
from assistant.errors import FactcheckError
from assistant.integrations.common import Runtime, filters_from, integration_settings
from assistant.llm.langchain_chat import LangChainChat
from assistant.retrieve import Filters, Mode, distinct_passages, search
from assistant.types import Answer, CheckResult, Passage

# CheckResult.engine of check_chain: the `openai` engine is this same path (LangChainChat), and `ask` labels any
# chat model's answers so; the chains' results compare equal to the CLI's
CHAIN_ENGINE = "openai"


class FactcheckRetriever(BaseRetriever):
    """The corpus's best passages for a query (hybrid search by default), one per story, as Documents.

    Every story's passages are candidates, each fact once (a syndicated copy repeating a kept passage is
    dropped), as `ask` gives a model; `collapse=True` gives `factcheck search`'s results instead: one passage
    per story, with the other outlets that carried it in `also_reported_by`. `k` can also be given per call:
    `retriever.invoke(query, k=2)`. `collection` and `data_dir` default to the settings
    (FACTCHECK_COLLECTION, FACTCHECK_DATA_DIR), as for the CLI.
    """

    k: int = Field(default=4, ge=1, le=200)
    mode: Mode = "hybrid"
    source: str | list[str] | None = None
    since: str | None = None
    until: str | None = None
    collection: str | None = None
    data_dir: Path | None = None
    collapse: bool = False
    _filters: Filters = PrivateAttr(default_factory=Filters)
    _runtime: Runtime | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_filters(self) -> FactcheckRetriever:
        self._filters = filters_from(self.source, self.since, self.until)  # a bad date fails here, not later
        return self

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, **kwargs: Any) -> list[Document]:
        if kwargs:
            raise FactcheckError(f"FactcheckRetriever takes k per call, not {', '.join(sorted(kwargs))}")
        runtime = self._open()
        with runtime.lock:
            retrieve = search if self.collapse else distinct_passages
            passages = retrieve(runtime.store, query, self.k if k is None else k, self._filters, self.mode)
        return [passage_document(p) for p in passages]

    def _open(self) -> Runtime:
        if self._runtime is None:
            self._runtime = Runtime(integration_settings(self.data_dir), self.collection)
        return self._runtime

    def close(self) -> None:
        """Close the store (it is opened on the first query)."""
        if self._runtime is not None:
            self._runtime.close()


def passage_document(passage: Passage) -> Document:
    """A passage as a LangChain Document: the text, and what a reader needs to cite it as metadata."""
    metadata = passage.model_dump(exclude={"text"})
    return Document(page_content=passage.text, metadata=metadata, id=passage.chunk_id)


def ask_chain(llm: BaseChatModel, *, k: int = 6, source: str | list[str] | None = None, since: str | None = None,
              until: str | None = None, collection: str | None = None,
              data_dir: str | Path | None = None) -> Runnable[Any, Answer]:
    """A runnable: a question (or {"question": ...}) -> the Answer `factcheck ask` gives, with `llm` as engine."""
    runtime, filters = _open(collection, data_dir), filters_from(source, since, until)
    model = LangChainChat(llm, prices=runtime.settings.prices)

    def answer(question: str | dict[str, Any]) -> Answer:
        text = _input_text(question, "question", "ask_chain")
        with runtime.lock:
            return ask(runtime.store, text, model, k, filters)

    return RunnableLambda(answer, name="factcheck_ask")


def check_chain(llm: BaseChatModel, *, source: str | list[str] | None = None, since: str | None = None,
                until: str | None = None, collection: str | None = None,
                data_dir: str | Path | None = None) -> Runnable[Any, CheckResult]:
    """A runnable: a claim or draft (or {"claim": ...}) -> the CheckResult `factcheck check` gives: one Verdict
    per claim, each with verified quotes."""
    runtime, filters = _open(collection, data_dir), filters_from(source, since, until)
    model = LangChainChat(llm, prices=runtime.settings.prices)

    def verdicts(claim: str | dict[str, Any]) -> CheckResult:
        text = _input_text(claim, "claim", "check_chain")
        with runtime.lock:
            return check_text(runtime.store, text, model, CHAIN_ENGINE, filters)

    return RunnableLambda(verdicts, name="factcheck_check")


def _open(collection: str | None, data_dir: str | Path | None) -> Runtime:
    return Runtime(integration_settings(data_dir), collection)


def _input_text(value: Any, key: str, chain: str) -> str:
    if isinstance(value, dict):
        value = value.get(key, value.get("text"))
    if not isinstance(value, str):
        raise FactcheckError(f"{chain} takes a string or {{'{key}': string}}, not {type(value).__name__}")
    return value
