"""What every command shares: error handling, output consoles, JSON printing, opening the store."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from assistant.config import Settings, debug_requested, load_settings
from assistant.errors import FactcheckError, json_problem, read_problem

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Known errors become one line on stderr and exit code 1; unknown ones too, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except FactcheckError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)  # the shell's code for a command ended by Ctrl-C
        except Exception as exc:  # the last line of defence: a one-line report, the traceback only on request
            if debug_requested():
                raise
            fail(f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                 "(set FACTCHECK_DEBUG=1 for details)")

    return wrapper


USAGE = 2  # the exit code of a usage error (options that cannot go together), as click gives an unknown flag


def print_error(message: str) -> None:
    """One `error:` line on stderr (the message is data, never markup)."""
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    print_error(message)
    raise typer.Exit(code)


def settings() -> Settings:
    return load_settings()


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class BatchRecord:
    """One line of a batch file: its id and text, or (text None) why the line could not be read."""

    id: str
    text: str | None
    error: str = ""


def batch_records(path: Path, fields: tuple[str, ...], plain_lines: bool) -> list[BatchRecord]:
    """The records of a batch file: JSONL objects with `id` and the first of `fields` they have (a reporter's
    file says "claim" where ours says "text"), or (if `plain_lines`) plain text lines numbered from 1. A malformed
    line is a record with its error, naming the file and line, so that the rest of the batch still runs (as a bad
    record does in ingest)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {read_problem(exc)}")
    records: list[BatchRecord] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if plain_lines and not line.lstrip().startswith("{"):
            records.append(BatchRecord(str(number), line.strip()))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append(BatchRecord(str(number), None, f"{path}:{number}: malformed JSON ({json_problem(exc)})"))
            continue
        field = next((f for f in fields if isinstance(record, dict) and isinstance(record.get(f), str)), None)
        if field is None:
            wanted = " or ".join(f"'{f}'" for f in fields)
            records.append(BatchRecord(str(record.get("id", number) if isinstance(record, dict) else number), None,
                                       f"{path}:{number}: expected an object with a string {wanted}"))
            continue
        records.append(BatchRecord(str(record.get("id", number)), record[field]))
    return records
