"""Block Kit rendering of a CheckResult or an Answer. Render only: no decisions are made here.

Slack refuses a message with more than 50 blocks or a text over 3,000 characters, so long replies are cut
and say how much was left out ("…and 33 more claims"), never silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.text import date_label
from assistant.types import Answer, CheckResult, Citation, Verdict

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FALLBACK = 3000  # the notification text; Slack allows more, nobody reads more

Block = dict[str, Any]

VERDICT_STYLE = {
    "supported": (":white_check_mark:", "Supported"),
    "contradicted": (":x:", "Contradicted"),
    "disputed": (":scales:", "Disputed (sources disagree)"),
    "not_enough_evidence": (":grey_question:", "Not enough evidence"),
}


@dataclass
class Reply:
    """A Slack message: `text` is the notification/fallback, `blocks` what is shown."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def escape(text: str) -> str:
    """Slack mrkdwn control characters; also stops article text from pinging @channel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int = MAX_TEXT) -> str:
    if len(text) <= limit:
        return text
    def note(n: int) -> str:
        return f"… ({n:,} more characters)"
    cut = limit - len(note(len(text)))
    head = text[:cut]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]  # never cut an &amp; in half
    return head.rstrip() + note(len(text) - len(head))


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text or " ")}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text or " ")}]}


def message(text: str) -> Reply:
    """A one-line reply (status, usage, error) as a message."""
    return Reply(text=truncate(text, MAX_FALLBACK), blocks=[section(escape(text))])


def fit(blocks: list[Block], tail: list[Block], what: str) -> list[Block]:
    """`blocks` then `tail`, within MAX_BLOCKS: the overflow of `blocks` becomes one "…and N more" line."""
    room = MAX_BLOCKS - len(tail)
    if len(blocks) > room:
        hidden = len(blocks) - (room - 1)
        blocks = [*blocks[:room - 1], context(f"…and {hidden} more {what} not shown "
                                             "(run `factcheck check` on the draft for the full report)")]
    return [*blocks, *tail]


def source_line(c: Citation) -> str:
    dated = date_label(c.date, c.date_source, "undated")
    return " · ".join(escape(part) for part in (c.title, c.source, dated) if part)


def verdict_block(v: Verdict) -> Block:
    emoji, label = VERDICT_STYLE.get(v.verdict, (":grey_question:", v.verdict))
    lines = [f"{emoji} *{label}* ({v.confidence:.2f}) — {escape(_one_line(v.claim))}"]
    if v.citations:
        # disputed: the sources disagree, so both sides are the finding (one quote per story)
        shown = v.citations[:2] if v.verdict == "disputed" else v.citations[:1]
        for citation in shown:
            lines.append(f"> “{escape(_one_line(citation.quote))}”")
            more = len(v.citations) - len(shown)
            tail = f" · +{more} more quotes" if more and citation is shown[-1] else ""
            lines.append(f":newspaper: {source_line(citation)}{tail}")  # not _italic_: ids often hold underscores
    else:
        lines.append(escape(v.decided_by or v.rationale or "no quote found in the corpus"))
        for citation in v.nearest[:1]:  # the closest evidence read, which settles nothing
            lines.append(f"Closest evidence: “{escape(_one_line(citation.quote))}”")
            lines.append(f":newspaper: {source_line(citation)}")
    return section(_fit_lines(lines))


def render_check(result: CheckResult) -> Reply:
    counts: dict[str, int] = {}
    for v in result.claims:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    summary = ", ".join(f"{n} {VERDICT_STYLE.get(k, ('', k))[1].split(' (')[0].lower()}" for k, n in counts.items())
    n = len(result.claims)
    title = f"Fact-check: {n} claim{'s' if n != 1 else ''}" + (f" — {summary}" if summary else "")
    head = [section(f"*{escape(title)}*")]
    claims = [verdict_block(v) for v in result.claims]
    tail = [context(_warnings(result.warnings))] if result.warnings else []
    if not claims and not result.warnings:
        tail = [context("No check-worthy claim found.")]
    return Reply(text=truncate(title, MAX_FALLBACK), blocks=fit([*head, *claims], tail, "claims"))


def render_answer(answer: Answer) -> Reply:
    body = [section(escape(part)) for part in _split(answer.answer, MAX_TEXT - 200)] or [section(" ")]
    notes = [context(f"[{i}] “{escape(_one_line(c.quote))}” — {source_line(c)}")
             for i, c in enumerate(answer.citations, start=1)]
    tail = [context(_warnings(answer.warnings))] if answer.warnings else []
    label = f"Answer ({answer.engine}{' · ' + answer.model if answer.model else ''})"
    text = truncate(f"{label}: {answer.answer}", MAX_FALLBACK)
    return Reply(text=text, blocks=fit([context(escape(label)), *body, *notes], tail, "sources"))


def _warnings(warnings: Sequence[str]) -> str:
    return "\n".join(f":information_source: {escape(w)}" for w in warnings)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fit_lines(lines: list[str]) -> str:
    """Lines joined; if too long, the first (longest) lines are shortened so the last ones (source) survive."""
    text = "\n".join(lines)
    if len(text) <= MAX_TEXT or len(lines) < 2:
        return text
    last = truncate(lines[-1], MAX_TEXT // 4)
    share = (MAX_TEXT - len(last) - len(lines)) // (len(lines) - 1)
    return "\n".join([*(truncate(line, share) for line in lines[:-1]), last])


def _split(text: str, size: int) -> list[str]:
    """Long answers in sections of at most `size` characters, cut at sentence or word ends."""
    parts, text = [], text.strip()
    while len(text) > size:
        cut = max(text.rfind(". ", 0, size) + 1, text.rfind(" ", 0, size), 0) or size
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return [*parts, text] if text else parts
