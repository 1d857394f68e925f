"""`factcheck check [CLAIM | -] [--file PATH | -] [--batch FILE.jsonl]`: verdicts with quotes, claim by claim.

`--format claimreview` writes schema.org ClaimReview JSON-LD (one per claim), `--format csv` one row per claim."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from assistant.check.check import check_text
from assistant.cli.common import USAGE, batch_records, err, fail, handles_errors, out, print_error, print_json
from assistant.cli.export import CHECK_COLUMNS, CsvOut, check_rows, claim_review_document
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
from assistant.config import Settings
from assistant.errors import FactcheckError, read_problem
from assistant.retrieve import Filters
from assistant.store.store import Store
from assistant.types import CheckResult

Format = Literal["text", "json", "claimreview", "csv"]

COLOURS = {"supported": "green", "contradicted": "red", "disputed": "magenta", "not_enough_evidence": "yellow"}


@handles_errors
def check_command(
    claim: Annotated[str | None, typer.Argument(
        help="A claim or a few sentences to check; - reads them from stdin.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="A draft to check (text file), or - for stdin.")] = None,
    batch: Annotated[Path | None, typer.Option(help="JSONL with one {\"id\", \"text\"} per line; writes one "
                                                    "JSON result per line.")] = None,
    engine: EngineOption = None,
    record: RecordOption = False,
    no_cache: NoCacheOption = False,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    firm_dates: FirmDatesOption = False,
    collection: CollectionOption = None,
    as_json: JsonOption = False,
    output: Annotated[Format | None, typer.Option(
        "--format", help="text (a table, the default; one per record with --batch), json (as --json; JSONL, "
                         "the default with --batch), claimreview (schema.org ClaimReview JSON-LD, one per claim) "
                         "or csv (one row per claim).", show_default=False)] = None,
) -> None:
    """Check claims against the corpus: supported, contradicted, not_enough_evidence or disputed."""
    given = [x for x in (claim, file, batch) if x is not None]
    if len(given) != 1:
        fail("give exactly one of CLAIM, --file PATH (or - for stdin) and --batch FILE", USAGE)
    if as_json and output not in (None, "text", "json"):
        fail(f"--json and --format {output} are two formats; give one", USAGE)
    # a batch's default is JSONL, a pipeline's input; a table per record only when --format text asks for one
    output = "json" if as_json or (output is None and batch is not None) else output or "text"
    settings, chosen, model, store = open_reasoning(engine, record, no_cache, collection)
    filters = Filters(sources=source or [], since=since, until=until, firm_dates=firm_dates)
    if batch is not None:
        _check_batch(batch, output, settings, store, lambda text: check_text(store, text, model, chosen, filters))
        return
    text = claim if claim not in (None, "-") else _read_draft(file or "-")
    result = check_text(store, text, model, chosen, filters, draft=file is not None)
    if output == "json":
        print_json(result.model_dump())
    elif output == "claimreview":
        print_json(claim_review_document([(None, result)], settings.author, settings.author_url,
                                         _urls(store, [result])))
    elif output == "csv":
        CsvOut(sys.stdout, CHECK_COLUMNS).write(check_rows("1", result, _urls(store, [result])))
    else:
        render_check(result)


def _check_batch(batch: Path, output: Format, settings: Settings, store: Store,
                 check: Callable[[str], CheckResult]) -> None:
    """A table per record, JSONL (one result per record, as it is done), CSV rows as they are done, or one JSON-LD
    document. A record
    that fails, or a line that cannot be read, is an error in its place, named on stderr; the rest of the batch still
    runs, and the exit code is then 1."""
    table = CsvOut(sys.stdout, CHECK_COLUMNS) if output == "csv" else None
    reviewed: list[tuple[str, CheckResult]] = []
    records = batch_records(batch, ("text", "claim"), plain_lines=False)
    failed = False
    for record in records:
        if record.text is None:  # an unreadable line: named on stderr, an error in its place
            print_error(record.error)
            error = record.error
        else:
            try:
                result = check(record.text)
                error = ""
            except FactcheckError as exc:  # one bad record never stops the batch
                error = str(exc)
                print_error(f"{batch}: record {record.id}: {error}")
        failed = failed or bool(error)
        if output == "text":  # one table per record, headed by its id, as a single claim's
            out.print(f"[bold]record {escape(record.id)}[/]" + (f" [red]error:[/] {escape(error)}" if error else ""))
            if not error:
                render_check(result)
            continue
        if error:
            if table is not None:
                table.write(check_rows(record.id, None, {}, error))
            elif output != "claimreview":
                print_json({"id": record.id, "error": error})
            continue
        if table is not None:
            table.write(check_rows(record.id, result, _urls(store, [result])))
        elif output == "claimreview":
            reviewed.append((record.id, result))
        else:
            print_json({"id": record.id, **result.model_dump()})
    if output == "claimreview":
        print_json(claim_review_document(reviewed, settings.author, settings.author_url,
                                         _urls(store, [r for _, r in reviewed])))
    if failed:
        raise typer.Exit(1)  # as ingest does: the readable records are done, the bad ones were named


def _urls(store: Store, results: Iterable[CheckResult]) -> dict[str, str | None]:
    """The URL of every cited article (None when the article has none)."""
    ids = {c.article_id for result in results for v in result.claims for c in v.citations}
    return {article_id: a.meta.url for article_id, a in store.articles_by_id(ids).items()}


def _read_draft(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {read_problem(exc)}")
        return ""


def render_check(result: CheckResult) -> None:
    table = Table("claim", "verdict", "quote", "source", "date", show_lines=True)
    for v in result.claims:
        colour = COLOURS.get(v.verdict, "white")
        verdict = f"[{colour}]{v.verdict}[/]\n[dim]{v.confidence:.2f} · {escape(v.decided_by)}[/]"
        # disputed: the stories disagree, so both sides are the finding, each source under its own quote
        if v.verdict == "disputed" and len(v.citations) > 1:
            sides = "\n\n".join(escape(f"“{q.quote}”") + f"\n[dim]— {escape(q.source)} {q.date or ''}[/]"
                                for q in v.citations[:2])
            table.add_row(escape(v.claim), verdict, sides, "", "")
            continue
        quote = v.citations[0] if v.citations else (v.nearest[0] if v.nearest else None)
        shown = escape(f"“{quote.quote}”") if quote else ""
        if quote is not None and not v.citations:  # the closest evidence read, which settles nothing
            shown = f"[dim]closest evidence, which does not settle it:[/]\n{shown}"
        table.add_row(escape(v.claim), verdict, shown,
                      escape(quote.source) if quote else "", (quote.date or "") if quote else "")
    out.print(table)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    if result.usage.calls:
        u = result.usage
        err.print(f"[dim]{u.calls} model calls, {u.prompt_tokens} prompt + {u.completion_tokens} completion tokens[/]")
