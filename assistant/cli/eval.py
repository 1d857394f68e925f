"""`factcheck eval`: run the eval suites offline, write a report, and gate on thresholds and the baseline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import err, fail, handles_errors, out, print_json
from assistant.cli.options import NoCacheOption, RecordOption, reasoning_settings
from assistant.config import Settings
from assistant.evaluate.datasets import DATASET_SUITES, datasets_dir
from assistant.evaluate.runner import Workbench, run_case
from assistant.evaluate.scoring import (
    SuiteResult,
    gate,
    load_baseline,
    load_gate,
    project_evals,
    summarise,
    update_baseline,
)
from assistant.evaluate.suites import available_suites, default_suites_dir, load_suite, project_of
from assistant.runtime import Runtime, resolve_engine

MAX_SHOWN_FAILURES = 8


@handles_errors
def eval_command(
    suite: Annotated[list[str] | None, typer.Option("--suite", help="Suite name (repeatable); default: all.")] = None,
    suites_dir: Annotated[Path | None, typer.Option(
        "--suites", help="Folder of suite files; default: ./evals/suites. Corpus paths are relative to its "
                         "project folder (the one holding evals/).")] = None,
    engine: Annotated[str, typer.Option(help="replay (recorded fixtures; the default), local or openai.")] = "replay",
    case: Annotated[list[str] | None, typer.Option("--case", help="Only this case id (repeatable).")] = None,
    record: RecordOption = False,
    no_cache: NoCacheOption = False,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.md, report.json, report.html.")] =
    Path("eval-report"),
    update: Annotated[bool, typer.Option("--update-baseline", help="Write these scores to ./evals/baseline.json.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    require_datasets: Annotated[bool, typer.Option(
        "--require-datasets", help="Fail (exit 1) when a chosen dataset suite cannot find its datasets, instead of "
                                   "skipping it (CI uses this).")] = False,
) -> None:
    """Score the suites in ./evals/suites (or --suites) and fail (exit 1) when a metric drops.

    The gate is ./evals/config.yaml and ./evals/baseline.json when ./evals/config.yaml exists, else the shipped
    defaults.
    """
    settings = reasoning_settings(record, no_cache or record, empty_ok=True)
    chosen = resolve_engine(settings, engine)
    if update and project_evals() is None:
        fail(f"--update-baseline writes ./evals/baseline.json beside ./evals/config.yaml; {Path.cwd()} has none")
    known = _find_suites(suites_dir, only_datasets=bool(suite) and set(suite or []) <= DATASET_SUITES.keys())
    if known:
        settings = _project_fixtures(settings, project_of(next(iter(known.values())).parent))
    names = suite or [*known, *DATASET_SUITES]
    unknown = [n for n in names if n not in known and n not in DATASET_SUITES]
    if unknown:
        fail(f"unknown suite {unknown[0]!r}; available: {', '.join([*known, *DATASET_SUITES])}")
    _refuse_inapplicable(suite or [], known, chosen)
    if require_datasets:
        _require_datasets([n for n in names if n in DATASET_SUITES and chosen in DATASET_SUITES[n][0]])
    runtime = Runtime(settings, engine=chosen)
    model = runtime.model
    results: list[SuiteResult] = []
    with tempfile.TemporaryDirectory(prefix="factcheck-eval-") as scratch:
        bench = Workbench(settings, runtime.embedder, Path(scratch))
        try:
            for name in names:
                if name in DATASET_SUITES:
                    dataset_result = _dataset_suite(name, chosen, bench, Path(scratch))
                    if dataset_result is not None:
                        results.append(dataset_result)
                    continue
                loaded = load_suite(known[name])
                if chosen not in loaded.engines:
                    err.print(f"[dim]skipping suite {name}: it does not apply to the {chosen} engine[/]")
                    continue
                selected = [c for c in loaded.cases if not case or c.id in case]
                if not selected:
                    continue
                cases = [run_case(c, loaded, bench, model, chosen) for c in selected]
                results.append(summarise(name, chosen, cases))
        finally:
            bench.close()
    failures = gate(results, load_gate(), {} if update else load_baseline())
    if update:
        update_baseline(results)
    from assistant.evaluate.report import write_reports

    paths = write_reports(results, failures, out_dir, load_baseline())
    if as_json:
        print_json({"passed": not failures, "failures": failures, "reports": [str(p) for p in paths],
                    "suites": [{"suite": r.suite, "engine": r.engine, "metrics": r.metrics} for r in results]})
    else:
        _print(results, failures, paths)
    if failures:
        raise typer.Exit(1)


def _find_suites(explicit: Path | None, only_datasets: bool) -> dict[str, Path]:
    """The suite files of --suites, else of ./evals/suites; one clear error when there are none to run."""
    directory = explicit or default_suites_dir()
    if directory.is_dir():
        return available_suites(directory)
    if only_datasets and explicit is None:
        return {}  # dataset suites are built at run time and need no suite files
    if explicit is not None:
        fail(f"--suites {explicit}: no such folder")
    fail(f"no eval suites: {directory} is not a folder; run from a project folder with evals/suites, pass "
         "--suites DIR, or name a dataset suite (e.g. --engine local --suite newsroom-local)")


def _project_fixtures(settings: Settings, project: Path) -> Settings:
    """Replay (and record) the suites' own project's evals/fixtures, unless FACTCHECK_FIXTURES_DIR says otherwise."""
    if "fixtures_dir" in settings.model_fields_set or not (project / "evals").is_dir():
        return settings
    return settings.model_copy(update={"fixtures_dir": project / "evals" / "fixtures"})


def _refuse_inapplicable(named: list[str], known: dict[str, Path], engine: str) -> None:
    """One line when a suite asked for by name does not run with the engine: skipping it would print an empty
    report that passes."""
    for name in named:
        engines = DATASET_SUITES[name][0] if name in DATASET_SUITES else load_suite(known[name]).engines
        if engine not in engines:
            fail(f"suite {name} does not run with the {engine} engine; choose --engine {' or '.join(engines)}")


def _require_datasets(names: list[str]) -> None:
    """One line, before any work, when a dataset suite that must run has no datasets folder to read."""
    if names and not datasets_dir().is_dir():
        fail(f"--require-datasets: suite {names[0]} needs the datasets folder {datasets_dir()}, which is absent "
             "(put the datasets in ../shared/datasets or set FACTCHECK_DATASETS)")


def _dataset_suite(name: str, engine: str, bench: Workbench, scratch: Path) -> SuiteResult | None:
    engines, build = DATASET_SUITES[name]
    if engine not in engines:
        err.print(f"[dim]skipping suite {name}: it does not apply to the {engine} engine[/]")
        return None
    if not datasets_dir().is_dir():
        err.print(f"[dim]skipping suite {name}: the datasets folder {datasets_dir()} is absent[/]")
        return None
    try:
        result = build(bench, scratch)
    except FileNotFoundError as exc:
        fail(f"suite {name}: a dataset file is missing: {exc.filename}")
    result.engine = engine
    return result


def _print(results: list[SuiteResult], failures: list[str], paths: list[Path]) -> None:
    table = Table("suite", "engine", "cases", "pass rate", "verdict acc.", "balanced acc.", "citation validity",
                  "search recall", "calls/case")
    for r in results:
        m = r.metrics

        def f(key: str, metrics: dict[str, float | None] = m) -> str:
            value = metrics.get(key)
            return "–" if value is None else f"{value:.3f}"

        table.add_row(r.suite, r.engine, str(int(m.get("cases") or 0)), f("pass_rate"), f("verdict_accuracy"),
                      f("verdict_balanced_accuracy"), f("citation_validity"), f("search_recall"),
                      f("calls_per_case"))
    out.print(table)
    for r in results:
        failed = [case for case in r.cases if not case.passed]
        for case in failed[:MAX_SHOWN_FAILURES]:
            out.print(f"[red]✗[/] {r.suite}/{escape(case.id)}: {escape('; '.join(case.reasons))}", soft_wrap=True)
        if len(failed) > MAX_SHOWN_FAILURES:
            out.print(f"[red]✗[/] {r.suite}: {len(failed) - MAX_SHOWN_FAILURES} more failed cases (see the report)")
    for failure in failures:
        err.print(f"[bold red]gate:[/] {escape(failure)}", soft_wrap=True)
    out.print(f"report: {', '.join(str(p) for p in paths)}", soft_wrap=True)
