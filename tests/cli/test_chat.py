"""`factcheck chat`: scripted sessions through the real app, one LLM session against the fake OpenAI server, and
real sessions in a pseudo-terminal (prompt_toolkit, history across sessions, Ctrl-D, Ctrl-C, /quit)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from assistant.check.answer import NOTHING_RELEVANT
from tests.check.conftest import sources_in
from tests.fakes.openai_server import FakeOpenAI, Status
from tests.helpers import CliResult, OpenStore, RunCli, factcheck_command, factcheck_env

SOURCE_A, SOURCE_B = "000_e5096ebe9da60f70", "001_46ec0d67e7ac139e"
QUESTION = "What did Rupert Jones say about Raqqa?"
FOLLOW_UP = "Where did he say it?"
CLAIM = "Airwars says 744 civilians were killed in coalition strikes in June."


@pytest.fixture
def seeded(seeded_data_dir: Path) -> None:
    """The seeds, stored (see conftest.seeded_data_dir)."""


def chat(run_cli: RunCli, *lines: str, args: tuple[str, ...] = ()) -> CliResult:
    result = run_cli("chat", *args, input="".join(line + "\n" for line in lines))
    assert "Traceback" not in result.output
    return result


def chat_json(run_cli: RunCli, *lines: str, args: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    result = chat(run_cli, *lines, args=("--json", *args))
    assert result.exit_code == 0, result.output
    turns = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1))
    return turns


def cited_sources(turn: dict[str, Any]) -> set[str]:
    return {c["source"] for c in turn["result"]["citations"]}


def assert_quotes_are_source_text(citations: list[dict[str, Any]], open_store: OpenStore) -> None:
    assert citations
    with open_store() as store:
        for c in citations:
            article = store.article(c["article_id"])
            assert article is not None and article.text[c["start"]:c["end"]] == c["quote"]


# -- scripted sessions, local engine -----------------------------------------------------------------------------
@pytest.mark.usefixtures("seeded")
def test_scripted_json_session(run_cli: RunCli, open_store: OpenStore) -> None:
    turns = chat_json(run_cli, QUESTION, FOLLOW_UP, f"/check {CLAIM}",
                      f"/filter source={SOURCE_A}", QUESTION, f"/filter source={SOURCE_B}", QUESTION,
                      "/quit", "a line after /quit is never read")
    assert len(turns) == 8
    assert all(set(t) == {"turn", "input", "kind", "query", "result"} for t in turns)
    first, follow_up, checked, _, only_a, _, only_b, quit_turn = turns

    assert first["kind"] == "ask" and first["query"] == QUESTION
    assert_quotes_are_source_text(first["result"]["citations"], open_store)
    assert cited_sources(first) <= {SOURCE_A, SOURCE_B}

    # the pronoun is resolved: the retrieval query carries the entity of the turn before
    assert follow_up["input"] == FOLLOW_UP
    assert follow_up["query"].startswith(FOLLOW_UP) and "Rupert Jones" in follow_up["query"]
    assert follow_up["result"]["question"] == follow_up["query"] and follow_up["result"]["citations"]

    assert checked["kind"] == "check" and checked["query"] == CLAIM
    verdict = checked["result"]["claims"][0]
    assert verdict["verdict"] == "supported" and "744" in verdict["citations"][0]["quote"]
    assert_quotes_are_source_text(verdict["citations"], open_store)

    assert cited_sources(only_a) == {SOURCE_A} and cited_sources(only_b) == {SOURCE_B}
    assert quit_turn["kind"] == "command" and quit_turn["result"] == {"quit": True}


@pytest.mark.usefixtures("seeded")
def test_check_of_a_draft_splits_joined_clauses_and_of_one_sentence_keeps_it_whole(run_cli: RunCli) -> None:
    joined = "Airwars says 744 civilians were killed in June, but the coalition says 744 civilians died."
    several, one = chat_json(run_cli, f"/check Raqqa is a city in Syria. {joined}", f"/check {joined}")
    assert [c["claim"] for c in several["result"]["claims"]] == [
        "Raqqa is a city in Syria.", "Airwars says 744 civilians were killed in June.",
        "The coalition says 744 civilians died."]
    assert [c["claim"] for c in one["result"]["claims"]] == [joined]


@pytest.mark.usefixtures("seeded")
def test_scripted_human_session(run_cli: RunCli) -> None:
    result = chat(run_cli, QUESTION, FOLLOW_UP, f"/check {CLAIM}", "/filter since=2017-99-99", "/nope",
                  f"/filter source={SOURCE_A}", QUESTION, "/quit")
    assert result.exit_code == 0
    out = result.stdout
    assert "factcheck chat · engine local" in out and "› " + QUESTION in out
    assert "answer · local" in out and re.search(rf"\[1\] .+ · ({SOURCE_A}|{SOURCE_B}) · 2017-07-24", out)
    assert re.search(r"↳ searching for: Where did he say it\? \(Rupert Jones", out)
    assert re.search(r"supported · 0\.\d\d", out) and "says 744 civilians were killed" in out
    assert f"filter: source={SOURCE_A}" in out
    after_filter = out.split(f"filter: source={SOURCE_A}")[1]
    assert SOURCE_A in after_filter and SOURCE_B not in after_filter
    # each failing turn is one line, and the session went on after it
    assert result.stderr.splitlines() == ["error: not a date: '2017-99-99'; use YYYY-MM-DD",
                                          "error: unknown command /nope; /help lists the commands"]


@pytest.mark.usefixtures("seeded")
def test_filter_errors_keep_the_session_and_the_filter(run_cli: RunCli) -> None:
    turns = chat_json(run_cli, f"/filter source={SOURCE_A}", "/filter since=notadate", "/filter source=nosuch",
                      "/filter colour=red", "/filter since=2017-08-01 until=2017-07-01", "/filter",
                      "/filter since=2018-01-01", QUESTION, "/filter clear", "/filter")
    assert [bool(t.get("error")) for t in turns] == [False, True, True, True, True, False, False, False, False, False]
    assert turns[1]["error"] == "not a date: 'notadate'; use YYYY-MM-DD"
    assert "nosuch" in turns[2]["error"] and "colour=red" in turns[3]["error"]
    assert "after until" in turns[4]["error"]
    assert turns[5]["result"]["filters"] == {"sources": [SOURCE_A], "since": None, "until": None,
                                             "firm_dates": False}
    assert turns[6]["result"]["filters"] == {"sources": [SOURCE_A], "since": "2018-01-01", "until": None,
                                             "firm_dates": False}
    # seeds: 2017; the filter left them out, which the answer says rather than that the corpus has nothing
    assert turns[7]["result"]["citations"] == [] and turns[7]["result"]["answer"] != NOTHING_RELEVANT
    assert turns[7]["result"]["answer"].startswith(
        f"No passage relevant to this question is within the filter (source={SOURCE_A} since=2018-01-01), which "
        "leaves out undated articles") and "/filter clear" in turns[7]["result"]["answer"]
    assert turns[9]["result"]["filters"] == {"sources": [], "since": None, "until": None, "firm_dates": False}


def test_ingest_sources_reset_help_and_json_toggle(run_cli: RunCli, seeds: Path) -> None:
    result = chat(run_cli, "/sources", f"/ingest {seeds}", f"/filter source={SOURCE_B}", "/sources", QUESTION,
                  "/reset", FOLLOW_UP, "/json off", "/help", args=("--json",))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    turns = [json.loads(line) for line in lines if line.startswith("{")]
    assert turns[0]["result"]["articles"] == []
    assert turns[1]["result"]["ingest"]["articles"] == 2
    listed = {a["source"]: a["kept"] for a in turns[3]["result"]["articles"]}
    assert listed == {SOURCE_A: False, SOURCE_B: True}
    assert turns[4]["result"]["citations"]
    assert turns[5]["result"] == {"reset": True}
    assert turns[6]["query"] == FOLLOW_UP  # nothing to carry over after /reset
    assert len(turns) == 7 and "JSON output off" in lines[7]
    assert "/check TEXT" in result.stdout and "/quit" in result.stdout  # /help, in human output again


@pytest.mark.usefixtures("seeded")
def test_end_of_input_exits_0(run_cli: RunCli) -> None:
    assert chat(run_cli).exit_code == 0
    assert chat(run_cli, "", "   ").exit_code == 0
    result = chat(run_cli, QUESTION)  # no /quit: end of input is Ctrl-D
    assert result.exit_code == 0 and "answer · local" in result.stdout


# -- an LLM engine against the fake server --------------------------------------------------------------------------
REWRITTEN = "Where did Rupert Jones say that Daesh is not defeated with the liberation of Raqqa?"


def scripted_model(body: dict[str, Any]) -> Any:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if "Latest message:" in user:  # the rewrite prompt
        return {"query": REWRITTEN}
    if "Question: How many Daesh militants" in user:
        return Status(500, "boom")
    number, text = next(iter(sources_in(body).items()))
    sentence = re.split(r"(?<=[.!?”\"])\s+", text)[0].strip()
    return {"answer": f"{sentence} [{number}]", "answerable": True,
            "citations": [{"source": number, "quote": sentence}]}


def is_rewrite(body: dict[str, Any]) -> bool:
    return any("Latest message:" in m["content"] for m in body["messages"])


@pytest.mark.usefixtures("seeded")
def test_llm_engine_rewrites_each_follow_up_with_one_call(fake_openai: FakeOpenAI, run_cli: RunCli,
                                                         open_store: OpenStore) -> None:
    fake_openai.queue(scripted_model)
    turns = chat_json(run_cli, QUESTION, FOLLOW_UP, "and when?", args=("--engine", "openai"))
    rewrites = [body for body in fake_openai.requests if is_rewrite(body)]
    assert len(rewrites) == 2  # the first question stands alone; each follow-up costs one rewrite call
    assert len(fake_openai.requests) == 5  # plus one answer call per turn
    history = next(m["content"] for m in rewrites[0]["messages"] if m["role"] == "user")
    assert QUESTION in history and f"Latest message: {FOLLOW_UP}" in history
    assert turns[0]["query"] == QUESTION and turns[0]["result"]["usage"]["calls"] == 1
    for turn in turns[1:]:
        assert turn["query"] == REWRITTEN and turn["result"]["question"] == REWRITTEN
        assert turn["result"]["usage"]["calls"] == 2
        assert_quotes_are_source_text(turn["result"]["citations"], open_store)


@pytest.mark.usefixtures("seeded")
def test_engine_failure_is_one_line_and_the_session_goes_on(fake_openai: FakeOpenAI, run_cli: RunCli) -> None:
    fake_openai.queue(scripted_model)
    result = chat(run_cli, "How many Daesh militants are in Raqqa?", QUESTION, "/quit", args=("--engine", "openai"))
    assert result.exit_code == 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error:") and "HTTP 500" in errors[0], result.stderr
    assert "sk-test-secret" not in result.output
    assert "answer · openai · gpt-4o-mini" in result.stdout and "[1]" in result.stdout


# -- a real terminal ------------------------------------------------------------------------------------------------
PROMPT = r"factcheck(?: \[[^\]]*\])?›"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def spawn_chat(data_dir: Path) -> Iterator[Callable[[], pexpect.spawn]]:
    """Start `factcheck chat` in a pseudo-terminal (prompt_toolkit's cursor-position query off: nobody answers it);
    whatever is still running at the end of the test is killed."""
    children: list[pexpect.spawn] = []

    def spawn() -> pexpect.spawn:
        command = factcheck_command()
        env = factcheck_env(FACTCHECK_DATA_DIR=str(data_dir), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
        child = pexpect.spawn(command[0], [*command[1:], "chat"], env=env, dimensions=(50, 220), encoding="utf-8",
                              timeout=90)
        children.append(child)
        child.expect(PROMPT)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.close(force=True)


def turn(child: pexpect.spawn, line: str, marker: str) -> str:
    """Type a line, wait for `marker` in the reply and then the next prompt; the reply, without colours."""
    child.sendline(line)
    child.expect(marker)
    seen = str(child.before) + str(child.after)
    child.expect(PROMPT)
    return ANSI.sub("", seen + str(child.before))


def ended(child: pexpect.spawn) -> int | None:
    child.expect(pexpect.EOF)
    child.close()
    status: int | None = child.exitstatus
    return status


@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_real_terminal_session(data_dir: Path, spawn_chat: Callable[[], pexpect.spawn]) -> None:
    child = spawn_chat()
    answered = turn(child, QUESTION, r"\[1\]")
    assert "answer · local" in answered and re.search(rf"({SOURCE_A}|{SOURCE_B}) · 2017-07-24", answered)
    resolved = turn(child, FOLLOW_UP, "searching for")
    assert re.search(r"searching for: Where did he say it\? \(Rupert Jones", resolved)
    checked = turn(child, f"/check {CLAIM}", "supported")
    assert "says 744 civilians were killed" in checked
    bad = turn(child, "/filter since=2017-99-99", "error:")
    assert "not a date: '2017-99-99'" in bad
    turn(child, f"/filter source={SOURCE_A}", "filter: source=")
    narrowed = turn(child, QUESTION, r"\[1\]")
    assert SOURCE_A in narrowed and SOURCE_B not in narrowed
    child.sendcontrol("d")
    assert ended(child) == 0

    history = (data_dir / "chat-history").read_text(encoding="utf-8")
    assert f"+{QUESTION}" in history and f"+/filter source={SOURCE_A}" in history

    child = spawn_chat()  # the history is there in the next session: Up recalls the last question
    child.send("\x1b[A")
    recalled = turn(child, "", r"\[1\]")
    assert QUESTION in recalled and "answer · local" in recalled
    child.sendcontrol("c")
    assert ended(child) == 0

    child = spawn_chat()
    child.sendline("/quit")
    assert ended(child) == 0


def test_startup_errors_exit_1_and_usage_errors_exit_2(run_cli: RunCli) -> None:
    bad_engine = chat(run_cli, QUESTION, args=("--engine", "bogus"))
    assert bad_engine.exit_code == 1 and bad_engine.stderr.strip() == (
        "error: unknown engine 'bogus'; use local, openai or replay")
    assert chat(run_cli, args=("--k", "0")).exit_code == 2
