"""Files deleted after they were ingested: a notice counts them (their articles stay searchable), and
`ingest --prune` removes their articles everywhere, except one that another file still holds."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import Consistent, RunCli


def _write(corpus: Path) -> None:
    (corpus / "tunnel.txt").write_text("The harbour tunnel opened to traffic on Tuesday, the transport authority said.")
    (corpus / "museum.txt").write_text("The city museum reopened after a two-year renovation, its director said.")
    (corpus / "museum-copy.txt").write_text((corpus / "museum.txt").read_text())
    (corpus / "feed.jsonl").write_text(
        json.dumps({"title": "Zoo", "text": "The zoo welcomed two elephants from a sanctuary."}) + "\n"
        + json.dumps({"title": "Rail", "text": "Rail workers called off Friday's strike after a pay offer."}) + "\n")


def _hits(run_cli: RunCli, query: str) -> int:
    result = run_cli("search", query, "--k", "1", "--mode", "lexical", "--json")
    assert result.exit_code == 0, result.output
    return len(result.json()["results"])


def test_gone_files_are_counted_then_pruned(run_cli: RunCli, corpus: Path, tmp_path: Path,
                                            consistent: Consistent) -> None:
    _write(corpus)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "storm.txt").write_text("A storm closed the ferry port for two days, the port said.")
    assert run_cli("ingest", corpus, elsewhere).exit_code == 0
    for name in ("tunnel.txt", "feed.jsonl", "museum.txt"):
        (corpus / name).unlink()
    (elsewhere / "storm.txt").unlink()  # gone too, but not under the folder ingested next

    noticed = run_cli("ingest", corpus, "--json")
    assert noticed.exit_code == 0, noticed.output
    summary = noticed.json()
    assert (summary["gone_files"], summary["gone_articles"], summary["pruned"]) == (3, 4, 0)
    assert ("notice: 3 files ingested before from these paths are gone; their 4 articles are still stored and "
            "searchable") in noticed.stderr
    assert _hits(run_cli, "elephants sanctuary") == 1  # still there without --prune

    pruned = run_cli("ingest", corpus, "--prune", "--json")
    assert pruned.exit_code == 0, pruned.output
    assert (pruned.json()["pruned"], pruned.json()["gone_files"]) == (3, 0)  # the museum story: its copy holds it
    assert _hits(run_cli, "elephants sanctuary") == 0 and _hits(run_cli, "tunnel traffic") == 0
    assert _hits(run_cli, "museum renovation") == 1 and _hits(run_cli, "storm ferry port") == 1
    consistent()
    assert run_cli("ingest", corpus, "--json").json()["gone_files"] == 0
    assert len(run_cli("sources", "--json").json()["articles"]) == 2
