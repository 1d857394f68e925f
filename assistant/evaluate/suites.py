"""Eval suites: YAML files under evals/suites/, one case per entry."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError

SUITES_DIR = PROJECT_ROOT / "evals" / "suites"


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

    def corpus_path(self, case: EvalCase) -> Path:
        return (PROJECT_ROOT / case.corpus).resolve()


def load_suite(path: Path) -> Suite:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Suite.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read eval suite {path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"eval suite {path} is invalid at {'.'.join(map(str, first['loc']))}: "
                          f"{first['msg']}") from None


def available_suites(directory: Path = SUITES_DIR) -> dict[str, Path]:
    return {path.stem: path for path in sorted(directory.glob("*.yaml"))}
