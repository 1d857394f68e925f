"""The work behind a reply: answer a question or check a claim, as a Slack message. Never raises.

One store and one model serve every request; checks run one at a time (the local engine already uses every
core, and the SQLite connection is shared), while Bolt's threads keep acknowledging Slack meanwhile.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Literal

from assistant.check.answer import ask
from assistant.check.check import check_text
from assistant.config import Settings
from assistant.errors import FactcheckError
from assistant.llm.base import ChatModel
from assistant.runtime import Runtime
from assistant.slack.blocks import Reply, message, render_answer, render_check
from assistant.store.store import Store

log = logging.getLogger("assistant.slack")

ASK_K = 6
MAX_PENDING = 32  # requests queued for the engine; beyond this we say we are busy rather than pile up
GENERIC_ERROR = ":warning: Something went wrong while checking this; the details are in the bot's log."
BUSY = ":warning: I'm busy with other requests right now; please try again in a minute."

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


class FactChecker:
    def __init__(self, store: Store, model: ChatModel | None, engine: str) -> None:
        self.store, self.model, self.engine = store, model, engine
        self._lock = threading.Lock()
        self._pending = 0
        self._count_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> FactChecker:
        runtime = Runtime(settings)
        return cls(runtime.store, runtime.model, runtime.engine)

    def close(self) -> None:
        self.store.close()

    def reply(self, text: str, mode: Mode = "auto") -> Reply:
        """The reply to `text`: an answer with footnotes, verdicts with quotes, or one ":warning:" line."""
        with self._count_lock:
            if self._pending >= MAX_PENDING:
                return message(BUSY)
            self._pending += 1
        try:
            with self._lock:
                return self._reply(text, mode)
        except Exception as exc:  # a reply must always come back: known errors as themselves, others generic
            if not isinstance(exc, FactcheckError):
                log.exception("the engine failed on a Slack request")
            return message(error_line(exc))
        finally:
            with self._count_lock:
                self._pending -= 1

    def _reply(self, text: str, mode: Mode) -> Reply:
        if mode == "auto" and is_question(text):
            return render_answer(ask(self.store, text, self.model, ASK_K))
        return render_check(check_text(self.store, text, self.model, self.engine))
