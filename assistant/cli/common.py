"""What every command shares: error handling, output consoles, JSON printing, opening the store."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from assistant.config import Settings, load_settings
from assistant.errors import FactcheckError

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
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted")
        except Exception as exc:  # the last line of defence: a one-line report, the traceback only on request
            if os.environ.get("FACTCHECK_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                 "(set FACTCHECK_DEBUG=1 for details)")
        raise AssertionError("unreachable")

    return wrapper


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def settings() -> Settings:
    return load_settings()


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()
