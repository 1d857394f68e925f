"""The eval report: report.json (everything), report.md (for people and PRs), report.html (a self-contained page:
per suite, its scores next to the baseline run's, a confusion matrix and a reliability diagram as inline SVG,
and the failed cases with the quotes they showed)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from assistant.evaluate.charts import confusion_svg, expected_calibration_error, reliability_svg
from assistant.evaluate.scoring import SuiteResult

MAX_FAILURES_SHOWN = 60
_SHOWN = ("pass_rate", "verdict_accuracy", "verdict_balanced_accuracy", "citation_validity", "answer_backing",
          "source_precision",
          "source_recall", "search_recall", "search_mrr", "recall@5", "mrr@10", "balanced_accuracy",
          "calls_per_case", "tokens_per_case", "seconds")


def _fmt(value: float | None) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def write_reports(results: list[SuiteResult], failures: list[str], out: Path,
                  baseline: dict[str, Any] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    payload = {"passed": not failures, "failures": failures, "suites": [r.model_dump() for r in results]}
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(results, failures), encoding="utf-8")
    paths[2].write_text(html_page(results, failures, baseline or {}), encoding="utf-8")
    return paths


def markdown(results: list[SuiteResult], failures: list[str]) -> str:
    lines = ["# factcheck eval report", "", f"**{'PASSED' if not failures else 'FAILED'}**", ""]
    lines += [f"- {f}" for f in failures] + ([""] if failures else [])
    lines += ["| suite | engine | cases | " + " | ".join(m for m in _SHOWN if m != "seconds") + " | seconds |",
              "|---|---|---|" + "---|" * len(_SHOWN)]
    for r in results:
        cells = [_fmt(r.metrics.get(m)) for m in _SHOWN if m != "seconds"]
        lines.append(f"| {r.suite} | {r.engine} | {int(r.metrics.get('cases') or 0)} | " + " | ".join(cells)
                     + f" | {_fmt(r.metrics.get('seconds'))} |")
    for r in results:
        lines += ["", f"## {r.suite} ({r.engine})", ""] + [f"_{n}_" for n in r.notes]
        if r.confusion:
            labels = list(next(iter(r.confusion.values())))
            lines += ["", "Confusion matrix (rows: expected, columns: predicted)", "",
                      "| expected \\ predicted | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
            lines += [f"| {e} | " + " | ".join(str(row.get(p, 0)) for p in labels) + " |"
                      for e, row in r.confusion.items()]
        failed = [c for c in r.cases if not c.passed]
        lines += ["", f"{len(r.cases) - len(failed)}/{len(r.cases)} cases passed."]
        lines += [f"- `{c.id}`: " + "; ".join(c.reasons) for c in failed]
    return "\n".join(lines) + "\n"


def html_page(results: list[SuiteResult], failures: list[str], baseline: dict[str, Any] | None = None) -> str:
    parts = ["<!doctype html><meta charset=utf-8><title>factcheck eval</title><style>",
             "body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
             ".bar{display:inline-block;height:10px;background:#4a8;vertical-align:middle}"
             ".ok{color:#184}.bad{color:#b22}td.l{text-align:left}.charts{display:flex;gap:2em;align-items:flex-start}q{color:#555}</style>",
             f"<h1>factcheck eval: <span class={'ok' if not failures else 'bad'}>"
             f"{'passed' if not failures else 'failed'}</span></h1>"]
    if failures:
        parts.append("<ul>" + "".join(f"<li class=bad>{html.escape(f)}</li>" for f in failures) + "</ul>")
    parts.append("<h2>Scores per suite</h2><table><tr><th>suite</th><th>engine</th>"
                 + "".join(f"<th>{m}</th>" for m in _SHOWN) + "</tr>")
    for r in results:
        cells = []
        for m in _SHOWN:
            v = r.metrics.get(m)
            bar = f"<span class=bar style='width:{int(v * 60)}px'></span> " if v is not None and 0 <= v <= 1 \
                and m not in ("seconds", "calls_per_case") else ""
            cells.append(f"<td>{bar}{_fmt(v)}</td>")
        row_html = "".join(cells)
        parts.append(f"<tr><td class=l>{r.suite}</td><td class=l>{r.engine}</td>{row_html}</tr>")
    parts.append("</table>")
    for r in results:
        parts += _suite_section(r, (baseline or {}).get(r.suite, {}).get(r.engine, {}))
    return "\n".join(parts) + "\n"


def _suite_section(r: SuiteResult, previous: dict[str, float]) -> list[str]:
    parts = [f"<h2>{html.escape(r.suite)} · {html.escape(r.engine)}</h2>"]
    parts += [f"<p><i>{html.escape(n)}</i></p>" for n in r.notes]
    rows = [m for m in r.metrics if r.metrics[m] is not None or m in previous]
    parts.append("<table><tr><th>metric</th><th>this run</th><th>baseline run</th></tr>" + "".join(
        f"<tr><td class=l>{html.escape(m)}</td><td>{_fmt(r.metrics.get(m))}</td><td>{_fmt(previous.get(m))}</td></tr>"
        for m in rows) + "</table>")
    points = [(c.confidence, c.passed if c.expected_verdict is None else c.predicted_verdict == c.expected_verdict)
              for c in r.cases if c.confidence is not None]
    charts = []
    if r.confusion:
        charts.append("<figure>" + confusion_svg(r.confusion) + "<figcaption>confusion matrix</figcaption></figure>")
    if points:
        ece = expected_calibration_error(points)
        charts.append("<figure>" + reliability_svg(points) + f"<figcaption>reliability: {len(points)} verdicts, "
                      f"calibration error {_fmt(ece)}</figcaption></figure>")
    if charts:
        parts.append("<div class=charts>" + "".join(charts) + "</div>")
    failed = [c for c in r.cases if not c.passed]
    parts.append(f"<p>{len(r.cases) - len(failed)}/{len(r.cases)} cases passed.</p>")
    if failed:
        parts.append("<table><tr><th>failed case</th><th>why</th><th>quotes shown</th></tr>")
        for c in failed[:MAX_FAILURES_SHOWN]:
            quotes = "<br>".join(f"<q>{html.escape(q)}</q>" for q in c.quotes) or "none"
            parts.append(f"<tr><td class=l>{html.escape(c.id)}</td><td class=l>{html.escape('; '.join(c.reasons))}"
                         f"</td><td class=l>{quotes}</td></tr>")
        parts.append("</table>")
        if len(failed) > MAX_FAILURES_SHOWN:
            parts.append(f"<p>{len(failed) - MAX_FAILURES_SHOWN} more in report.json.</p>")
    return parts
