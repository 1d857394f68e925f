"""Prompt templates live in prompts/*.txt as files, never as Python strings.

The folder ships inside the package as `assistant.prompt_files` (mapped in pyproject.toml) and is read with
importlib.resources; FACTCHECK_PROMPTS_DIR points at another folder instead.

A file has a `[system]` section and a `[user]` section; `{{name}}` placeholders are filled strictly: a missing
or unused variable is an error. Each prompt has a content hash, which keys recorded fixtures, so editing a
prompt without re-recording its fixtures is caught.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.resources import PROMPTS, resource

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)


def prompts_dir(settings: Settings | None = None) -> Traversable:
    """The shipped prompts, or FACTCHECK_PROMPTS_DIR (to try a prompt change without touching the package)."""
    override = (settings or load_settings()).prompts_dir
    return override if override else resource(PROMPTS)


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str
    hash: str  # first 12 hex chars of sha256 of the file

    @property
    def variables(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.system)) | set(_PLACEHOLDER.findall(self.user))


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    hash: str
    system: str
    user: str


def load_prompt(name: str, directory: Traversable | None = None) -> Prompt:
    path = (directory or prompts_dir()) / f"{name}.txt"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file {path} cannot be read: {exc.strerror}") from None
    parts = _SECTION.split(raw)
    sections = dict(zip(parts[1::2], (p.strip("\n") for p in parts[2::2]), strict=True))
    if set(sections) != {"system", "user"}:
        raise ConfigError(f"prompt file {path} needs a [system] and a [user] section")
    digest = hashlib.sha256(raw.encode()).hexdigest()[:12]
    return Prompt(name=name, system=sections["system"], user=sections["user"], hash=digest)


def render(prompt: Prompt, **values: str) -> RenderedPrompt:
    missing = prompt.variables - values.keys()
    unused = values.keys() - prompt.variables
    if missing or unused:
        raise ConfigError(f"prompt '{prompt.name}': missing variables {sorted(missing)}, unknown {sorted(unused)}")

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    return RenderedPrompt(name=prompt.name, hash=prompt.hash, system=fill(prompt.system), user=fill(prompt.user))
