"""factcheck-assistant: check facts against a corpus of articles, with citations proven to come from the sources.

The names below are imported on first use, so `import assistant` (which every `factcheck` command does) costs
nothing: `factcheck --help` must not pay for pydantic-settings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.config import Settings, get_settings
    from assistant.errors import FactcheckError
    from assistant.types import Article, Chunk, Passage

__version__ = "0.1.0"

_LAZY = {"Settings": "assistant.config", "get_settings": "assistant.config", "FactcheckError": "assistant.errors",
         "Article": "assistant.types", "Chunk": "assistant.types", "Passage": "assistant.types"}

__all__ = ["Article", "Chunk", "FactcheckError", "Passage", "Settings", "__version__", "get_settings"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
