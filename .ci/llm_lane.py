"""The checks of `make test-llm` (.ci/test-llm starts the server and calls this with OPENAI_BASE_URL set).

Each command runs as a user runs it (the `factcheck` entry point, a subprocess) against a real model over HTTP.
A 135M model answers poorly; what must hold is the pipeline's side: every command ends with exit 0, or exit 1
and a one-line error (no traceback); every citation shown is its article's text at its offsets; no sentence of
model prose is shown without its facts in its quotes; usage is the server's own token counts; recorded fixtures
name the model the server reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.check.backing import guard_text  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.runtime import open_store  # noqa: E402

FACTCHECK = str(ROOT / ".venv" / "bin" / "factcheck")
QUESTION = "How many Daesh militants are in Raqqa?"
CLAIM = "Col. Ryan Dillon estimated that around 2,000 Daesh militants were in Raqqa."
CHAT = (f"{QUESTION}\nWho gave that estimate?\n"
        "/check Airwars says 744 civilians were killed in coalition strikes in June.\n")
FIXTURES = ROOT / "evals" / "fixtures"
TOTALS = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
PROBLEMS: list[str] = []


def log(message: str) -> None:
    print(f"test-llm: {message}", flush=True)


def problem(message: str) -> None:
    PROBLEMS.append(message)
    log(f"FAIL {message}")


def wait_for_server(base_url: str, server_log: Path, seconds: float = 120.0) -> str:
    """The model id the server reports at /v1/models, once it answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as response:
                return str(json.loads(response.read())["data"][0]["id"])
        except OSError:
            time.sleep(1)
    sys.exit(f"test-llm: the server did not answer within {seconds:.0f} s; its log:\n{server_log.read_text()[-3000:]}")


