"""The eval report: report.json (everything), report.md (for people and PRs), report.html (self-contained page
with per-suite scores and confusion matrices)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from assistant.evaluate.scoring import SuiteResult

_SHOWN = ("pass_rate", "verdict_accuracy", "verdict_balanced_accuracy", "citation_validity", "source_precision",
          "source_recall", "search_recall", "search_mrr", "recall@5", "mrr@10", "balanced_accuracy",
          "calls_per_case", "tokens_per_case", "seconds")


def _fmt(value: float | None) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def write_reports(results: list[SuiteResult], failures: list[str], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    payload = {"passed": not failures, "failures": failures, "suites": [r.model_dump() for r in results]}
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(results, failures), encoding="utf-8")
    paths[2].write_text(html_page(results, failures), encoding="utf-8")
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


def html_page(results: list[SuiteResult], failures: list[str]) -> str:
    parts = ["<!doctype html><meta charset=utf-8><title>factcheck eval</title><style>",
             "body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
             ".bar{display:inline-block;height:10px;background:#4a8;vertical-align:middle}"
             ".ok{color:#184}.bad{color:#b22}td.l{text-align:left}</style>",
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
        parts.append(f"<h2>{html.escape(r.suite)} · {html.escape(r.engine)}</h2>")
        if r.confusion:
            labels = list(next(iter(r.confusion.values())))
            top = max([1] + [n for row in r.confusion.values() for n in row.values()])
            parts.append("<table><tr><th>expected \\ predicted</th>" + "".join(f"<th>{p}</th>" for p in labels)
                         + "</tr>")
            for e, row in r.confusion.items():
                shaded = "".join(
                    f"<td style='background:rgba({'40,140,80' if p == e else '200,50,50'},"
                    f"{row.get(p, 0) / top:.2f})'>{row.get(p, 0)}</td>" for p in labels)
                parts.append(f"<tr><th>{e}</th>{shaded}</tr>")
            parts.append("</table>")
        parts.append("<table><tr><th>case</th><th>result</th><th>why</th></tr>")
        for c in r.cases:
            status = "<span class=ok>pass</span>" if c.passed else "<span class=bad>fail</span>"
            parts.append(f"<tr><td class=l>{html.escape(c.id)}</td><td>{status}</td>"
                         f"<td class=l>{html.escape('; '.join(c.reasons))}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"
