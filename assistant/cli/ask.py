"""`factcheck ask QUESTION`: an answer from the corpus with verified citations."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel

from assistant.check.answer import ask
from assistant.cli.common import err, handles_errors, out, print_json
from assistant.cli.options import (
    CollectionOption,
    EngineOption,
    FirmDatesOption,
    JsonOption,
    NoCacheOption,
    RecordOption,
    SinceOption,
    SourceOption,
    UntilOption,
    open_reasoning,
)
from assistant.retrieve import Filters
from assistant.text import date_label
from assistant.types import Answer


@handles_errors
def ask_command(
    question: Annotated[str, typer.Argument(help="The question.")],
    k: Annotated[int, typer.Option("--k", min=1, max=20, help="Passages given to the engine.")] = 6,
    engine: EngineOption = None,
    record: RecordOption = False,
    no_cache: NoCacheOption = False,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    firm_dates: FirmDatesOption = False,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the corpus, citing the sources word for word."""
    _, _, model, store = open_reasoning(engine, record, no_cache, collection)
    answer = ask(store, question, model, k, Filters(sources=source or [], since=since, until=until,
                                                          firm_dates=firm_dates))
    if as_json:
        print_json(answer.model_dump())
    else:
        render_answer(answer)


def render_answer(answer: Answer) -> None:
    out.print(Panel(escape(answer.answer), title=f"answer · {answer.engine}" + (f" · {answer.model}" if answer.model
                                                                             else ""), title_align="left"))
    for number, c in enumerate(answer.citations, start=1):
        out.print(f"[bold][{number}][/] “{escape(c.quote)}”\n    {escape(c.title)} · {escape(c.source)} · "
                  f"{date_label(c.date, c.date_source, 'undated')} · {c.chunk_id} [{c.start}:{c.end}]")
    for warning in answer.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    if answer.usage.calls:
        u = answer.usage
        err.print(f"[dim]{u.calls} model calls, {u.prompt_tokens} prompt + {u.completion_tokens} completion tokens, "
                  f"~${u.cost_usd:.4f}[/]")
