"""Bad input through the real CLI: one line per problem naming the file (and line), exit 1, no traceback,
and the good files of the same run still ingested."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.ingest import loaders, pipeline
from assistant.ingest.decode import decode_text
from assistant.store.sqlite_catalog import SqliteCatalog
from tests.helpers import CliResult, Consistent, OpenStore, RunCli

GOOD_TEXT = "The harbour tunnel opened on Tuesday, cutting the journey across the bay from forty minutes to eight."
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
             + bytes(range(256)) * 8)


@dataclass
class Problem:
    path: Path  # as the product reports it: resolved folder + entry name
    reason: str  # a fragment of the reason
    line: int | None = None

    def matches(self, line: str) -> bool:
        where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return line.startswith(f"failed: {where}") and self.reason in line


Case = Callable[[Path, pytest.MonkeyPatch], list[Problem]]


def _empty(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text("  \n\n\t\n")
    return [Problem(corpus / "empty.txt", "file is empty"), Problem(corpus / "blank.md", "file is empty")]


def _binary(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "photo.txt").write_bytes(PNG_BYTES)
    (corpus / "page.html").write_bytes(b"\x00\x01\x02\x03" * 500)
    return [Problem(corpus / "page.html", "binary file"), Problem(corpus / "photo.txt", "binary file")]


def _malformed_jsonl(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    lines = [json.dumps({"text": "Wind farms off the northern coast doubled their output.", "title": "Wind"}),
             '{"text": "An unfinished record, "title": }',
             "",
             "[1, 2, 3]",
             json.dumps({"title": "No text at all"}),
             json.dumps({"text": "Rail workers in the capital voted to strike next month.", "title": "Rail"})]
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n")
    path = corpus / "feed.jsonl"
    return [Problem(path, "malformed JSON", 2), Problem(path, "not a JSON object", 4),
            Problem(path, "no 'text' field", 5)]


def _csv_without_text(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "table.csv").write_text("title,copy\nMuseum,The museum reopened after a long renovation.\n")
    return [Problem(corpus / "table.csv", "CSV has no 'text' column (columns: title, copy)")]


UNCLOSED_QUOTES = (  # line 3: "closed" by the next row's opening quote; line 6: open to the end of the file
    "text,title,source,date\n"
    '"The council approved the harbour budget on Monday.",Budget,Gazette,2021-03-04\n'
    '"Heavy rain flooded the old town overnight, officials said.,Floods,Post,2021-03-09\n'
    '"A new bridge opened to traffic on Friday.",Bridge,Gazette,2021-03-12\n'
    "Schools will reopen next week.,Schools,Herald,2021-03-15\n"
    '"Ferry services to the islands resume on Sunday,Ferry,Herald,2021-03-16\n'
    "Tram drivers voted to strike next month.,Tram,Gazette,2021-03-17\n")
UNCLOSED_QUOTES_READ = {"Budget", "Bridge", "Schools", "Tram"}


def _csv_unclosed_quotes(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "wire.csv").write_text(UNCLOSED_QUOTES)
    return [Problem(corpus / "wire.csv", "malformed CSV: a quote opened in this row never closes", 3),
            Problem(corpus / "wire.csv", "malformed CSV: a quote opened in this row never closes", 6)]


def _too_big(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> list[Problem]:
    monkeypatch.setenv("FACTCHECK_MAX_FILE_MB", "0.01")
    (corpus / "huge.txt").write_text("A sentence about the budget. " * 1000)
    return [Problem(corpus / "huge.txt", "file is 0.0277 MB, over the 0.01 MB limit (raise FACTCHECK_MAX_FILE_MB")]


def _nonexistent(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    return [Problem(corpus / "missing.txt", "no such file or directory")]


def _symlink_loops(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "a.txt").symlink_to(corpus / "b.txt")
    (corpus / "b.txt").symlink_to(corpus / "a.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to("..", target_is_directory=True)
    (corpus / "sub" / "same").symlink_to(".", target_is_directory=True)
    return [Problem(corpus / "a.txt", "symbolic link loop"), Problem(corpus / "b.txt", "symbolic link loop"),
            Problem(corpus / "sub" / "same", "symbolic link loop"),
            Problem(corpus / "sub" / "up", "symbolic link loop")]


def _pipe(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    os.mkfifo(corpus / "pipe.txt")  # reading it would block forever
    return [Problem(corpus / "pipe.txt", "not a regular file")]


def _brackets_in_names(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "[bold]draft.txt").write_bytes(b"")  # printed as is, not taken for terminal markup
    (corpus / "[x]").mkdir()
    (corpus / "[x]" / "empty.md").write_bytes(b"")
    return [Problem(corpus / "[bold]draft.txt", "file is empty"), Problem(corpus / "[x]" / "empty.md", "file is empty")]


def _bad_front_matter(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "post.md").write_text("---\ntitle: [unclosed\n---\nThe body of the post.\n")
    return [Problem(corpus / "post.md", "front matter is not valid YAML")]


def _html_without_text(corpus: Path, _mp: pytest.MonkeyPatch) -> list[Problem]:
    (corpus / "menu.html").write_text(
        "<html><head><title>Menu</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/news'>News</a></li></ul></nav><footer>Copyright 2020 Example</footer></body></html>")
    return [Problem(corpus / "menu.html", "no article text found")]


CASES: dict[str, Case] = {
    "empty": _empty, "binary": _binary, "malformed-jsonl": _malformed_jsonl, "csv-without-text": _csv_without_text,
    "csv-unclosed-quotes": _csv_unclosed_quotes,
    "too-big": _too_big, "nonexistent": _nonexistent, "symlink-loops": _symlink_loops, "pipe": _pipe,
    "brackets-in-names": _brackets_in_names,
    "bad-front-matter": _bad_front_matter, "html-without-text": _html_without_text,
}


def _assert_reported(result: CliResult, problems: list[Problem]) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.failed_lines()
    assert len(lines) == len(problems), result.stderr
    for problem in problems:
        assert sum(problem.matches(line) for line in lines) == 1, f"{problem} not reported once in:\n{result.stderr}"
    summary = result.json()
    assert summary["failed"] == len(problems)
    reported = {(e["path"], e["line"]) for e in summary["errors"]}
    assert reported == {(str(p.path), p.line) for p in problems}


def _titles(run_cli: RunCli) -> set[str]:
    listed = run_cli("sources", "--json")
    assert listed.exit_code == 0, listed.output
    return {a["title"] for a in listed.json()["articles"]}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_reported_and_good_files_still_ingested(
        case: str, corpus: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, consistent: Consistent) -> None:
    corpus = corpus.resolve()
    (corpus / "good.txt").write_text(GOOD_TEXT)
    problems = CASES[case](corpus, monkeypatch)
    extra = [corpus / "missing.txt"] if case == "nonexistent" else []
    result = run_cli("ingest", corpus, *extra, "--json")
    _assert_reported(result, problems)
    titles = _titles(run_cli)
    assert any(t.startswith("The harbour tunnel opened on Tuesday") for t in titles)
    if case == "malformed-jsonl":  # the good records around the bad lines are in
        assert {"Wind", "Rail"} <= titles
    if case == "csv-unclosed-quotes":  # the rows after an unclosed quote are in, and no row merged with another
        assert titles - {t for t in titles if t.startswith("The harbour tunnel")} == UNCLOSED_QUOTES_READ
    assert result.json()["articles"] == len(titles)
    consistent()
    again = run_cli("ingest", corpus, *extra, "--json")  # nothing new: the same problems, not a silent skip
    _assert_reported(again, problems)
    assert again.json()["articles"] == 0 and _titles(run_cli) == titles


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_and_folder(corpus: Path, run_cli: RunCli) -> None:
    corpus = corpus.resolve()
    (corpus / "good.txt").write_text(GOOD_TEXT)
    secret = corpus / "secret.txt"
    secret.write_text("You may not read this.")
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text("Nor this.")
    secret.chmod(0)
    locked.chmod(0)
    try:
        result = run_cli("ingest", corpus, "--json")
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    _assert_reported(result, [Problem(secret, "cannot read: Permission denied"),
                              Problem(locked, "cannot read: Permission denied")])
    assert len(_titles(run_cli)) == 1


def test_unsupported_file_named_explicitly(corpus: Path, run_cli: RunCli) -> None:
    corpus = corpus.resolve()
    (corpus / "good.txt").write_text(GOOD_TEXT)
    (corpus / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    result = run_cli("ingest", corpus / "good.txt", corpus / "report.pdf", "--json")
    _assert_reported(result, [Problem(corpus / "report.pdf", "unsupported file type .pdf")])
    assert len(_titles(run_cli)) == 1


def test_unsupported_files_in_a_folder_are_skipped_quietly(corpus: Path, run_cli: RunCli) -> None:
    (corpus / "good.txt").write_text(GOOD_TEXT)
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    (corpus / ".hidden.txt").write_text("A hidden draft that must not be ingested.")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert (result.json()["files"], result.json()["articles"]) == (1, 1)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_non_utf8_text_is_decoded(encoding: str, corpus: Path, run_cli: RunCli) -> None:
    text = ("Le café de la gare a rouvert. Très tôt, le maître d'hôtel a accueilli les clients; "
            "un résumé naïf de la soirée est paru dans Le Monde.")
    (corpus / "cafe.txt").write_bytes(text.encode(encoding))
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    found = run_cli("search", "café de la gare", "--json")
    assert found.exit_code == 0, found.output
    texts = [r["text"] for r in found.json()["results"]]
    assert texts == [text]


@pytest.mark.parametrize(("text", "encoding"), [
    # a wheel user's file: charset-normalizer alone read it as cp1257 ("célébré ą New York")
    ("Actress Kate Winslet has married Ned RocknRoll in New York. Le mariage a été célébré à New York en "
     "décembre. Déjà mariée deux fois, l'actrice oscarisée était fiancée depuis l'été.", "cp1252"),
    ("Zażółć gęślą jaźń. Wczoraj w Krakowie odbyło się spotkanie przedstawicieli rządu z mieszkańcami.", "cp1250"),
    ("Президент России заявил, что переговоры продолжатся на следующей неделе в Москве.", "cp1251"),
])
def test_legacy_code_pages_are_told_apart(text: str, encoding: str) -> None:
    assert decode_text(Path("a.txt"), text.encode(encoding)).text == text


def test_utf8_with_bom_and_crlf(corpus: Path, run_cli: RunCli) -> None:
    text = "Line one about the café.\r\nLine two about the museum.\r\n"
    (corpus / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    titles = _titles(run_cli)
    assert titles == {"Line one about the café."}


@pytest.mark.slow  # a real process on the real model
def test_one_real_process_reports_every_problem_without_traceback(
        corpus: Path, run_factcheck: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    """All the bad inputs at once, in a real `factcheck` process: its actual stderr, its actual exit code."""
    corpus = corpus.resolve()
    (corpus / "good.txt").write_text(GOOD_TEXT)
    problems = [p for name, case in CASES.items() if name != "nonexistent" for p in case(corpus, monkeypatch)]
    result = run_factcheck("ingest", corpus, corpus / "missing.txt", "--json")
    _assert_reported(result, [*problems, Problem(corpus / "missing.txt", "no such file or directory")])
    assert result.stderr.splitlines() == result.failed_lines()  # nothing else: no progress debris, no blank lines
    assert result.json()["articles"] == 3 + len(UNCLOSED_QUOTES_READ)  # good.txt, feed.jsonl's two, wire.csv's

    human = run_factcheck("ingest", corpus)
    assert human.exit_code == 1
    assert "Traceback" not in human.output
    assert len(human.stdout.splitlines()) == 1  # the summary is one line, however narrow the terminal
    assert re.match(r"\d+ files, 0 articles, 0 chunks, 3 skipped \(unchanged\)", human.stdout)
    # An unchanged file is skipped before parsing, but the bad records noted when it was read are reported again.
    assert len(human.failed_lines()) == len(problems)
    assert sum("(file unchanged since it was read)" in line for line in human.failed_lines()) == len(
        [p for p in problems if p.line is not None])


def test_a_store_from_before_the_problem_ledger_opens_and_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, file_hash TEXT NOT NULL, article_ids TEXT NOT NULL)")
        db.execute("INSERT INTO files VALUES ('old.jsonl', 'abc', '[]')")
    catalog = SqliteCatalog(path)
    try:
        assert catalog.file_hash("old.jsonl") == "abc" and catalog.file_problems("old.jsonl") == []
    finally:
        catalog.close()



@pytest.mark.parametrize("ending", ["\n", "\r\n", "no final newline"])
def test_an_unclosed_quote_loses_no_other_row(ending: str, corpus: Path, run_cli: RunCli, open_store: OpenStore,
                                              consistent: Consistent) -> None:
    """The bad rows are left out, each with one line naming where it began; every other row is stored as written."""
    corpus = corpus.resolve()
    body = UNCLOSED_QUOTES if ending == "no final newline" else UNCLOSED_QUOTES.replace("\n", ending)
    (corpus / "wire.csv").write_bytes((body.removesuffix("\n") if ending == "no final newline" else body).encode())
    result = run_cli("ingest", corpus, "--json")
    _assert_reported(result, _csv_unclosed_quotes(corpus, pytest.MonkeyPatch()))
    with open_store() as store:
        articles = {a.meta.title: a for a in store.articles()}
    assert set(articles) == UNCLOSED_QUOTES_READ
    assert articles["Bridge"].text == "A new bridge opened to traffic on Friday."
    assert (articles["Tram"].text, articles["Tram"].origin) == ("Tram drivers voted to strike next month.",
                                                                f"{corpus / 'wire.csv'}:7")
    consistent()


def test_quoted_line_breaks_and_stray_quotes_are_read_as_before(corpus: Path, run_cli: RunCli,
                                                               open_store: OpenStore) -> None:
    (corpus / "feed.csv").write_text(
        "text,title,source,date\n"
        '"First paragraph, with commas, and more.\nSecond paragraph.",Paragraphs,Gazette,2021-01-01\n'
        'A 5" screen was shown at the fair.,Screen,Gazette,2021-01-02\n'
        '"The "Big" Story was told again.",Story,Gazette,2021-01-03\n')
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0 and result.json()["errors"] == [], result.output
    with open_store() as store:
        texts = {a.meta.title: a.text for a in store.articles()}
    assert texts == {"Paragraphs": "First paragraph, with commas, and more.\nSecond paragraph.",
                     "Screen": 'A 5" screen was shown at the fair.', "Story": 'The Big" Story was told again."'}


def test_a_csv_ingested_by_the_reader_before_is_read_again(corpus: Path, run_cli: RunCli, consistent: Consistent,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A store made before unclosed quotes were caught holds the merged rows; the CSV reader's revision makes the
    next ingest read the unchanged file again, and the rows it swallowed replace the merged ones."""
    (corpus / "wire.csv").write_text(UNCLOSED_QUOTES)
    with monkeypatch.context() as before:
        before.setattr(pipeline, "READING_REVISIONS", {})  # the ledger key of that time: the plain file hash
        before.setattr(loaders, "_unclosed_quote", lambda *_args: False)  # and its reading
        old = run_cli("ingest", corpus, "--json")
    assert old.exit_code == 0 and old.json()["articles"] == 4 and "Tram" not in _titles(run_cli)

    again = run_cli("ingest", corpus, "--json")
    assert again.exit_code == 1 and again.json()["skipped"] == 0 and again.json()["failed"] == 2
    assert _titles(run_cli) == UNCLOSED_QUOTES_READ
    consistent()


