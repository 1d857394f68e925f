"""`factcheck ingest PATH...`: load files into the store."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.cli.common import err, handles_errors, out, print_json, settings
from assistant.ingest.pipeline import Ingestor
from assistant.runtime import open_store
from assistant.types import IngestReport


@handles_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    collection: Annotated[str | None, typer.Option(help="Collection to ingest into.")] = None,
    prune: Annotated[bool, typer.Option("--prune", help="Remove the articles of files that were ingested from these "
                                        "paths before and are gone now.")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Exit (code 1) if another ingest is writing to the "
                                          "collection, instead of waiting for it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest article files (txt, md, html, jsonl, csv) into the store."""
    chosen = settings()
    store = open_store(chosen, collection)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as progress:  # no stray lines in logs
        files = progress.add_task("files read", total=None)
        embedding = progress.add_task("chunks embedded", total=0)  # the slow part: its estimate is the useful one
        queued = 0

        def on_progress(event: str, amount: int) -> None:
            nonlocal queued
            if event == "files_total":
                progress.update(files, total=amount)
            elif event == "file_done":
                progress.advance(files, amount)
            elif event == "chunks_queued":
                queued += amount
                progress.update(embedding, total=queued)
            elif event == "chunks_embedded":
                progress.advance(embedding, amount)
            elif event == "writer_busy":
                who = f" (pid {amount})" if amount else ""
                err.print(f"another ingest is writing to this collection{who}; waiting", soft_wrap=True)

        with _stop_on_signals() as stop:
            report = Ingestor(store, chosen, on_progress, stop=stop.is_set, wait=not no_wait,
                              prune=prune).run(paths)
    store.close()
    if report.gone_files:
        err.print(f"notice: {report.gone_files} files ingested before from these paths are gone; their "
                  f"{report.gone_articles} articles are still stored and searchable (`factcheck ingest --prune "
                  "PATH...` removes them)", soft_wrap=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {escape(str(warning))}", markup=True, highlight=False, soft_wrap=True)
    for problem in report.errors:
        # escape: a path or reason may contain "[...]", which rich would take for markup and drop
        err.print(f"[red]failed:[/] {escape(str(problem))}", markup=True, highlight=False, soft_wrap=True)
    if as_json:
        print_json(report.model_dump())
    else:
        _print_summary(report)
    if report.interrupted:
        err.print(f"interrupted: saved {report.articles} articles ({report.chunks} chunks) from the files read so far; "
                  f"{report.remaining} files remain: run the same command again to ingest them", soft_wrap=True)
        raise typer.Exit(130)
    if report.failed:
        raise typer.Exit(1)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """The first SIGINT/SIGTERM asks the ingest to stop after dropping the batch in progress (committed batches
    stay); a second SIGINT stops at once (the next run repairs whatever that leaves half-written)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield stop
        return

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        err.print("stopping: keeping every finished batch (Ctrl-C again to quit at once)")

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _print_summary(report: IngestReport) -> None:
    out.print(report.summary(), soft_wrap=True)  # one line, whatever the terminal width
