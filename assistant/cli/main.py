"""The `factcheck` command: one typer app, one module per command group."""

from __future__ import annotations

import typer

from assistant import __version__
from assistant.cli import sources
from assistant.cli.ask import ask_command
from assistant.cli.audit import audit_command
from assistant.cli.chat import chat_command
from assistant.cli.check import check_command
from assistant.cli.eval import eval_command
from assistant.cli.ingest import ingest
from assistant.cli.mcp import mcp_command
from assistant.cli.search import search_command
from assistant.cli.slack import slack_app

app = typer.Typer(
    name="factcheck",
    help="Check facts against a corpus of articles, with citations proven to come from the sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(ingest)
app.command("search")(search_command)
app.command("ask")(ask_command)
app.command("check")(check_command)
app.command("chat")(chat_command)
app.command("audit")(audit_command)
app.command("eval")(eval_command)
app.command("mcp")(mcp_command)
app.add_typer(sources.app, name="sources")
app.add_typer(slack_app, name="slack")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"factcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """Check facts against a corpus of articles."""


def run() -> None:
    app()