def test_a_re_ingest_counts_each_file_once(corpus: Path, run_cli: RunCli) -> None:
    # a tester's folder: its re-ingest said "4 files, ..., 2 skipped (unchanged), ..., 3 failed", the feed with a
    # malformed line counted both as skipped and as failed
    (corpus / "good.txt").write_text(GOOD_TEXT)
    (corpus / "empty.txt").write_text("")
    (corpus / "notext.csv").write_text("headline,publisher\nCouncil news,Local Paper\n")
    (corpus / "feed.jsonl").write_text(
        '{"title": "Budget", "text": "The council approved a budget of 4 million pounds on Tuesday."}\n'
        '{"title": "Broken", "text": "missing brace"\n')
    first = run_cli("ingest", corpus)
    again = run_cli("ingest", corpus)
    assert "0 skipped (unchanged), " in first.stdout and "2 files failed, 1 records failed in" in first.stdout
    assert again.exit_code == 1 and again.stdout.startswith("4 files, 0 articles")
    assert "2 skipped (unchanged), " in again.stdout and "2 files failed, 1 records failed in" in again.stdout
    summary = run_cli("ingest", corpus, "--json").json()
    assert (summary["files"], summary["skipped"], summary["failed_files"], summary["failed_records"],
            summary["failed"]) == (4, 2, 2, 1, 3)
