"""`factcheck search QUERY`: find passages (hybrid by default); `--batch FILE` for many queries in one process;
`--format csv` for one row per result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from assistant.cli.common import (
    USAGE,
    batch_records,
    fail,
    handles_errors,
    out,
    print_error,
    print_json,
)
from assistant.cli.export import SEARCH_COLUMNS, CsvOut, search_rows
from assistant.cli.options import FirmDatesOption, read_settings
from assistant.retrieve import Filters, Mode, search
from assistant.runtime import open_store
from assistant.text import date_label
from assistant.types import Passage


@handles_errors
def search_command(
    query: Annotated[str | None, typer.Argument(help="What to look for.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=200, help="Number of results.")] = 10,
    mode: Annotated[Mode, typer.Option(help="hybrid (vector + lexical, fused), dense or lexical.")] = "hybrid",
    source: Annotated[list[str] | None, typer.Option(help="Only this outlet (repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles dated on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles dated on or before YYYY-MM-DD.")] = None,
    firm_dates: FirmDatesOption = False,
    batch: Annotated[Path | None, typer.Option(help="File with one query per line (text, or JSONL with id "
                                                    "and query); writes one JSON line per query.")] = None,
    collection: Annotated[str | None, typer.Option(help="Collection to search.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    output: Annotated[Literal["text", "json", "csv"], typer.Option(
        "--format", help="text, json (as --json; JSONL with --batch) or csv (one row per result).")] = "text",
) -> None:
    """Search the stored passages."""
    if (query is None) == (batch is None):
        fail("give a QUERY or --batch FILE (not both)", USAGE)
    if as_json and output == "csv":
        fail("--json and --format csv are two formats; give one", USAGE)
    filters = Filters(sources=source or [], since=since, until=until, firm_dates=firm_dates)
    store = open_store(read_settings(collection), collection)
    table = CsvOut(sys.stdout, SEARCH_COLUMNS) if output == "csv" else None
    if batch is not None:
        records = batch_records(batch, ("query", "text"), plain_lines=True)
        for record in records:
            if record.text is None:  # named on stderr; the rest of the batch still runs
                print_error(record.error)
                if table is None:
                    print_json({"id": record.id, "error": record.error})
                continue
            passages = search(store, record.text, k, filters, mode)
            if table is not None:
                table.write(search_rows(record.id, record.text, passages))
            else:
                print_json({"id": record.id, "query": record.text, "mode": mode,
                            "results": [_result(p) for p in passages]})
        if any(record.text is None for record in records):
            raise typer.Exit(1)
        return
    assert query is not None
    passages = search(store, query, k, filters, mode)
    if table is not None:
        table.write(search_rows("1", query, passages))
        return
    if as_json or output == "json":
        print_json({"query": query, "mode": mode, "results": [_result(p) for p in passages]})
        return
    if not passages:
        out.print("No passages found.")
    for rank, p in enumerate(passages, start=1):  # article text and metadata are data, never rich markup
        also = f" · also reported by {escape(', '.join(p.also_reported_by))}" if p.also_reported_by else ""
        # Metadata on its own unwrapped line: a long title must never push the source and date out of view.
        dated = date_label(p.date, p.date_source, "undated")
        out.print(f"[bold]{rank}. {escape(p.title)}[/]\n   {escape(p.source)} · {dated}{also}",
                  soft_wrap=True)
        out.print(Panel(Text(p.text), subtitle=f"{p.chunk_id} [{p.start}:{p.end}] score {p.score:.4f}",
                        subtitle_align="right"))


def _result(passage: Passage) -> dict[str, object]:
    return passage.model_dump()
