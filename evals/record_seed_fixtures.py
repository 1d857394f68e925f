"""Record the committed replay fixtures for the seed questions.

No real model endpoint is reachable where this project is developed, so these fixtures are recorded from a
scripted stand-in: an OpenAI-compatible server on 127.0.0.1 whose replies are hand-written answers that quote
the sources the assistant actually sent. The recording path is the real one (`factcheck ask --engine openai
--record`). To record from a real model instead, run the same commands with OPENAI_API_KEY (or OPENAI_BASE_URL)
set and no stand-in:  factcheck ask "QUESTION" --engine openai --record

    python evals/record_seed_fixtures.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.openai_server import FakeOpenAI  # noqa: E402

# question -> (answer text, a word the quoted sentence must contain); "" marks an unanswerable question
SEED_ANSWERS: dict[str, tuple[str, str]] = {
    "How many civilians were killed in coalition strikes in June, according to Airwars?":
        ("Airwars says 744 civilians were killed in coalition strikes in Syria and Iraq in June alone [1].", "744"),
    "How many Daesh militants are in Raqqa?":
        ("US Army Col. Ryan Dillon estimated there were around 2,000 Daesh militants in Raqqa [1].", "2,000"),
    "Who said that Daesh is not defeated with the liberation of Raqqa?":
        ("British Maj. Gen. Rupert Jones, a deputy commander of the coalition, said it [1].", "Jones"),
    "How many civilians does the coalition say were killed in its strikes?":
        ("According to the coalition, 603 civilians have been killed in US-led strikes on Iraq and Syria since "
         "late 2014 [1]; Airwars gives far higher figures.", "603"),
}


def scripted_reply(body: dict[str, Any]) -> dict[str, Any]:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    question = user.split("\n", 1)[0].removeprefix("Question: ").strip()
    answer, word = SEED_ANSWERS[question]
    for number, text in re.findall(r"^\[(\d+)\] [^\n]*\n(.*?)(?=\n\n\[\d+\] |\nSOURCES>>>)", user, re.M | re.S):
        for sentence in re.split(r"(?<=[.!?”\"])\s+", text):
            if word in sentence:
                return {"answer": answer, "answerable": True,
                        "citations": [{"source": int(number), "quote": sentence.strip()}]}
    return {"answer": "The sources do not say.", "answerable": False, "citations": []}


def main() -> None:
    server = FakeOpenAI().start()
    server.queue(scripted_reply)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "FACTCHECK_DATA_DIR": data_dir, "OPENAI_BASE_URL": server.base_url,
               "OPENAI_API_KEY": "sk-scripted-stand-in", "FACTCHECK_FIXTURES_DIR": str(ROOT / "evals" / "fixtures")}
        factcheck = [sys.executable, "-c", "from assistant.cli.main import run; run()"]
        subprocess.run([*factcheck, "ingest", str(ROOT / "seeds")], env=env, check=True)
        for question in SEED_ANSWERS:
            subprocess.run([*factcheck, "ask", question, "--engine", "openai", "--record"], env=env, check=True)
    server.stop()


if __name__ == "__main__":
    main()
