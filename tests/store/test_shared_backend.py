"""The shared backend with real servers on 127.0.0.1 (PostgreSQL and `chroma run`), driven through the real
`factcheck` command in separate processes: processes with different data dirs see one corpus; an ingest killed
with SIGKILL and run again leaves Chroma ids == Postgres chunk ids == lexical rows; ingests into one
collection run one at a time."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assistant.config import load_settings
from assistant.runtime import open_store
from assistant.store.postgres_catalog import PostgresCatalog
from assistant.store.writer_lock import hold
from scripts.local_servers import free_port
from tests.helpers import RunCli, assert_consistent, factcheck_command, factcheck_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgres")]  # one server per run, not per worker

N_FILES = 60
SMALL = {"FACTCHECK_CHUNK_CHARS": "120", "FACTCHECK_CHUNK_OVERLAP_SENTENCES": "0", "FACTCHECK_BATCH_CHUNKS": "4"}
WORDS = "harbour council budget tunnel election museum river bridge storm flood school hospital rail strike".split()


@pytest.fixture
def shared(postgres_url: str, chroma_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The environment of every process: both servers; each process then picks its own data dir."""
    env = {"FACTCHECK_DATABASE_URL": postgres_url, "FACTCHECK_CHROMA_URL": chroma_url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env


def _corpus(folder: Path) -> Path:
    rng = random.Random(7)
    folder.mkdir()
    for number in range(N_FILES):
        sentences = [f"Report {number}: the {rng.choice(WORDS)} of district {number}."]
        sentences += [f"The {a} plan for the {b} costs {rng.randint(2, 900)} million."
                      for a, b in (rng.sample(WORDS, 2) for _ in range(rng.randint(2, 5)))]
        (folder / f"{number:03d}.txt").write_text(" ".join(sentences))
    return folder


def _run(*args: str | Path, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*factcheck_command(), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env=factcheck_env(FACTCHECK_DATA_DIR=str(data_dir), **env), check=False)


def _start(*args: str | Path, data_dir: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*factcheck_command(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=factcheck_env(FACTCHECK_DATA_DIR=str(data_dir), **env))


def _consistent(collection: str = "articles") -> set[str]:
    store = open_store(load_settings(), collection)
    try:
        return assert_consistent(store)
    finally:
        store.close()


def _statuses(db: psycopg.Connection[tuple[object, ...]]) -> dict[str, int]:
    try:
        rows = db.execute("SELECT status, count(*) FROM factcheck_articles WHERE collection = 'articles' "
                          "GROUP BY status").fetchall()
    except psycopg.errors.UndefinedTable:  # the ingest has not created the tables yet
        return {}
    return {str(status): int(str(count)) for status, count in rows}


def test_processes_with_different_data_dirs_share_one_corpus(shared: dict[str, str], seeds: Path,
                                                             tmp_path: Path) -> None:
    ingest_box, bot_box = tmp_path / "ingest-box", tmp_path / "bot-box"
    ingested = _run("ingest", seeds, "--json", data_dir=ingest_box)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["articles"] == 2

    sources = _run("sources", "--json", data_dir=bot_box)
    assert sources.returncode == 0, sources.stderr
    assert len(json.loads(sources.stdout)["articles"]) == 2
    found = _run("search", "How many Daesh militants are in Raqqa?", "--json", data_dir=bot_box)
    assert any("2,000 Daesh militants" in r["text"] for r in json.loads(found.stdout)["results"]), found.stdout
    lexical = _run("search", "U.S. Army Col. Ryan Dillon", "--mode", "lexical", "--json", data_dir=bot_box)
    assert "Ryan Dillon" in json.loads(lexical.stdout)["results"][0]["text"]
    checked = _run("check", "Airwars says 744 civilians were killed in coalition strikes in June.", "--json",
                   data_dir=bot_box)
    verdict = json.loads(checked.stdout)["claims"][0]
    assert verdict["verdict"] == "supported" and verdict["citations"], verdict
    assert not list(bot_box.rglob("*.sqlite3")) and not (bot_box / "chroma").exists()  # nothing local to the box
    assert not (ingest_box / "chroma").exists() and not (ingest_box / "collections").exists()
    again = _run("ingest", seeds, "--json", data_dir=bot_box)  # the ledger is shared too: nothing to redo
    assert json.loads(again.stdout)["skipped"] == 2


def test_sigkill_during_a_shared_ingest_then_a_rerun_leaves_every_index_in_agreement(
        shared: dict[str, str], postgres_url: str, tmp_path: Path, run_cli: RunCli,
        monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "corpus")
    for name, value in SMALL.items():
        monkeypatch.setenv(name, value)
    with psycopg.connect(postgres_url, autocommit=True) as watcher:
        for kill_when in ("pending", "ready"):  # mid-batch (vectors going into Chroma), then between batches
            process = _start("ingest", corpus, data_dir=tmp_path / "box", **SMALL)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                states = _statuses(watcher)
                if states.get(kill_when) and (kill_when == "pending" or states["ready"] < N_FILES):
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.005)
            process.wait(timeout=30)
            process.communicate()
            assert process.returncode == -signal.SIGKILL, f"the ingest ended before the kill ({kill_when})"
    rerun = _run("ingest", corpus, "--json", data_dir=tmp_path / "other-box", **SMALL)
    assert rerun.returncode == 0, rerun.stderr
    killed_then_rerun = _consistent()
    clean = run_cli("ingest", corpus, "--collection", "clean-run", "--json")
    assert clean.exit_code == 0, clean.output
    assert {i.split(":")[0] for i in killed_then_rerun} == {i.split(":")[0] for i in _consistent("clean-run")}
    assert len(killed_then_rerun) == clean.json()["chunks"]


def test_two_ingests_into_one_collection_run_one_after_the_other(shared: dict[str, str], postgres_url: str,
                                                                 tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    holder = PostgresCatalog(postgres_url, "articles")
    try:
        with hold(holder.writer_lock(), wait=False, on_wait=print):  # held first: both ingests must wait for it
            refused = _run("ingest", corpus, "--no-wait", data_dir=tmp_path / "box-0")
            assert refused.returncode == 1
            assert refused.stderr == (f"error: another ingest is writing to this collection (pid {os.getpid()}); "
                                      "not waiting (--no-wait)\n")
            runs = [_start("ingest", corpus, "--json", data_dir=tmp_path / f"box-{n}", **SMALL) for n in (1, 2)]
            deadline = time.monotonic() + 60
            while _waiting(postgres_url) < 2:
                assert time.monotonic() < deadline, "the ingests did not wait for the lock"
                time.sleep(0.1)
        outputs = [run.communicate(timeout=300) for run in runs]
    finally:
        holder.close()
    assert [run.returncode for run in runs] == [0, 0], outputs
    for _, stderr in outputs:
        assert f"another ingest is writing to this collection (pid {os.getpid()}); waiting" in stderr
    summaries = sorted((json.loads(stdout) for stdout, _ in outputs), key=lambda s: s["articles"])
    assert summaries[0]["articles"] == 0 and summaries[0]["skipped"] == N_FILES  # the second found it all done
    assert summaries[1]["articles"] == N_FILES
    assert len(_consistent()) == summaries[1]["chunks"]


def _waiting(postgres_url: str) -> int:
    """Ingests polling for the writer lock: sessions that asked for it and were refused (pg_stat_activity
    shows each one's last query)."""
    with psycopg.connect(postgres_url, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'factcheck pid %%' "
                         "AND query LIKE 'SELECT pg_try_advisory_lock%%' AND pid <> pg_backend_pid()").fetchone()
    return int(row[0]) if row else 0


def test_a_shared_catalog_without_shared_vectors_is_refused(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", "postgresql://factcheck@127.0.0.1:5432/factcheck")
    result = run_cli("sources")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: FACTCHECK_DATABASE_URL needs FACTCHECK_CHROMA_URL too")
    assert result.stderr.count("\n") == 1


def test_an_unreachable_database_is_one_line_without_the_password(chroma_url: str, run_cli: RunCli,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CHROMA_URL", chroma_url)
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"postgresql://factcheck:s3cret@127.0.0.1:{free_port()}/factcheck")
    result = run_cli("search", "militants")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the Postgres catalog at "
                                                   "postgresql://factcheck:***@127.0.0.1:"), lines
    assert "s3cret" not in result.output
