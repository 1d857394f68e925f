"""Start-up benchmark: wall time and peak RSS of short `factcheck` commands, next to `python -c "import typer"`.

    .venv/bin/python bench/startup.py            # make bench-startup
    .venv/bin/python bench/startup.py --runs 5 --json

Each case runs `--runs` times as its own process (the best wall time counts: the others measure the machine's
load; the peak RSS is the child's own, from wait4). Cases:
  import typer   the floor: the interpreter plus the CLI library
  --help         factcheck --help
  sources        factcheck sources, on a store of 600 articles
  re-ingest      factcheck ingest of an unchanged 600-article JSONL (every article skipped)
The 600 articles are synthetic (one short chunk each, so the one untimed first ingest stays quick); the timed
re-ingest reads and hashes the file and finds it unchanged, whatever its articles say.
The load average is printed: figures from a loaded machine are not the targets' "quiet machine".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARTICLES = 600
# case -> (target seconds or None, target peak RSS in MB or None), from issue 12
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "import typer": (None, None),
    "--help": (0.4, 120),
    "sources": (None, 150),
    "re-ingest": (1.0, None),
}


def factcheck() -> list[str]:
    return [sys.executable, "-c", "from assistant.cli.main import run; run()"]


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of `command`; a failed run stops the benchmark."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
        sys.exit(f"{' '.join(command)} failed ({child.returncode}): {stderr.strip()}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KB


def synthetic_articles(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(ARTICLES):
            text = (f"Report {number}: the council of district {number % 37} approved {number * 3 + 11} new homes "
                    f"on {1 + number % 28} March 2024, its spokesperson said. Work starts in the spring.")
            record = {"id": f"a{number:04d}", "title": f"Report {number}", "source": f"outlet-{number % 9}",
                      "date": f"2024-03-{1 + number % 28:02d}", "text": text}
            handle.write(json.dumps(record) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="factcheck-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "OPENAI_"))}
        env["FACTCHECK_DATA_DIR"] = str(Path(tmp) / "data")
        feed = Path(tmp) / "feed.jsonl"
        synthetic_articles(feed)
        subprocess.run([*factcheck(), "ingest", str(feed)], env=env, check=True, capture_output=True)  # untimed

        cases = {
            "import typer": [sys.executable, "-c", "import typer"],
            "--help": [*factcheck(), "--help"],
            "sources": [*factcheck(), "sources"],
            "re-ingest": [*factcheck(), "ingest", str(feed)],
        }
        results = {}
        for name, command in cases.items():
            runs = [measure(command, env) for _ in range(args.runs)]
            results[name] = {"seconds": round(min(w for w, _ in runs), 3), "rss_mb": round(max(r for _, r in runs), 1),
                             "target_seconds": TARGETS[name][0], "target_rss_mb": TARGETS[name][1]}

    load = os.getloadavg()
    if args.json:
        print(json.dumps({"load_average": load, "cpus": os.cpu_count(), "results": results}, indent=2))
        return 0
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs; best of {args.runs}")
    print(f"{'case':<14}{'wall s':>8}{'target':>8}{'peak MB':>9}{'target':>8}")
    for name, r in results.items():
        target_s = f"{r['target_seconds']:.1f}" if r["target_seconds"] else "-"
        target_mb = f"{r['target_rss_mb']:.0f}" if r["target_rss_mb"] else "-"
        print(f"{name:<14}{r['seconds']:>8.2f}{target_s:>8}{r['rss_mb']:>9.0f}{target_mb:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
