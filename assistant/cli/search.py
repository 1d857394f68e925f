"""`factcheck search QUERY`: find passages."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel

from assistant.cli.common import handles_errors, out, print_json, settings
from assistant.runtime import open_store


@handles_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("--k", min=1, max=200, help="Number of results.")] = 5,
    collection: Annotated[str | None, typer.Option(help="Collection to search.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the stored passages (vector search)."""
    store = open_store(settings(), collection)
    passages = store.dense_search(query, k)
    if as_json:
        print_json({"query": query, "mode": "dense", "results": [p.model_dump() for p in passages]})
        return
    if not passages:
        out.print("No passages found.")
    for rank, p in enumerate(passages, start=1):
        heading = f"[bold]{rank}. {p.title}[/] · {p.source} · {p.date or 'undated'} · score {p.score:.3f}"
        out.print(Panel(p.text, title=heading, title_align="left", subtitle=f"{p.chunk_id} [{p.start}:{p.end}]",
                        subtitle_align="right"))
