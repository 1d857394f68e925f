"""The work behind a reply: answer a question or check a claim, as a Slack message. Never raises.

Each worker of the bot's pool (pool.py) holds its own `Runtime`: its store connections and its chat model, so
requests on different workers share nothing but the corpus they read.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from assistant.check import check as check_module
from assistant.check.answer import ask
from assistant.check.check import check_text
from assistant.config import Settings
from assistant.errors import FactcheckError
from assistant.llm.base import ChatModel
from assistant.runtime import make_chat_model, open_store, resolve_engine
from assistant.slack.blocks import Reply, message, render_answer, render_check
from assistant.store.embeddings import Embedder
from assistant.store.store import Store

log = logging.getLogger("assistant.slack")

ASK_K = 6
GENERIC_ERROR = ":warning: Something went wrong while checking this; the details are in the bot's log."
BUSY = ":warning: I'm busy with other requests right now; please try again in a minute."
WARM_UP_CLAIM = "The coalition said 603 civilians were killed in strikes in Syria in June 2017."

_QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how did does do is are was were can could will would should "
    "has have had".split())
_SECRET = re.compile(r"\b(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|sk-[A-Za-z0-9_-]{8,})")

Mode = Literal["auto", "check"]


def is_question(text: str) -> bool:
    """A question is answered (`ask`); anything else is checked claim by claim."""
    words = text.strip().split(maxsplit=1)
    return text.rstrip().endswith("?") or bool(words and words[0].lower().strip(",:") in _QUESTION_WORDS)


def error_line(exc: BaseException) -> str:
    """One line for a user: a known error's own message (secrets masked), else a generic line."""
    if not isinstance(exc, FactcheckError):
        return GENERIC_ERROR
    first = (str(exc).strip().splitlines() or ["unknown error"])[0]
    first = _SECRET.sub("[redacted]", first)
    return f":warning: {first[:500]}"


@dataclass
class Runtime:
    """What one worker answers with: its own store (connections) and chat model."""

    store: Store
    model: ChatModel | None
    engine: str

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Runtime:
        engine = resolve_engine(settings)
        model = make_chat_model(settings, engine)
        return cls(open_store(settings, embedder=embedder), model, engine)

    def warm_up(self) -> None:
        """Load the local engine's models (embedding, entailment, named entities) before the first request
        rather than during it (a process then holds ~420 MB; 12 s on 2 busy cores). Reads the store only."""
        if self.engine != "local":
            return
        try:
            check_module.check_text(self.store, WARM_UP_CLAIM, None, "local")
        except Exception:  # the first real request will report whatever this hit
            log.warning("a worker could not warm up", exc_info=log.isEnabledFor(logging.DEBUG))

    def close(self) -> None:
        self.store.close()


def work(runtime: Runtime, text: str, mode: Mode = "auto") -> Reply:
    """The reply to `text`: an answer with footnotes, verdicts with quotes, or one ":warning:" line."""
    try:
        if mode == "auto" and is_question(text):
            return render_answer(ask(runtime.store, text, runtime.model, ASK_K))
        return render_check(check_text(runtime.store, text, runtime.model, runtime.engine))
    except Exception as exc:  # a reply must always come back: known errors as themselves, others generic
        if not isinstance(exc, FactcheckError):
            log.exception("the engine failed on a Slack request")
        return message(error_line(exc))

