"""Resources ship inside the package and are found with importlib.resources, from any working directory; the
eval command finds its suites in a project folder and its gate in the package unless the project has its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from assistant.evaluate.datasets import datasets_dir
from assistant.evaluate.scoring import evals_file, load_baseline, load_gate
from assistant.evaluate.suites import available_suites, load_suite
from assistant.prompts import load_prompt, prompts_dir
from assistant.resources import CHECK, EVALS, PROMPTS, SLACK, resource, resource_path
from tests.helpers import ROOT, RunCli

PROMPT_NAMES = ("answer", "extract_claims", "verify", "rewrite")
# Every file a user's install needs, as (package, path inside it), and where it lives in the wheel.
SHIPPED = [
    *[(PROMPTS, f"{name}.txt") for name in PROMPT_NAMES],
    (EVALS, "config.yaml"),
    (EVALS, "baseline.json"),
    (CHECK, "verifier_weights.json"),
    *[(CHECK, f"models/nli/{name}") for name in ("model.onnx", "tokenizer.json", "PROVENANCE.json", "LICENSE")],
    *[(CHECK, f"models/sentence/{name}") for name in ("model.onnx", "PROVENANCE.json", "LICENSE")],
    (SLACK, "manifest.yaml"),
]
IN_WHEEL = {PROMPTS: "assistant/prompt_files", EVALS: "assistant/eval_files", CHECK: "assistant/check",
            SLACK: "assistant/slack"}


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory is a folder outside the project."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize(("package", "path"), SHIPPED)
def test_each_shipped_file_is_found_with_importlib_resources(package: str, path: str, elsewhere: Path) -> None:
    found = resource(package, *path.split("/"))
    assert found.is_file(), f"{package}/{path}"
    assert resource_path(package, *path.split("/")).stat().st_size > 0


def test_prompts_load_from_the_package_and_from_the_override(elsewhere: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROMPT_NAMES:
        assert load_prompt(name).user
    copy = elsewhere / "prompts"
    copy.mkdir()
    (copy / "answer.txt").write_text("[system]\nS\n[user]\n{{question}}\n", encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_PROMPTS_DIR", str(copy))
    assert prompts_dir() == copy
    assert load_prompt("answer").user == "{{question}}"


def test_the_shipped_manifest_gate_and_fixtures_parse(elsewhere: Path) -> None:
    manifest = yaml.safe_load(resource(SLACK, "manifest.yaml").read_text(encoding="utf-8"))
    assert manifest["features"]["slash_commands"]
    assert load_gate().thresholds and load_baseline()
    fixtures = resource_path(EVALS, "fixtures")
    assert {p.name for p in fixtures.iterdir() if p.is_dir()} >= {"answer", "extract_claims", "verify"}
    assert json.loads(next((fixtures / "answer").glob("*.json")).read_text(encoding="utf-8"))["reply"]


def test_the_gate_is_the_project_s_own_when_it_has_one(elsewhere: Path) -> None:
    assert evals_file("config.yaml") == resource(EVALS, "config.yaml")
    (elsewhere / "evals").mkdir()
    (elsewhere / "evals" / "config.yaml").write_text("thresholds: {mine: {replay: {pass_rate: 0.5}}}\n")
    assert load_gate().thresholds == {"mine": {"replay": {"pass_rate": 0.5}}}
    assert load_baseline() == {}  # the project has none yet


def test_suite_corpora_resolve_against_the_suites_project_not_the_working_directory(elsewhere: Path) -> None:
    suites = available_suites(ROOT / "evals" / "suites")
    seeds = load_suite(suites["seeds"])
    assert {seeds.corpus_path(c) for c in seeds.cases} >= {ROOT / "seeds"}
    assert available_suites() == {}  # ./evals/suites of the working directory: none here


def test_datasets_are_found_beside_the_working_directory(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert datasets_dir() == elsewhere.parent / "shared" / "datasets"
    monkeypatch.setenv("FACTCHECK_DATASETS", "/data/sets")
    assert datasets_dir() == Path("/data/sets")


def test_eval_without_suites_says_so_in_one_line(run_cli: RunCli, elsewhere: Path) -> None:
    result = run_cli("eval", "--engine", "replay")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no eval suites" in result.stderr and "--suites" in result.stderr
    missing = run_cli("eval", "--suites", str(elsewhere / "nope"))
    assert missing.exit_code == 1 and "no such folder" in missing.stderr
    update = run_cli("eval", "--suites", str(ROOT / "evals" / "suites"), "--update-baseline")
    assert update.exit_code == 1 and "--update-baseline" in update.stderr


def test_every_package_is_listed_in_pyproject() -> None:
    """pyproject lists packages (two are mapped folders), so a new subpackage must be added there."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "assistant").rglob("__init__.py")}
    assert on_disk <= set(config["packages"])
    assert config["package-dir"] == {PROMPTS: "prompts", EVALS: "evals"}


def _built_wheel(tmp_path: Path) -> Path:
    """The wheel `make test` built from the sdist (BUILT_WHEEL: built once, tested here and by .ci/wheel-smoke),
    else one built here from a clean copy of the tree: an in-tree build/ can hold stale files that would hide a gap."""
    if os.environ.get("BUILT_WHEEL"):
        return Path(os.environ["BUILT_WHEEL"])
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "eval-report", ".demo-data",
        "bench"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                           str(source)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    return wheel


@pytest.mark.slow
def test_the_wheel_holds_every_resource(tmp_path: Path) -> None:
    wheel = _built_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for package, path in SHIPPED:
        assert f"{IN_WHEEL[package]}/{path}" in names
    assert any(n.startswith("assistant/eval_files/fixtures/answer/") for n in names)
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "assistant").rglob("*.py")}
    assert modules <= names
    assert not any(n.startswith(("tests/", "bench/", "seeds/")) for n in names)
