"""`factcheck check [CLAIM] [--file PATH | -] [--batch FILE.jsonl]`: verdicts with quotes, claim by claim."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.check.check import check_text
from assistant.cli.common import batch_records, err, fail, handles_errors, out, print_json
from assistant.cli.options import (
    CollectionOption,
    EngineOption,
    JsonOption,
    NoCacheOption,
    RecordOption,
    SinceOption,
    SourceOption,
    UntilOption,
    open_reasoning,
)
from assistant.errors import FactcheckError
from assistant.retrieve import Filters
from assistant.types import CheckResult

COLOURS = {"supported": "green", "contradicted": "red", "disputed": "magenta", "not_enough_evidence": "yellow"}


@handles_errors
def check_command(
    claim: Annotated[str | None, typer.Argument(help="A claim or a few sentences to check.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="A draft to check (text file), or - for stdin.")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSONL with one {\"id\", \"text\"} per line; writes one "
                                                    "JSON result per line.")] = None,
    engine: EngineOption = None,
    record: RecordOption = False,
    no_cache: NoCacheOption = False,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check claims against the corpus: supported, contradicted, not_enough_evidence or disputed."""
    given = [x for x in (claim, file, batch) if x is not None]
    if len(given) != 1:
        fail("give exactly one of CLAIM, --file PATH (or - for stdin) and --batch FILE")
    _, chosen, model, store = open_reasoning(engine, record, no_cache, collection)
    filters = Filters(sources=source or [], since=since, until=until)
    if batch is not None:
        for record_id, text in batch_records(batch, "text", plain_lines=False):
            try:
                result = check_text(store, text, model, chosen, filters)
                print_json({"id": record_id, **result.model_dump()})
            except FactcheckError as exc:  # one bad record never stops the batch
                print_json({"id": record_id, "error": str(exc)})
        return
    text = claim if claim is not None else _read_draft(file or "-")
    result = check_text(store, text, model, chosen, filters)
    if as_json:
        print_json(result.model_dump())
    else:
        render_check(result)


def _read_draft(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
        return ""


def render_check(result: CheckResult) -> None:
    table = Table("claim", "verdict", "quote", "source", "date", show_lines=True)
    for v in result.claims:
        colour = COLOURS.get(v.verdict, "white")
        quote = v.citations[0] if v.citations else None
        table.add_row(escape(v.claim), f"[{colour}]{v.verdict}[/]\n[dim]{v.confidence:.2f} · {escape(v.decided_by)}[/]",
                      escape(f"“{quote.quote}”") if quote else "", escape(quote.source) if quote else "",
                      (quote.date or "") if quote else "")
    out.print(table)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    if result.usage.calls:
        u = result.usage
        err.print(f"[dim]{u.calls} model calls, {u.prompt_tokens} prompt + {u.completion_tokens} completion tokens[/]")
