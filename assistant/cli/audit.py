"""`factcheck audit`: statements in the corpus that contradict each other."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.check.audit import audit
from assistant.cli.common import err, handles_errors, out, print_json
from assistant.cli.options import CollectionOption, JsonOption, read_settings
from assistant.runtime import open_store
from assistant.text import date_label


@handles_errors
def audit_command(
    engine: Annotated[str | None, typer.Option(hidden=True)] = None,  # accepted for scripts; the audit is local
    limit: Annotated[int, typer.Option(help="Most statements to compare.")] = 20_000,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find passages from different stories or outlets that disagree on a number, date, name or speaker.

    The audit runs locally (the entailment model and the slot checks): no LLM calls, whatever the engine."""
    store = open_store(read_settings(collection), collection)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal) as progress:
        tasks: dict[str, TaskID] = {}

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:  # one bar per phase, so each phase's time left is estimated on its own pace
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        report = audit(store, limit, progress=on_progress)
    if as_json:
        print_json(report.model_dump())
        return
    out.print(f"{report.articles} articles, {report.sentences_compared} statements compared, "
              f"{report.pairs_read} pairs read, {len(report.conflicts)} conflicts")
    for n, c in enumerate(report.conflicts, start=1):
        out.print(f"\n[bold]{n}. {escape(c.decided_by)}[/] (similarity {c.similarity:.2f})")
        for side in (c.a, c.b):
            dated = date_label(side.date, side.date_source, "undated")
            out.print(f"   “{escape(side.quote)}”\n      {escape(side.source)} · {dated} · "
                      f"{side.chunk_id.split(':')[0]} [{side.start}:{side.end}]")
