"""Eval suites: YAML files in a project's evals/suites/ (or any folder given with --suites), one case per entry.

Suites are not shipped in the package: they belong to a project folder, and a case's corpus path (`seeds`,
`evals/corpora/bridge`) is relative to that folder.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from assistant.errors import ConfigError

SUITES_SUBDIR = Path("evals") / "suites"


class Expected(BaseModel):
    verdict: str | None = None
    cited_sources: list[str] = Field(default_factory=list)
    must_include: list[str] = Field(default_factory=list)
    must_not_include: list[str] = Field(default_factory=list)
    answerable: bool | None = None
    top_sources: list[str] = Field(default_factory=list)
    also_reported_by: bool | None = None
    k: int = 5
    conflicts_min: int | None = None
    conflicts_max: int | None = None
    conflict_kinds: list[str] = Field(default_factory=list)
    warnings_include: str | None = None
    error_include: str | None = None
    no_fabricated: bool = False
    calls_max: int | None = None


class EvalCase(BaseModel):
    id: str
    kind: Literal["ask", "check", "search", "audit"]
    input: str = ""
    corpus: str = "seeds"
    expected: Expected = Field(default_factory=Expected)
    stand_in: str | None = None  # how the recording stand-in misbehaves (guardrails)


class Suite(BaseModel):
    name: str
    description: str = ""
    engines: list[str] = Field(default_factory=lambda: ["replay", "local", "openai"])
    cases: list[EvalCase]
    _project: Path = PrivateAttr(default_factory=Path.cwd)

    def corpus_path(self, case: EvalCase) -> Path:
        return (self._project / case.corpus).resolve()


class PageClaim(BaseModel):
    id: str
    claim: str
    expected: Literal["supported", "contradicted"]


class PageClaims(BaseModel):
    """Claims about pages of a shared dataset (evals/newsroom.yaml): the pages are named by id and read from the
    datasets folder at run time, never copied into the project."""

    pages: list[str]
    cases: list[PageClaim]


def load_page_claims(source: Traversable) -> PageClaims:
    try:
        return PageClaims.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {source}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{source} is invalid at {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def project_of(suites_dir: Path) -> Path:
    """The project folder of a suites folder: the one holding evals/ for PROJECT/evals/suites, else the parent."""
    suites_dir = suites_dir.resolve()
    return suites_dir.parent.parent if suites_dir.parent.name == "evals" else suites_dir.parent


def default_suites_dir() -> Path:
    return Path.cwd() / SUITES_SUBDIR


def load_suite(path: Path) -> Suite:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        suite = Suite.model_validate(data)
        suite._project = project_of(path.parent)
        return suite
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read eval suite {path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"eval suite {path} is invalid at {'.'.join(map(str, first['loc']))}: "
                          f"{first['msg']}") from None


def available_suites(directory: Path | None = None) -> dict[str, Path]:
    """Suite name -> file, from `directory` (default: ./evals/suites of the current directory)."""
    return {path.stem: path for path in sorted((directory or default_suites_dir()).glob("*.yaml"))}
