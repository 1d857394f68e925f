"""The command-line contract: exit codes 0/1/2, help, stable JSON keys, one-line errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli.main import COMMANDS, load_command
from assistant.ingest.pipeline import Ingestor
from tests.helpers import RunCli

SUMMARY_KEYS = {"files", "articles", "chunks", "skipped", "duplicates", "unchanged", "updated", "removed", "failed",
                "failed_files", "failed_records", "seconds", "interrupted", "remaining", "gone_files", "gone_articles",
                "pruned", "errors", "warnings"}
SOURCE_KEYS = {"id", "title", "source", "date", "date_inferred", "date_source", "date_confidence", "url", "chunks",
               "cluster", "origin"}


@pytest.mark.parametrize("args", [
    ["--bogus"], ["ingest", "--bogus", "seeds"], ["sources", "--bogus"], ["sources", "remove", "x", "--nope"],
    ["ingest"], ["sources", "remove"], ["no-such-command"], ["search", "x", "--k", "0"],
])
def test_usage_errors_exit_2(args: list[str], run_cli: RunCli) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "hint"), [
    (["sourcs"], "No such command 'sourcs'. Did you mean 'sources'?"),
    (["chek", "a claim"], "Did you mean 'check'?"),
    (["sources", "remve", "x"], "No such command 'remve'. Did you mean 'remove'?"),
    (["slack", "serv"], "Did you mean 'serve'?"),
    (["sources", "--jsn"], "No such option: --jsn (Possible options: --json)"),
    (["search", "Raqqa", "--colection", "x"], "No such option: --colection (Possible options: --collection)"),
])
def test_a_misspelt_command_or_option_names_the_closest_one(args: list[str], hint: str, run_cli: RunCli) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert hint in result.stderr and "Traceback" not in result.output


def test_no_arguments_shows_help(run_cli: RunCli, run_factcheck: RunCli) -> None:
    for result in (run_cli(), run_factcheck()):
        assert "Usage: factcheck" in result.output
        for command in ("ingest", "search", "sources"):
            assert command in result.output
        assert result.exit_code == 2  # click's convention for "no command given": a usage error
        assert "Traceback" not in result.output


def test_help_and_version(run_cli: RunCli) -> None:
    helped = run_cli("--help")
    assert helped.exit_code == 0 and "ingest" in helped.stdout
    ingest_help = run_cli("ingest", "--help")
    assert ingest_help.exit_code == 0 and "--json" in ingest_help.stdout and "--collection" in ingest_help.stdout
    version = run_cli("--version")
    assert version.exit_code == 0 and version.stdout.startswith("factcheck ")


def _command_paths() -> list[list[str]]:
    """Every command and sub-command, as typed: ["check"], ["sources", "remove"], ..."""
    paths: list[list[str]] = [[]]
    for name in COMMANDS:
        paths.append([name])
        paths += [[name, sub] for sub in getattr(load_command(name), "commands", {})]
    return paths


@pytest.mark.parametrize("words", _command_paths(), ids=lambda words: " ".join(words) or "factcheck")
def test_flags_show_no_value_in_help(words: list[str], run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flag takes no value: its help line names none (typer printed `--json <bool>`, `--help <bool>`)."""
    monkeypatch.setenv("COLUMNS", "120")
    helped = run_cli(*words, "--help")
    assert helped.exit_code == 0, helped.output
    assert "--help" in helped.stdout and "Show this message and exit." in helped.stdout
    assert "<bool>" not in helped.stdout and "BOOLEAN" not in helped.stdout, helped.stdout
    for line in helped.stdout.splitlines():  # and a flag's line goes straight on to its help text
        for flag in ("--json ", "--help ", "--no-cache ", "--record ", "--firm-dates ", "--prune "):
            if flag in line:
                assert line.split(flag, 1)[1].lstrip(" │").startswith(("Print", "Show", "Bypass", "Record",
                                                                        "Only", "Remove")), line


def test_the_help_listing_matches_each_command(run_cli: RunCli) -> None:
    """`factcheck --help` lists commands from a table (so it imports none of them): it must say what they say."""
    from assistant.cli.main import COMMANDS, load_command

    for name, (_, _, listed) in COMMANDS.items():
        command = load_command(name)
        assert (command.help or "").strip().splitlines()[0] == listed, name
        assert run_cli(name, "--help").exit_code == 0, name


def test_real_process_usage_error(run_factcheck: RunCli) -> None:
    result = run_factcheck("ingest", "--bogus")
    assert result.exit_code == 2
    assert "No such option" in result.stderr and "Traceback" not in result.output
    typo = run_factcheck("sourcs")
    assert typo.exit_code == 2 and "Did you mean 'sources'?" in typo.stderr


def test_ingest_json_and_human_summaries(run_cli: RunCli, seeds: Path) -> None:
    as_json = run_cli("ingest", seeds, "--json")
    assert as_json.exit_code == 0
    assert set(as_json.json()) == SUMMARY_KEYS
    human = run_cli("ingest", seeds)
    assert human.exit_code == 0
    assert human.stdout.startswith("2 files, 0 articles, 0 chunks, 2 skipped (unchanged), 0 duplicates")
    assert human.stderr.strip() == ""
    listed = run_cli("sources", "--json").json()["articles"]
    assert len(listed) == 2 and all(set(a) == SOURCE_KEYS for a in listed)
    table = run_cli("sources")
    assert table.exit_code == 0
    assert all(a["id"] in table.stdout for a in listed)


