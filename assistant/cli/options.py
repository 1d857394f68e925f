"""Options shared by the commands that reason (ask, check, audit, chat, eval)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.config import Settings, load_settings
from assistant.llm.base import ChatModel
from assistant.runtime import Runtime
from assistant.store.store import Store, require_collection

EngineOption = Annotated[str | None, typer.Option(
    "--engine", help="local (no network), openai (any OpenAI-compatible server) or replay (recorded fixtures). "
                     "Default: FACTCHECK_ENGINE, else openai when OPENAI_API_KEY/OPENAI_BASE_URL is set, else local.")]
RecordOption = Annotated[bool, typer.Option(
    "--record", help="Record the model's replies as fixtures into ./evals/fixtures (or FACTCHECK_FIXTURES_DIR).")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")]
SourceOption = Annotated[list[str] | None, typer.Option("--source", help="Only this outlet (repeatable).")]
SinceOption = Annotated[str | None, typer.Option(help="Only articles dated on or after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option(help="Only articles dated on or before YYYY-MM-DD.")]
FirmDatesOption = Annotated[bool, typer.Option(
    "--firm-dates", help="Only articles whose date the file itself gives (not one from the URL or a copy).")]
CollectionOption = Annotated[str | None, typer.Option(help="Collection to use.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def read_settings(collection: str | None, empty_ok: bool = False, **overrides: bool) -> Settings:
    """Settings for a command that reads a collection, which must exist (the default one too, unless `empty_ok`:
    `sources` says an empty store is empty, `eval` builds its own)."""
    loaded = load_settings(**overrides)
    if collection is not None or not empty_ok:
        require_collection(loaded, collection)
    return loaded


def reasoning_settings(record: bool, no_cache: bool, collection: str | None = None, empty_ok: bool = False
                       ) -> Settings:
    overrides: dict[str, bool] = {}
    if record:
        overrides["record"] = True
    if no_cache:
        overrides["cache"] = False
    return read_settings(collection, empty_ok, **overrides)


def open_reasoning(engine: str | None, record: bool, no_cache: bool, collection: str | None,
                   empty_ok: bool = False) -> tuple[Settings, str, ChatModel | None, Store]:
    """What every reasoning command starts from: settings, the resolved engine, its model and the store."""
    runtime = Runtime(reasoning_settings(record, no_cache, collection, empty_ok), collection, engine)
    return runtime.settings, runtime.engine, runtime.model, runtime.store
