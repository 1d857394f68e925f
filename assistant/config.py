"""One Settings object, read from FACTCHECK_* environment variables and an optional TOML file.

Nothing here touches the disk at import time; `get_settings()` builds the object on first use.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError, UnknownSettingError
from assistant.resources import EVALS, resource_path

EmbeddingsKind = Literal["local", "openai", "hashing"]  # hashing: no model (tests; see store/hashing.py)
EngineKind = Literal["auto", "local", "openai", "replay"]
WorkerKind = Literal["process", "thread"]

# USD per million (prompt, completion) tokens; override with FACTCHECK_PRICES='{"model": [in, out]}'.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


class OpenAISettings(BaseSettings):
    """OPENAI_API_KEY and OPENAI_BASE_URL (the OpenAI SDK's own names), read here and nowhere else."""

    # Other OPENAI_* variables belong to other tools (the SDK reads OPENAI_ORG_ID...): not ours to refuse.
    model_config = SettingsConfigDict(env_prefix="OPENAI_", extra="ignore")

    api_key: SecretStr | None = None
    base_url: str | None = None

    @field_validator("api_key", "base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value

    @property
    def configured(self) -> bool:
        """An endpoint is given: a key (OpenAI's API) or a base URL (any compatible server)."""
        return bool(self.api_key or self.base_url)

    def key(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key else None


class SlackSettings(BaseSettings):
    """The Slack app's credentials: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", extra="ignore")

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None

    @field_validator("bot_token", "signing_secret", "app_token", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value


# Groups of settings read from their own variables (OPENAI_*, SLACK_*), or a [table] of the config file.
GROUPS: dict[str, type[BaseSettings]] = {"openai": OpenAISettings, "slack": SlackSettings}


class Settings(BaseSettings):
    """Every knob of the tool. Env var = FACTCHECK_ + field name in capitals."""

    model_config = SettingsConfigDict(env_prefix="FACTCHECK_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("factcheck-assistant")))
    read_only: bool = False  # never write the store (also automatic when the data dir is not writable)
    chroma_url: str | None = None
    database_url: str | None = None  # postgresql://...: the catalog on a shared Postgres (needs chroma_url too)
    collection: str = "articles"

    embeddings: EmbeddingsKind = "local"
    openai_embedding_model: str = "text-embedding-3-small"
    embed_batch_size: int = Field(default=64, ge=1, le=1024)
    onnx_threads: int = Field(default=0, ge=0, description="0 = one per physical core")

    chunk_chars: int = Field(default=700, ge=100, le=4000)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)
    max_file_mb: float = Field(default=50.0, gt=0)
    batch_chunks: int = Field(default=512, ge=1, description="chunks per commit: bounds the work a crash can lose")
    syndication_threshold: float = Field(default=0.3, gt=0, lt=1)
    field_map: str = ""  # jsonl/csv field names, e.g. "text=body,source=publisher"
    date_order: str = ""  # DMY or MDY for dates like 05/06/2022; per source or file too: "DMY,example.com=MDY"

    engine: EngineKind = "auto"  # auto: openai when OPENAI_API_KEY or OPENAI_BASE_URL is set, else local
    model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_tokens: int | None = Field(default=None, ge=1, description="cap on a reply's tokens; unset: the server's")
    record: bool = False  # record real model replies as fixtures (with --engine openai)
    llm_server: str = ""  # what serves OPENAI_BASE_URL (e.g. "llama.cpp server"), written into recorded fixtures
    cache: bool = True  # SQLite response cache for model calls
    fixtures_dir: Path = Field(default_factory=lambda: resource_path(EVALS, "fixtures"))  # the shipped replies
    prices: dict[str, tuple[float, float]] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)

    # Read before any Settings exist (see `early_variable`), fields all the same: documented, validated, named.
    config: Path | None = None  # the TOML file these settings are read from
    debug: bool = False  # internal errors keep their traceback
    prompts_dir: Path | None = None  # prompt files to use instead of the shipped ones (to try a prompt change)
    datasets: Path | None = None  # the public datasets the eval suites build from; unset: ../shared/datasets

    author: str = "factcheck-assistant"  # the organisation named as author of exported ClaimReviews
    author_url: str | None = None  # its web address, if any (ClaimReview author.url)

    slack_api_url: str | None = None  # Slack Web API base URL override (tests, proxies); unset: Slack's own
    slack_allowed_channels: str = ""  # comma-separated channel ids the bot answers in; empty: every channel
    slack_rate_limit: int = Field(default=10, ge=1, description="Slack requests per user per minute")
    slack_workers: int = Field(default=2, ge=1, le=256, description="requests the bot works on at once")
    slack_worker_kind: WorkerKind = "process"  # process: one runtime per process (CPU-bound local engine)
    slack_queue: int = Field(default=32, ge=0, le=100_000, description="requests waiting for a worker before 'busy'")

    @field_validator("chroma_url", "database_url", "config", "prompts_dir", "datasets", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return value or None

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        return value

    @field_validator("debug", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        return value if value != "" else False

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


# Two variables are read before Settings can be built, through `early_variable` and nowhere else: FACTCHECK_CONFIG
# names the file Settings are built from, and FACTCHECK_DEBUG decides how an error is shown, an error in the
# settings themselves included. Both are Settings fields too (`config`, `debug`), so they are documented and
# validated like every other setting.
EARLY_VARIABLES = ("FACTCHECK_CONFIG", "FACTCHECK_DEBUG")


def early_variable(name: Literal["FACTCHECK_CONFIG", "FACTCHECK_DEBUG"]) -> str:
    """The raw value of one of the EARLY_VARIABLES ("" when unset)."""
    return os.environ.get(name, "").strip()


def debug_requested() -> bool:
    """FACTCHECK_DEBUG is set to anything but a false value: internal errors keep their traceback."""
    return early_variable("FACTCHECK_DEBUG").lower() not in ("", "0", "false", "no", "off")


def _file_values() -> dict[str, Any]:
    """Values from the TOML file named by FACTCHECK_CONFIG; environment variables win over it."""
    path = early_variable("FACTCHECK_CONFIG")
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return values


def _closest(name: str, valid: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, sorted(valid), n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else f"; valid names: {', '.join(sorted(valid))}"


def _group_variables() -> set[str]:
    """OPENAI_API_KEY, SLACK_BOT_TOKEN, ...: the variables the groups are read from."""
    return {f"{model.model_config.get('env_prefix', '')}{key.upper()}"
            for model in GROUPS.values() for key in model.model_fields}


def _closest_variable(name: str, valid: set[str]) -> str:
    """A group's key spelt as a FACTCHECK_ variable (FACTCHECK_OPENAI__API_KEY, FACTCHECK_SLACK_BOT_TOKEN) is
    pointed at the group's own variable; anything else at the closest FACTCHECK_ name."""
    bare = name.removeprefix("FACTCHECK_").replace("__", "_")
    groups = _group_variables()
    if bare in groups:
        return f"; did you mean {bare}?"
    return _closest(name, valid | groups)


def check_names(environ: dict[str, str], file_values: dict[str, Any], file: str = "") -> None:
    """A misspelt FACTCHECK_* variable or config key (a group's keys too) is an error naming the closest valid one,
    never ignored."""
    fields = set(Settings.model_fields)
    valid = {f"FACTCHECK_{f.upper()}" for f in fields - GROUPS.keys()}
    for name in sorted(environ):
        if name.startswith("FACTCHECK_") and name not in valid:
            raise UnknownSettingError(f"unknown setting {name}{_closest_variable(name, valid)}")
    for key in sorted(set(file_values) - fields):
        raise UnknownSettingError(f"unknown key '{key}' in config file {file}{_closest(key, fields)}")
    for group, model in GROUPS.items():
        table = file_values.get(group)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"'{group}' in config file {file} must be a table ([{group}])")
        keys = set(model.model_fields)
        for key in sorted(set(table) - keys):
            raise UnknownSettingError(f"unknown key '{group}.{key}' in config file {file}{_closest(key, keys)}")


def _group_values(group: str, table: dict[str, Any]) -> BaseSettings:
    """A [group] table of the config file, under the group's environment variables (which win, as everywhere)."""
    model = GROUPS[group]
    prefix = str(model.model_config.get("env_prefix", ""))
    try:
        return model(**{k: v for k, v in table.items() if f"{prefix}{k.upper()}" not in os.environ})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {group}.{key} in the config file: {first['msg']}") from None


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from the config file, the environment and explicit overrides (highest first: overrides)."""
    values = _file_values()
    check_names(dict(os.environ), values, early_variable("FACTCHECK_CONFIG"))
    file_values = {k: v for k, v in values.items() if k not in GROUPS and f"FACTCHECK_{k.upper()}" not in os.environ}
    file_values |= {group: _group_values(group, values[group]) for group in GROUPS if group in values}
    try:
        return Settings(**{**file_values, **overrides})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")  # pydantic's prefix for a validator's own words
        raise ConfigError(f"invalid setting FACTCHECK_{field.upper()}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
