"""`factcheck chat`: a conversational fact-check session in the terminal.

Plain text asks; `/check`, `/filter`, `/sources`, `/ingest`, `/json`, `/reset`, `/help`, `/quit` do the rest.
On a terminal the input line is prompt_toolkit's, with history kept in DATA_DIR/chat-history; otherwise each
line of stdin is one turn (`factcheck chat < questions.txt`), and `--json` prints one object per turn:
{"turn", "input", "kind": "ask"|"check"|"command", "query", "result" | "error"}. A failing turn prints one
line and the session goes on; Ctrl-D, Ctrl-C at the prompt and /quit end it with exit code 0.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.check.answer import ask
from assistant.check.check import check_text
from assistant.check.conversation import Conversation, Turn, describe_filters
from assistant.cli import chat_render as show
from assistant.cli.common import handles_errors, print_json
from assistant.cli.options import CollectionOption, EngineOption, JsonOption, NoCacheOption, open_reasoning
from assistant.config import Settings, debug_requested
from assistant.errors import FactcheckError
from assistant.ingest.pipeline import Ingestor
from assistant.llm.base import ChatModel
from assistant.retrieve import Filters
from assistant.store.store import Store
from assistant.text import sentence_spans
from assistant.types import Article

HISTORY_FILE = "chat-history"


@handles_errors
def chat_command(
    engine: EngineOption = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Passages given to the engine per question.")] = 6,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """A conversational session: ask, follow up, /check a sentence, /filter to one outlet or date range."""
    # an empty store is a start: /ingest fills it from the prompt
    settings, chosen, model, store = open_reasoning(engine, False, no_cache, collection, empty_ok=True)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    session = ChatSession(store, settings, model, chosen, k, as_json, interactive)
    try:
        if not as_json:
            show.banner(chosen, model.name if model else None, store.collection, len(store.articles()))
        lines = prompt_lines(session.prompt_text, settings.data_dir / HISTORY_FILE) if interactive else stdin_lines()
        session.run(lines)
    finally:
        store.close()


def stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def prompt_lines(prompt_text: Callable[[], str], history: Path) -> Iterator[str]:
    """Lines typed at a prompt_toolkit prompt, remembered across sessions; ends on Ctrl-D or Ctrl-C."""
    from prompt_toolkit import PromptSession  # only on a terminal: other commands do not pay for the import
    from prompt_toolkit.history import FileHistory

    history.parent.mkdir(parents=True, exist_ok=True)
    prompt: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    while True:
        try:
            yield prompt.prompt(prompt_text())
        except (EOFError, KeyboardInterrupt):
            return


@dataclass
class Outcome:
    """What a turn produced: its JSON `result`, and how to show it to a person."""

    result: dict[str, Any]
    render: Callable[[], None]
    quit: bool = False


class ChatSession:
    def __init__(self, store: Store, settings: Settings, model: ChatModel | None, engine: str, k: int,
                 as_json: bool, interactive: bool) -> None:
        self.store, self.settings, self.model, self.engine, self.k = store, settings, model, engine, k
        self.as_json = as_json
        self.interactive = interactive
        self.conversation = Conversation()
        self.turn = 0
        self._query: str | None = None  # the query of the turn in progress, once known
        self._handlers: dict[str, Callable[[str], Outcome]] = {
            "/ask": self._ask, "/check": self._check, "/sources": self._sources, "/filter": self._filter,
            "/ingest": self._ingest, "/json": self._json, "/reset": self._reset, "/help": self._help,
            "/quit": self._quit, "/exit": self._quit,
        }

    def prompt_text(self) -> str:
        filters = self.conversation.filters
        return "factcheck› " if filters.empty else f"factcheck [{describe_filters(filters)}]› "

    def run(self, lines: Iterator[str]) -> None:
        try:
            for line in lines:
                if line.strip() and not self.handle(line.strip()):
                    return
        except KeyboardInterrupt:  # Ctrl-C while reading piped input: leave quietly, like Ctrl-D
            return

    def handle(self, line: str) -> bool:
        """One turn. Returns False when the session should end."""
        self.turn += 1
        self._query = None
        if not self.interactive and not self.as_json:
            show.echo_input(line)
        command, rest = split_command(line)
        kind = {"/ask": "ask", "/check": "check"}.get(command, "command")
        try:
            handler = self._handlers.get(command)
            if handler is None:
                raise FactcheckError(f"unknown command {command}; /help lists the commands")
            outcome = handler(rest)
        except FactcheckError as exc:
            self._fail(line, kind, str(exc))
            return True
        except KeyboardInterrupt:  # Ctrl-C during a turn cancels the turn, not the session
            self._fail(line, kind, "interrupted")
            return True
        except Exception as exc:  # one bad turn never ends the session; the traceback only on request
            if debug_requested():
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            self._fail(line, kind, f"internal error: {type(exc).__name__}: {first} (set FACTCHECK_DEBUG=1 for details)")
            return True
        if self.as_json:
            print_json({"turn": self.turn, "input": line, "kind": kind, "query": self._query,
                        "result": outcome.result})
        else:
            outcome.render()
        return not outcome.quit

    def _fail(self, line: str, kind: str, message: str) -> None:
        if self.as_json:
            print_json({"turn": self.turn, "input": line, "kind": kind, "query": self._query, "error": message})
        else:
            show.error_line(message)

    # -- turns ---------------------------------------------------------------------------------------------------
    def _ask(self, text: str) -> Outcome:
        if not text:
            raise FactcheckError("usage: /ask QUESTION")
        with show.spinner("rewriting the follow-up…", enabled=bool(self.model and self.conversation.turns)):
            rewrite = self.conversation.standalone(text, self.model)
        self._query = rewrite.query
        if rewrite.query != text and not self.as_json:
            show.rewritten(rewrite.query)
        with show.spinner("retrieving and answering…"):
            answer = ask(self.store, rewrite.query, self.model, self.k, self.conversation.filters)
        answer.usage.add(rewrite.usage)
        answer.warnings[:0] = rewrite.warnings
        self.conversation.record(Turn(input=text, kind="ask", query=rewrite.query, reply=answer.answer))
        return Outcome(answer.model_dump(), lambda: show.answer(answer))

    def _check(self, text: str) -> Outcome:
        if not text:
            raise FactcheckError("usage: /check TEXT")
        self._query = text  # claims are checked as written: a claim should stand alone
        with show.spinner("retrieving evidence and checking…"):
            # several sentences are a draft, checked clause by clause as `check --file` does; one stays as written
            result = check_text(self.store, text, self.model, self.engine, self.conversation.filters,
                                draft=len(sentence_spans(text)) > 1)
        reply = "; ".join(f"{v.claim} -> {v.verdict}" for v in result.claims)
        self.conversation.record(Turn(input=text, kind="check", query=text, reply=reply))
        return Outcome(result.model_dump(), lambda: show.check(result))

    # -- commands --------------------------------------------------------------------------------------------------
    def _sources(self, _rest: str) -> Outcome:
        articles = self.store.articles()
        filters = self.conversation.filters
        kept = {a.id for a in articles if keeps(filters, a)}
        listed = [{"id": a.id, "title": a.meta.title, "source": a.meta.source, "date": a.meta.date,
                   "chunks": a.n_chunks, "kept": a.id in kept} for a in articles]
        return Outcome({"filters": filters.model_dump(), "articles": listed},
                       lambda: show.sources(articles, kept, describe_filters(filters)))

    def _filter(self, rest: str) -> Outcome:
        if rest.lower() == "clear":
            self.conversation.clear_filters()
        elif rest:
            known = {a.meta.source for a in self.store.articles()}
            self.conversation.update_filters(rest, known)
        filters = self.conversation.filters
        return Outcome({"filters": filters.model_dump()}, lambda: show.info(f"filter: {describe_filters(filters)}"))

    def _ingest(self, rest: str) -> Outcome:
        if not rest:
            raise FactcheckError("usage: /ingest PATH")
        with show.spinner("ingesting…"):
            report = Ingestor(self.store, self.settings).run([Path(rest).expanduser()])
        return Outcome({"ingest": report.model_dump()}, lambda: show.ingest_report(report))

    def _json(self, rest: str) -> Outcome:
        if rest.lower() not in ("on", "off"):
            raise FactcheckError("usage: /json on|off")
        self.as_json = rest.lower() == "on"
        return Outcome({"json": self.as_json}, lambda: show.info("JSON output off"))

    def _reset(self, _rest: str) -> Outcome:
        self.conversation.reset()
        filters = describe_filters(self.conversation.filters)
        return Outcome({"reset": True}, lambda: show.info(f"The conversation is forgotten (filter kept: {filters})."))

    def _help(self, _rest: str) -> Outcome:
        return Outcome({"commands": [usage for usage, _ in show.COMMANDS]}, show.help_table)

    def _quit(self, _rest: str) -> Outcome:
        return Outcome({"quit": True}, lambda: None, quit=True)


def split_command(line: str) -> tuple[str, str]:
    """("/check", "the text") for a command line; ("/ask", line) for plain text."""
    if not line.startswith("/"):
        return "/ask", line
    head, _, rest = line.partition(" ")
    return head.lower(), rest.strip()


def keeps(filters: Filters, article: Article) -> bool:
    """Whether retrieval under `filters` can return `article` (the same test the indexes apply)."""
    meta = article.meta
    if filters.sources and meta.source.lower().removeprefix("www.") not in {
            s.lower().removeprefix("www.") for s in filters.sources}:  # as the store matches them: any case
        return False
    if filters.firm_dates and (meta.date_confidence or 0.0) < 0.8:
        return False
    if (filters.since or filters.until) and not meta.date:
        return False
    return not ((filters.since and meta.date and meta.date < filters.since)
                or (filters.until and meta.date and meta.date > filters.until))
