"""How `factcheck chat` shows things: answers with numbered footnotes, verdict cards, sources, help. Render only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.cli.common import err, out
from assistant.text import date_label
from assistant.types import Answer, Article, CheckResult, Citation, IngestReport, Usage, Verdict

COLOURS = {"supported": "green", "contradicted": "red", "disputed": "magenta", "not_enough_evidence": "yellow"}
COMMANDS: list[tuple[str, str]] = [
    ("QUESTION  or  /ask QUESTION", "answer from the corpus, each statement cited word for word"),
    ("/check TEXT", "a verdict card for each claim in TEXT, with the quotes it rests on"),
    ("/sources", "the articles in the store (those the filter keeps are marked)"),
    ("/filter source=S[,S] since=YYYY-MM-DD until=YYYY-MM-DD", "narrow retrieval; keys not given are kept"),
    ("/filter  ·  /filter clear", "show the filter  ·  remove it"),
    ("/ingest PATH", "add a file or a folder to the store"),
    ("/json on|off", "one JSON object per turn instead of rich output"),
    ("/reset", "forget the conversation (follow-ups start afresh; the filter stays)"),
    ("/help  ·  /quit", "this list  ·  leave (Ctrl-D and Ctrl-C leave too)"),
]


def spinner(message: str, enabled: bool = True) -> AbstractContextManager[Any]:
    """A spinner on a terminal; nothing at all when the output is a pipe or a file."""
    return out.status(message, spinner="dots") if enabled and out.is_terminal else nullcontext()


def banner(engine: str, model: str | None, collection: str, articles: int) -> None:
    out.print(f"[bold]factcheck chat[/] · engine {engine}{' · ' + escape(model) if model else ''} · "
              f"collection {escape(collection)} · {articles} articles\n"
              "[dim]Ask a question, /check a sentence, /help for commands, Ctrl-D to leave.[/]", soft_wrap=True)


def echo_input(line: str) -> None:
    """Scripted sessions show each input line, so the transcript reads like a conversation."""
    out.print(f"[bold cyan]›[/] {escape(line)}", soft_wrap=True)


def rewritten(query: str) -> None:
    out.print(f"[dim]↳ searching for: {escape(query)}[/]", soft_wrap=True)


def error_line(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    out.print(escape(message), soft_wrap=True)


def answer(result: Answer) -> None:
    title = f"answer · {result.engine}" + (f" · {result.model}" if result.model else "")
    out.print(Panel(Text(result.answer), title=escape(title), title_align="left", border_style="blue"))
    for line in footnotes(result.citations):
        out.print(line, soft_wrap=True)
    _warnings_and_usage(result.warnings, result.usage)


def footnotes(citations: Sequence[Citation]) -> Iterator[str]:
    for number, c in enumerate(citations, start=1):
        dated = date_label(c.date, c.date_source, "undated")
        yield (f"[bold][{number}][/] {escape(c.title)} · [cyan]{escape(c.source)}[/] · {dated}\n"
               f"    “{escape(c.quote)}”")


def check(result: CheckResult) -> None:
    for verdict in result.claims:
        out.print(verdict_card(verdict))
    _warnings_and_usage(result.warnings, result.usage)


def verdict_card(v: Verdict) -> Panel:
    colour = COLOURS.get(v.verdict, "white")
    parts: list[Any] = [Text(v.claim, style="bold")]
    if v.rationale:
        parts.append(Text(v.rationale))
    parts.append(Text.from_markup(f"[dim]decided by {escape(v.decided_by)} · "
                                  f"{v.independent_sources} independent source(s)[/]"))
    parts.extend(Text.from_markup(line) for line in footnotes(v.citations))
    if v.nearest:
        parts.append(Text("Closest evidence read (it does not settle the claim):", style="dim"))
        parts.extend(Text.from_markup(line) for line in footnotes(v.nearest))
    title = f"[bold {colour}]{v.verdict}[/] · {v.confidence:.2f}"
    return Panel(Group(*parts), title=title, title_align="left", border_style=colour)


def sources(articles: Sequence[Article], kept: set[str], filter_text: str) -> None:
    if not articles:
        out.print("No articles yet. Add some with /ingest PATH.")
        return
    table = Table("", "source", "date", "title", "chunks", title=f"filter: {escape(filter_text)}",
                  title_justify="left")
    for a in articles:
        mark = "[green]●[/]" if a.id in kept else "[dim]○[/]"
        table.add_row(mark, escape(a.meta.source), a.meta.date or "", escape(a.meta.title), str(a.n_chunks))
    out.print(table)


def ingest_report(report: IngestReport) -> None:
    for problem in report.errors:
        err.print(f"[red]failed:[/] {escape(str(problem))}", soft_wrap=True)
    out.print(report.summary(), soft_wrap=True)


def help_table() -> None:
    table = Table("command", "what it does", box=None, show_header=False)
    for usage, meaning in COMMANDS:
        table.add_row(f"[bold]{escape(usage)}[/]", escape(meaning))
    out.print(table)
    out.print("[dim]Follow-ups are rewritten into standalone queries (shown dimmed). Answers appear whole: "
              "the chat models in use do not stream tokens.[/]", soft_wrap=True)


def _warnings_and_usage(warnings: Sequence[str], usage: Usage) -> None:
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    if usage.calls:
        out.print(f"[dim]{usage.calls} model calls, {usage.prompt_tokens} prompt + {usage.completion_tokens} "
                  f"completion tokens, ~${usage.cost_usd:.4f}[/]", soft_wrap=True)
