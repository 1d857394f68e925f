"""`factcheck sources`: list stored articles; `factcheck sources remove ID`: delete one everywhere."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Column, Table

from assistant.cli.common import handles_errors, out, print_json
from assistant.cli.options import CollectionOption, JsonOption, read_settings
from assistant.runtime import open_store
from assistant.text import date_label

app = typer.Typer(help="List or remove stored articles.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
@handles_errors
def list_sources(ctx: typer.Context, collection: CollectionOption = None, as_json: JsonOption = False) -> None:
    """List every article: id, title, source, date, chunks, story cluster."""
    if ctx.invoked_subcommand is not None:
        return
    store = open_store(read_settings(collection, empty_ok=True), collection)
    articles = store.articles()
    if as_json:
        print_json({"articles": [
            {"id": a.id, "title": a.meta.title, "source": a.meta.source, "date": a.meta.date,
             "date_inferred": a.meta.date_inferred, "date_source": a.meta.date_source,
             "date_confidence": a.meta.date_confidence, "url": a.meta.url, "chunks": a.n_chunks, "cluster": a.cluster,
             "origin": a.origin}
            for a in articles]})
        return
    if not articles:
        out.print("No articles yet. Add some with `factcheck ingest PATH`.")
        return
    id_column = Column("id", no_wrap=True)  # never cut short: it is what `sources remove` takes
    table = Table(id_column, "title", "source", "date", "chunks", "story cluster")
    for a in articles:
        date = date_label(a.meta.date, a.meta.date_source or ("inferred_from_copy" if a.meta.date_inferred else None))
        table.add_row(a.id, a.meta.title, a.meta.source, date, str(a.n_chunks), a.cluster)
    out.print(table)


@app.command("remove")
@handles_errors
def remove(
    article_id: Annotated[str, typer.Argument(help="Article id, as `factcheck sources` shows it.")],
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete an article from the vector store and the lexical index."""
    store = open_store(read_settings(collection, empty_ok=True), collection)
    article = store.remove_article(article_id)
    if as_json:
        print_json({"removed": article.id, "title": article.meta.title})
    else:
        out.print(f"Removed {article.id} ({article.meta.title}).")