@pytest.mark.parametrize(("name", "value", "setting"), [
    ("FACTCHECK_CHUNK_CHARS", "5", "FACTCHECK_CHUNK_CHARS"),
    ("FACTCHECK_MAX_FILE_MB", "-1", "FACTCHECK_MAX_FILE_MB"),
    ("FACTCHECK_BATCH_CHUNKS", "zero", "FACTCHECK_BATCH_CHUNKS"),
    ("FACTCHECK_EMBEDDINGS", "word2vec", "FACTCHECK_EMBEDDINGS"),
])
def test_invalid_setting_is_one_line(name: str, value: str, setting: str, run_cli: RunCli, seeds: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    result = run_cli("ingest", seeds)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: invalid setting {setting}")


def test_a_data_dir_that_is_a_file_is_one_line(run_cli: RunCli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(tmp_path / "afile"))
    result = run_cli("sources")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: invalid setting FACTCHECK_DATA_DIR: {tmp_path / 'afile'} is a file, "
                                     "not a folder")


def test_broken_config_file(run_cli: RunCli, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "factcheck.toml"
    config.write_text("chunk_chars = [unclosed\n")
    monkeypatch.setenv("FACTCHECK_CONFIG", str(config))
    result = run_cli("sources")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: config file {config} is not valid TOML")


def test_openai_embeddings_without_endpoint(run_cli: RunCli, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_EMBEDDINGS", "openai")
    result = run_cli("ingest", seeds)
    assert result.exit_code == 1
    assert "OPENAI_API_KEY or OPENAI_BASE_URL" in result.stderr


def test_unexpected_exception_is_one_line(run_cli: RunCli, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(Ingestor, "run", broken)
    result = run_cli("ingest", seeds)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: internal error: RuntimeError: disk on fire "
                                     "(set FACTCHECK_DEBUG=1 for details)")


@pytest.mark.parametrize("name", ["../outside", "ab", "my collection", "a..b", "-dash"])
def test_bad_collection_name_is_refused_before_touching_disk(name: str, run_cli: RunCli, seeds: Path,
                                                             data_dir: Path) -> None:
    result = run_cli("ingest", seeds, "--collection", name)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: invalid collection name {name!r}: use 3 to 512 letters, digits, "
                                     "'.', '_' or '-', starting and ending with a letter or digit")
    assert not (data_dir / "outside").exists()  # where collections/../outside would land
    assert not (data_dir / "collections").exists() or not any((data_dir / "collections").iterdir())


@pytest.mark.usefixtures("seeded_data_dir")
@pytest.mark.parametrize("args", [["check", "Airwars is based in London."], ["search", "Raqqa"], ["ask", "Who?"],
                                  ["sources"], ["audit"]])
def test_a_misspelt_collection_is_named_not_opened_empty(args: list[str], run_cli: RunCli,
                                                         seeded_data_dir: Path) -> None:
    # a wheel user's `check ... --collection artcles` answered "not enough evidence" from a new, empty collection
    result = run_cli(*args, "--collection", "artcles")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: no collection 'artcles' in {seeded_data_dir} (collections there: "
                                     "articles); check the name, or ingest into it first")
    assert not (seeded_data_dir / "collections" / "artcles").exists()


def test_a_misspelt_setting_is_a_usage_error_naming_the_right_one(run_cli: RunCli, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_ENGNIE", "openai")
    result = run_cli("ask", "x")
    assert result.exit_code == 2 and "FACTCHECK_ENGINE" in result.stderr and "Traceback" not in result.output
    monkeypatch.delenv("FACTCHECK_ENGNIE")
    config = tmp_path / "factcheck.toml"
    config.write_text('engnie = "local"\n', encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_CONFIG", str(config))
    result = run_cli("sources")
    assert result.exit_code == 2 and "did you mean engine?" in result.stderr


def test_a_file_that_cannot_be_read_is_named_in_plain_words(run_cli: RunCli, seeds: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # it had read "cannot read nonexist.txt: [Errno 2] No such file or directory: 'nonexist.txt'"
    assert run_cli("ingest", seeds).exit_code == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "claims.jsonl").write_bytes(b'{"id": "1", "text": "caf\xe9"}\n')
    for args, message in [(["check", "--file", "nonexist.txt"], "cannot read nonexist.txt: no such file"),
                          (["check", "--file", "drafts"], "cannot read drafts: is a directory, not a file"),
                          (["check", "--batch", "missing.jsonl"], "cannot read missing.jsonl: no such file"),
                          (["check", "--batch", "claims.jsonl"],
                           "cannot read claims.jsonl: not UTF-8 text (byte 0xe9")]:
        result = run_cli(*args)
        assert result.exit_code == 1 and result.stderr.startswith(f"error: {message}"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
