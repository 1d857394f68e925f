"""What the integrations share: settings with an optional data dir, the one Runtime, filters from arguments."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings, load_settings
from assistant.retrieve import Filters
from assistant.runtime import Runtime

__all__ = ["Runtime", "filters_from", "integration_settings"]


def integration_settings(data_dir: str | Path | None = None) -> Settings:
    """The CLI's settings (environment, config file), with the data dir overridden when one is given."""
    return load_settings(data_dir=Path(data_dir)) if data_dir is not None else load_settings()


def filters_from(source: str | Sequence[str] | None, since: str | None, until: str | None) -> Filters:
    """The CLI's filters: one outlet or several, dates as YYYY-MM-DD (a bad date is a FactcheckError)."""
    sources = [source] if isinstance(source, str) else list(source or [])
    return Filters(sources=sources, since=since, until=until)