def factcheck(*args: str, stdin: str | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = subprocess.run([FACTCHECK, *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=3600, check=False)
    log(f"factcheck {' '.join(args[:2])} …: exit {done.returncode} in {time.monotonic() - started:.1f} s")
    return done


def handled(name: str, done: subprocess.CompletedProcess[str]) -> bool:
    """True when the command succeeded; a one-line error (exit 1) is a handled failure of the model, not a bug."""
    if done.returncode == 0:
        return True
    lines = done.stderr.strip().splitlines()
    if done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in done.stderr:
        log(f"{name}: a handled error (the model's reply did not pass): {lines[0]}")
        return False
    problem(f"{name} exited {done.returncode} without a one-line error:\n{done.stderr[-2000:]}")
    return False


def count_usage(name: str, usage: dict[str, Any]) -> None:
    for key in TOTALS:
        TOTALS[key] += int(usage.get(key, 0))
    log(f"{name}: {usage.get('calls', 0)} calls, {usage.get('prompt_tokens', 0)} prompt + "
        f"{usage.get('completion_tokens', 0)} completion tokens (as the server reported)")
    if usage.get("calls") and not (usage.get("prompt_tokens") and usage.get("completion_tokens")):
        problem(f"{name}: the model was called but no token counts came back")


def verify_citations(name: str, citations: list[dict[str, Any]], data_dir: Path) -> None:
    store = open_store(Settings(data_dir=data_dir, chroma_url=None))
    try:
        for c in citations:
            article = store.catalog.article(c["article_id"])
            if article is None or article.text[c["start"]:c["end"]] != c["quote"]:
                problem(f"{name}: a citation is not its article's text: {c['quote'][:80]!r}")
    finally:
        store.close()


def verify_backing(name: str, text: str, quotes: list[str], question: str) -> None:
    import re

    _, removed = guard_text(re.sub(r"\[\d+\]", "", text), quotes, question)
    for r in removed:
        problem(f"{name}: shown without its backing: {r.sentence!r} ({', '.join(r.missing)} not in its quotes)")


def check_answer(name: str, answer: dict[str, Any], data_dir: Path) -> None:
    log(f"{name}: answer {answer['answer'][:160]!r}; {len(answer['citations'])} verified citations; "
        f"warnings {answer['warnings'][:3]}")
    count_usage(name, answer["usage"])
    verify_citations(name, answer["citations"], data_dir)
    if answer["citations"]:
        verify_backing(name, answer["answer"], [c["quote"] for c in answer["citations"]], answer["question"])


def check_verdicts(name: str, result: dict[str, Any], data_dir: Path) -> None:
    count_usage(name, result["usage"])
    for v in result["claims"]:
        log(f"{name}: {v['verdict']} ({v['decided_by']}) for {v['claim'][:80]!r}; rationale {v['rationale'][:120]!r}")
        verify_citations(name, v["citations"], data_dir)
        verify_backing(name, v["rationale"], [c["quote"] for c in v["citations"]], v["claim"])


def run_commands(data_dir: Path) -> None:
    env = {"FACTCHECK_DATA_DIR": str(data_dir)}
    if factcheck("ingest", "seeds", env=env).returncode != 0:
        sys.exit("test-llm: ingesting the seeds failed")
    done = factcheck("ask", QUESTION, "--engine", "openai", "--json", env=env)
    if handled("ask", done):
        check_answer("ask", json.loads(done.stdout), data_dir)
    done = factcheck("check", CLAIM, "--engine", "openai", "--json", env=env)
    if handled("check", done):
        check_verdicts("check", json.loads(done.stdout), data_dir)
    done = factcheck("chat", "--engine", "openai", "--json", stdin=CHAT, env=env)
    if handled("chat", done):
        for line in done.stdout.splitlines():
            turn = json.loads(line)
            name = f"chat turn {turn['turn']} ({turn['kind']})"
            if "error" in turn:
                log(f"{name}: a handled error: {turn['error']}")
            elif turn["kind"] == "ask":
                check_answer(name, turn["result"], data_dir)
            elif turn["kind"] == "check":
                check_verdicts(name, turn["result"], data_dir)


def run_eval(suite: str, fixtures: Path, out: Path) -> None:
    env = {"FACTCHECK_FIXTURES_DIR": str(fixtures)}
    done = factcheck("eval", "--engine", "openai", "--record", "--suite", suite, "--out", str(out), env=env)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        problem(f"eval {suite} crashed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return
    report = json.loads((out / "report.json").read_text())
    for result in report["suites"]:
        m = result["metrics"]
        shown = {k: round(v, 3) for k, v in m.items() if v is not None and k in (
            "cases", "pass_rate", "verdict_accuracy", "citation_validity", "answer_backing", "calls_per_case")}
        log(f"eval {suite} (openai engine, live): {shown}")
        for case in result["cases"]:
            if case["unbacked_sentences"]:
                problem(f"eval {suite}/{case['id']}: model prose shown without its backing")
        usage = {k: sum(c["usage"][k] for c in result["cases"]) for k in ("calls", "prompt_tokens",
                                                                            "completion_tokens")}
        count_usage(f"eval {suite}", usage)
        if m.get("citation_validity") not in (None, 1.0):
            problem(f"eval {suite}: a shown citation failed re-verification")
    recorded = [json.loads(p.read_text()) for p in fixtures.rglob("*.json")]
    reported = sorted({r["provenance"]["model_reported"] or "none" for r in recorded})
    log(f"eval {suite}: recorded {len(recorded)} fixtures; model as the server reported it: {reported}")
    if not recorded or any(not r["provenance"]["model_reported"] or not r["usage"]["completion_tokens"]
                           for r in recorded):
        problem(f"eval {suite}: a recorded fixture lacks the served model's name or its token counts")


def update_fixtures(recorded: Path) -> None:
    """Replace the committed recorded fixtures with these; stand-in fixtures (guardrails) stay."""
    removed = 0
    for path in FIXTURES.rglob("*.json"):
        if json.loads(path.read_text()).get("provenance", {}).get("kind") != "stand-in":
            path.unlink()
            removed += 1
    for path in recorded.rglob("*.json"):
        target = FIXTURES / path.relative_to(recorded)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    log(f"replaced {removed} committed fixtures with {len(list(recorded.rglob('*.json')))} recorded from the "
        "model; now run: .venv/bin/factcheck eval --engine replay --update-baseline")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--server-log", type=Path, required=True)
    parser.add_argument("--update-fixtures", action="store_true")
    args = parser.parse_args()
    model_id = wait_for_server(os.environ["OPENAI_BASE_URL"], args.server_log)
    log(f"the server reports model {model_id!r} ({os.environ.get('FACTCHECK_LLM_SERVER')})")
    run_commands(args.work / "data")
    run_eval("seeds", args.work / "fixtures-seeds", args.work / "eval-seeds")
    run_eval("guardrails", args.work / "fixtures-guardrails", args.work / "eval-guardrails")
    log(f"total over real HTTP: {TOTALS['calls']} calls, {TOTALS['prompt_tokens']} prompt + "
        f"{TOTALS['completion_tokens']} completion tokens from {model_id!r}")
    if not TOTALS["completion_tokens"]:
        problem("no completion tokens were reported at all")
    if PROBLEMS:
        sys.exit(f"test-llm: FAILED ({len(PROBLEMS)} problems)")
    if args.update_fixtures:
        update_fixtures(args.work / "fixtures-seeds")
    log("passed")


if __name__ == "__main__":
    main()
