"""The `factcheck` command: one typer app whose commands are imported only when they run.

`factcheck --help` lists the commands from the table below without importing any of them (each pulls in pydantic,
numpy, the store or a model client: ~2 s and ~60 MB before this change); `factcheck NAME` imports NAME's module
only. tests/cli/test_usage.py checks each one-line help against the command's own docstring.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name -> (module, attribute: a command function or a typer sub-app, the one line `factcheck --help` shows)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "ingest": ("assistant.cli.ingest", "ingest", "Ingest article files (txt, md, html, jsonl, csv) into the store."),
    "search": ("assistant.cli.search", "search_command", "Search the stored passages."),
    "ask": ("assistant.cli.ask", "ask_command", "Answer a question from the corpus, citing the sources word for word."),
    "check": ("assistant.cli.check", "check_command",
              "Check claims against the corpus: supported, contradicted, not_enough_evidence or disputed."),
    "chat": ("assistant.cli.chat", "chat_command",
             "A conversational session: ask, follow up, /check a sentence, /filter to one outlet or date range."),
    "audit": ("assistant.cli.audit", "audit_command",
              "Find passages from different stories or outlets that disagree on a number, date, name or speaker."),
    "eval": ("assistant.cli.eval", "eval_command",
             "Score the suites in ./evals/suites (or --suites) and fail (exit 1) when a metric drops."),
    "mcp": ("assistant.cli.mcp", "mcp_command",
            "Serve search, ask, check and sources as MCP tools (stdio by default: for Claude Desktop, IDEs, agents)."),
    "sources": ("assistant.cli.sources", "app", "List or remove stored articles."),
    "slack": ("assistant.cli.slack", "slack_app", "The Slack bot: fact-checks and answers inside Slack threads."),
}


# typer vendors its own click (typer._click, private): the overrides below are typed loosely rather than reach in.
def load_command(name: str) -> Any:
    """The real click command for NAME, importing its module now."""
    module, attribute, _ = COMMANDS[name]
    target: Any = getattr(importlib.import_module(module), attribute)
    command: Any
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)  # a group even with one sub-command (`slack serve`)
    else:
        single = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    _flags_take_no_value(command)
    return command


def _flags_take_no_value(command: Any) -> None:
    """Give every flag (`--json`, `--help` too) of the command and its sub-commands an empty metavar: the help
    then shows none after it, where typer's rich help (0.29) prints the Python type (`--json <bool>`) as if the
    flag took a value. Options that take one keep theirs."""
    help_option = command.get_help_option(command.context_class(command))
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _flags_take_no_value(sub)


class LazyGroup(TyperGroup):
    """Lists the commands from COMMANDS; imports one only when it is invoked (or its own --help is asked for)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name][2])  # enough for the listing in --help

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # typer suggests from the commands it holds, and this group holds none until one runs: suggest from COMMANDS.
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            import difflib

            matches = difflib.get_close_matches(args[0], list(COMMANDS))
            if matches:
                ctx.fail(f"No such command {args[0]!r}. Did you mean {', '.join(map(repr, matches))}?")
        name, _, rest = super().resolve_command(ctx, args)
        return name, load_command(name) if name else None, rest


app = typer.Typer(
    name="factcheck",
    cls=LazyGroup,
    rich_markup_mode=None,  # plain click help: rich formatting alone costs ~0.25 s of imports on every --help
    help="Check facts against a corpus of articles, with citations proven to come from the sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from assistant import __version__

        typer.echo(f"factcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit.")) -> None:
    """Check facts against a corpus of articles."""


def run() -> None:
    app()
