"""The error tree. Every class carries a message fit to show a user on one line.

    FactcheckError                 base: anything the tool reports to a user (exit code 1)
    ├── ConfigError                a setting is missing or invalid
    │   └── UnknownSettingError    a FACTCHECK_* variable or config key that does not exist (exit code 2)
    ├── InputError                 a file or record cannot be ingested (names the file and line)
    ├── StoreError                 the vector or lexical store cannot be opened or written
    │   └── EmbeddingMismatchError the collection was built with another embedding model
    ├── ModelError                 a shipped model file (ONNX, tokenizer) is missing, corrupt or failed
    │   └── EmbeddingError         the embedding model failed or is missing
    ├── NotFoundError              an article id or collection does not exist
    └── LLMError                   the language model could not give a usable reply
        ├── LLMAuthError           the key was refused (401/403)
        ├── LLMUnavailableError    timeouts, rate limits and server errors, after retries
        ├── LLMOutputError         the reply was not the JSON asked for
        └── ReplayMissError        no recorded response for this call (names the key and how to record it)

Nothing else reaches a user: the CLI turns any other exception into a one-line "internal error".
"""

from __future__ import annotations

import json


class FactcheckError(Exception):
    """Base class: `str(error)` is a complete, one-line message for a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(FactcheckError):
    """A setting is missing or invalid."""


class UnknownSettingError(ConfigError):
    """A setting's name is misspelt: a usage error, like an unknown option."""

    exit_code = 2


class InputError(FactcheckError):
    """A file, or one record of it, cannot be ingested."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


class StoreError(FactcheckError):
    """The vector or lexical store cannot be opened, read or written."""


class EmbeddingMismatchError(StoreError):
    """The collection was built with a different embedding model than the one configured."""


class ModelError(FactcheckError):
    """A model file the tool runs locally is missing, corrupt or failed (names the file)."""


class EmbeddingError(ModelError):
    """The embedding model is missing or failed."""


class NotFoundError(FactcheckError):
    """An article, chunk or collection does not exist."""


class LLMError(FactcheckError):
    """The language model could not give a usable reply."""


class LLMAuthError(LLMError):
    """The API key was refused."""


class LLMUnavailableError(LLMError):
    """The model endpoint timed out, rate-limited or failed, after retries."""


class LLMOutputError(LLMError):
    """The model's reply was not the structured output requested."""


class ReplayMissError(LLMError):
    """The replay engine has no recorded response for this call."""


def read_problem(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file given to a command could not be read, in plain words: "no such file", not "[Errno 2] No such
    file or directory: 'draft.txt'" (the message already names the file)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start})"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    return (exc.strerror or str(exc)).lower()


def json_problem(exc: json.JSONDecodeError) -> str:
    """What is wrong with one line of JSON, and where: "Expecting value at column 1", "Unterminated string starting
    at column 21" (the json module's own message ends in "at" where a position follows)."""
    where = f"column {exc.colno}"
    return f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} at {where}"
