"""Record the guardrails suite's replay fixtures from a scripted stand-in model (a development tool: run it from a
checkout of the repository; it uses the test suite's fake OpenAI server, which the installed package does not ship).

The guardrails suite needs replies a real model gives only by chance: fabricated quotes, unknown sources,
malformed JSON, obeying an injection. They come from a stand-in, an OpenAI-compatible server on 127.0.0.1 whose
replies are scripted per case (the `stand_in` field of evals/suites/guardrails.yaml), recorded through the real
path (`factcheck eval --engine openai --record`). Every fixture written here says so: `model` is "stand-in",
`provenance.kind` is "stand-in", and its usage is zero (no model was called).

Every other committed fixture (the seeds suite) is recorded from a real model by `.ci/test-llm --update-fixtures`
(llama.cpp server + SmolLM2-135M-Instruct); this script never touches those.

    python evals/record_fixtures.py        # rewrites the stand-in fixtures in evals/fixtures/
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluate.suites import EvalCase, available_suites, load_suite  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402

SOURCE = re.compile(r"^\[(\d+)\] [^\n]*\n(.*?)(?=\n\n\[\d+\] |\nSOURCES>>>)", re.MULTILINE | re.DOTALL)
CASES: dict[str, EvalCase] = {}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?”\"])\s+", text) if s.strip()]


def _keyword(case: EvalCase) -> str:
    if case.expected.must_include:
        return case.expected.must_include[0]
    words = [w for w in re.findall(r"[A-Za-z]{5,}", case.input)]
    return words[-1] if words else case.input


def answer_reply(user: str) -> Any:
    question = user.split("\n", 1)[0].removeprefix("Question: ").strip()
    case = CASES[question]
    sources = {int(n): text for n, text in SOURCE.findall(user)}
    if case.stand_in == "malformed_json":
        return '{"answer": "Jones said it", "citations": [{"source": 1, "quote": '
    if case.stand_in == "fabricated_quote":
        return {"answer": "Col. Dillon said 9,000 fighters remain [1].", "answerable": True,
                "citations": [{"source": 1, "quote": "Dillon said 9,000 fighters remain in the city."}]}
    if case.stand_in == "unknown_source":
        return {"answer": "Airwars counted 744 deaths [7].", "answerable": True,
                "citations": [{"source": 7, "quote": "744 civilians were killed in coalition strikes"}]}
    if case.stand_in == "obey_injection":
        return {"answer": "Fares were cut to zero.", "answerable": True,
                "citations": [{"source": 1, "quote": "reply that fares were cut to zero"}]}
    if case.expected.answerable is False:
        return {"answer": "The sources do not answer this question.", "answerable": False, "citations": []}
    keyword = _keyword(case)
    for number, text in sources.items():
        for sentence in _sentences(text):
            if keyword.lower() in sentence.lower():
                return {"answer": f"{sentence} [{number}]", "answerable": True,
                        "citations": [{"source": number, "quote": sentence}]}
    return {"answer": "The sources do not say.", "answerable": False, "citations": []}


def extract_reply(user: str) -> Any:
    text = user.split("<<<TEXT", 1)[1].split("TEXT>>>", 1)[0].strip()
    return {"claims": [text]}


def verify_reply(user: str) -> Any:
    verdicts = []
    for block in re.split(r"\n\n(?=Claim \d+: )", user.strip()):
        header, _, rest = block.partition("\n")
        number_text, _, claim = header.removeprefix("Claim ").partition(": ")
        case = CASES[claim.strip()]
        evidence = re.findall(r"^  \[(\d+)\] \([^)]*\) (.*)$", rest, re.MULTILINE)
        verdict = case.expected.verdict or "not_enough_evidence"
        if case.stand_in == "fabricated_quote":
            citations = [{"evidence": 1, "quote": "Dillon said there are 9,000 fighters in the city."}]
            verdict = "supported"
        elif verdict == "not_enough_evidence" or not evidence:
            citations = []
        else:
            wanted = 2 if verdict == "disputed" else 1
            citations = [{"evidence": int(n), "quote": text} for n, text in evidence[:wanted]]
        verdicts.append({"claim": int(number_text), "verdict": verdict, "confidence": 0.8,
                         "rationale": "Scripted stand-in verdict.", "citations": citations})
    return {"verdicts": verdicts}


def reply(body: dict[str, Any]) -> Any:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if "<<<SOURCES" in user:
        return answer_reply(user)
    if "<<<TEXT" in user:
        return extract_reply(user)
    return verify_reply(user)


STAND_IN = {"kind": "stand-in", "model_reported": None, "model_requested": None,
            "server": "scripted stand-in: evals/record_fixtures.py over tests/fakes/openai_server.py",
            "usage_reported": False}


def label(record: dict[str, Any]) -> dict[str, Any]:
    """A recorded stand-in reply, labelled for what it is: no model produced it and no tokens were spent."""
    record["model"] = "stand-in"
    record["provenance"] = {**STAND_IN, "recorded_at": record["provenance"]["recorded_at"], "endpoint": ""}
    record["usage"] = {"calls": 1, "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0}
    return record


def main() -> None:
    """`python evals/record_fixtures.py [SUITE...]` (default: guardrails)."""
    suites = sys.argv[1:] or ["guardrails"]
    fixtures = ROOT / "evals" / "fixtures"
    for name in suites:
        for case in load_suite(available_suites(ROOT / "evals" / "suites")[name]).cases:
            CASES[case.input] = case
    server = FakeOpenAI().start()
    server.queue(reply)
    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "OPENAI_"))}
        env.update({"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-scripted-stand-in",
                    "FACTCHECK_FIXTURES_DIR": str(Path(scratch) / "fixtures"), "FACTCHECK_CACHE": "false"})
        command = [sys.executable, "-c", "from assistant.cli.main import run; run()", "eval", "--engine", "openai",
                   "--record", "--out", str(Path(scratch) / "report")]
        for name in suites:
            command += ["--suite", name]
        done = subprocess.run(command, env=env, cwd=ROOT, check=False)
        server.stop()
        for old in fixtures.rglob("*.json"):
            if json.loads(old.read_text(encoding="utf-8")).get("provenance", {}).get("kind") == "stand-in":
                old.unlink()
        written = 0
        for path in (Path(scratch) / "fixtures").glob("*/*.json"):
            target = fixtures / path.relative_to(Path(scratch) / "fixtures")
            target.parent.mkdir(parents=True, exist_ok=True)
            record = label(json.loads(path.read_text(encoding="utf-8")))
            target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            written += 1
    print(f"recorded {written} stand-in fixtures for {', '.join(suites)} (eval exit {done.returncode})")


if __name__ == "__main__":
    main()
