"""factcheck-assistant: check facts against a corpus of articles, with citations proven to come from the sources."""

from assistant.config import Settings, get_settings
from assistant.errors import FactcheckError
from assistant.types import Article, Chunk, Passage

__version__ = "0.1.0"

__all__ = ["Article", "Chunk", "FactcheckError", "Passage", "Settings", "__version__", "get_settings"]
