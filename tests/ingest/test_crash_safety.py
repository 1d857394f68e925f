"""`kill -9` of a real `factcheck ingest` at many moments, then a normal run: the store ends up exactly as a clean
ingest of the same files would leave it, with Chroma and the SQLite index in agreement.

The kills are aimed, not timed blindly: the test watches the catalog (read-only) while the process writes, and
sends SIGKILL the moment a batch is half-written ('pending' rows: vectors going into Chroma) or a replaced
article is half-removed ('deleting' rows), with tiny batches so every run commits many times.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.store.store import Store
from tests.helpers import Consistent, OpenStore, RunCli, assert_consistent, factcheck_command, factcheck_env

pytestmark = pytest.mark.slow

N_FILES = 80
# Small chunks, no overlap: many chunks and commits for little embedding work (the costly part of a run).
SETTINGS = {"FACTCHECK_CHUNK_CHARS": "120", "FACTCHECK_CHUNK_OVERLAP_SENTENCES": "0"}
BATCH = {"FACTCHECK_BATCH_CHUNKS": "4"}
WORDS = ("harbour council budget tunnel election museum river bridge storm flood school hospital rail strike "
         "farm wind solar zoo mayor court police festival market port airport").split()

States = dict[str, int]
Condition = Callable[[States, States], bool]  # (state now, state when the run started) -> kill now?


def _story(rng: random.Random, number: int, version: int) -> str:
    sentences = [f"Report {number} v{version}: the {rng.choice(WORDS)} of district {number}."]
    for _ in range(rng.randint(1, 6)):
        a, b = rng.sample(WORDS, 2)
        sentences.append(f"The {a} plan for the {b} costs {rng.randint(2, 900)} million.")
    return " ".join(sentences)


def _write_corpus(folder: Path, version: int) -> None:
    """80 articles of 1-4 chunks; version 1 rewrites every other file. Two files hold the same article."""
    rng = random.Random(42)
    folder.mkdir(exist_ok=True)
    for number in range(N_FILES):
        text = _story(rng, number, version if number % 2 else 0)
        if number % 10 == 0:
            text = f"date 2020-03-{number // 10 + 1:02d} {text}"
        (folder / f"{number:03d}.txt").write_text(text)
    (folder / "copy_of_003.txt").write_text((folder / "003.txt").read_text())


def _catalog_states(db: sqlite3.Connection | None) -> States:
    if db is None:
        return {}
    try:
        return dict(db.execute("SELECT status, count(*) FROM articles GROUP BY status").fetchall())
    except sqlite3.Error:  # not created yet, or busy for a moment
        return {}


def _connect(path: Path) -> sqlite3.Connection | None:
    if not path.exists():
        return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05, isolation_level=None)
    except sqlite3.Error:
        return None


def _default_sigint() -> None:
    """A shell's background job starts with Ctrl-C ignored, and a child inherits that; a user's terminal does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ingest_and_kill(corpus: Path, data_dir: Path, condition: Condition, timeout: float = 60,
                     sig: signal.Signals = signal.SIGKILL) -> States:
    """Start `factcheck ingest`; send `sig` as soon as `condition` holds. Returns the catalog state right after."""
    catalog = data_dir / "collections" / "articles" / "catalog.sqlite3"
    db = _connect(catalog)
    initial = _catalog_states(db)
    env = factcheck_env(FACTCHECK_DATA_DIR=str(data_dir), **SETTINGS, **BATCH)
    proc = subprocess.Popen([*factcheck_command(), "ingest", str(corpus), "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + timeout
    try:
        while not condition(_catalog_states(db), initial):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the ingest ended (rc={proc.returncode}) or timed out before the kill condition held: "
                            f"{proc.communicate()[1][-2000:]}")
            time.sleep(0.0005)
            db = db or _connect(catalog)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        if sig == signal.SIGKILL:
            assert proc.returncode == -9
        else:  # Ctrl-C or SIGTERM: the command keeps its finished batches and says what remains
            assert proc.returncode == 130, stderr
            assert stderr.strip().splitlines()[-1].startswith("interrupted: saved "), stderr
            assert "Traceback" not in stderr
        return _catalog_states(db)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if db is not None:
            db.close()


def _pending(state: States, _initial: States) -> bool:
    return state.get("pending", 0) > 0


def _pending_after(done: int) -> Condition:
    ready_after = _ready_after(done)
    return lambda state, initial: state.get("pending", 0) > 0 and ready_after(state, initial)


def _ready_after(done: int) -> Condition:
    return lambda state, initial: state.get("ready", 0) >= initial.get("ready", 0) + done


def _deleting(state: States, _initial: States) -> bool:
    return state.get("deleting", 0) > 0


def test_sigkill_at_any_moment_then_resume_equals_a_clean_ingest(
        tmp_path: Path, run_cli: RunCli, open_store: OpenStore, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, crashed, clean = tmp_path / "corpus", tmp_path / "crashed", tmp_path / "clean"
    _write_corpus(corpus, version=0)
    seen = [_ingest_and_kill(corpus, crashed, condition) for condition in
            (_pending, _pending_after(15), _ready_after(15))]
    assert sum(s.get("pending", 0) > 0 for s in seen) >= 2, f"kills missed the half-written batches: {seen}"

    _write_corpus(corpus, version=1)  # every other file edited: its old article must go, from both indexes
    seen = [_ingest_and_kill(corpus, crashed, condition) for condition in (_deleting, _pending_after(5))]
    assert any(s.get("deleting", 0) > 0 for s in seen), f"kills missed the half-removed articles: {seen}"

    final = subprocess.run([*factcheck_command(), "ingest", str(corpus), "--json"], capture_output=True, text=True,
                           env=factcheck_env(FACTCHECK_DATA_DIR=str(crashed), **SETTINGS, **BATCH),
                           timeout=120, check=False)
    assert final.returncode == 0, final.stderr
    assert "Traceback" not in final.stderr

    for name, value in {**SETTINGS, "FACTCHECK_DATA_DIR": str(clean)}.items():
        monkeypatch.setenv(name, value)
    reference = run_cli("ingest", corpus, "--json")
    assert reference.exit_code == 0, reference.output
    assert reference.json()["duplicates"] == 1

    with open_store(data_dir=clean) as clean_store, open_store(data_dir=crashed) as crashed_store:
        expected, got = assert_consistent(clean_store), assert_consistent(crashed_store)
        assert len(expected) == reference.json()["chunks"]
        assert len(got) == len(expected)
        assert got == expected
        summary = [(a.id, a.n_chunks, a.meta.date, a.meta.title, a.text) for a in clean_store.articles()]
        assert [(a.id, a.n_chunks, a.meta.date, a.meta.title, a.text) for a in crashed_store.articles()] == summary
        assert len(summary) == N_FILES
        ids = sorted(expected)
        want, have = clean_store.vectors.vectors(ids), crashed_store.vectors.vectors(ids)
        for chunk_id in ids:  # each chunk kept its own vector through the kills
            np.testing.assert_allclose(have[chunk_id], want[chunk_id], atol=1e-4)

    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(crashed))
    again = run_cli("ingest", corpus, "--json")
    assert again.exit_code == 0
    assert (again.json()["skipped"], again.json()["chunks"]) == (N_FILES + 1, 0)


def test_ctrl_c_stops_cleanly_and_the_next_run_finishes(tmp_path: Path, open_store: OpenStore) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    _write_corpus(corpus, version=0)
    _ingest_and_kill(corpus, data, _pending_after(5), sig=signal.SIGINT)
    done = subprocess.run([*factcheck_command(), "ingest", str(corpus), "--json"], capture_output=True, text=True,
                          env=factcheck_env(FACTCHECK_DATA_DIR=str(data), **SETTINGS), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with open_store(data_dir=data) as store:
        assert_consistent(store)
        assert len(store.articles()) == N_FILES


def test_dates_are_filled_by_the_next_run_after_a_kill_before_the_last_step(
        seeds: Path, run_cli: RunCli, consistent: Consistent, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run killed after its last commit, before undated copies got their dates: the next run still fills them."""
    with monkeypatch.context() as killed:
        killed.setattr(Store, "fill_dates_from_clusters", lambda _self: 0)
        assert run_cli("ingest", seeds).exit_code == 0
    assert sorted(str(a["date"]) for a in run_cli("sources", "--json").json()["articles"]) == ["2017-07-24", "None"]

    again = run_cli("ingest", seeds, "--json")
    assert again.exit_code == 0 and again.json()["skipped"] == 2
    articles = run_cli("sources", "--json").json()["articles"]
    assert [(a["date"], a["date_inferred"]) for a in articles] == [("2017-07-24", True), ("2017-07-24", False)]
    consistent()  # the inferred date reached Chroma's metadata too


def test_sigint_and_sigterm_keep_finished_batches_and_the_next_run_does_only_the_rest(
        tmp_path: Path, open_store: OpenStore) -> None:
    """100 articles, batches of 4 chunks: interrupted at several moments (mid-batch, right after a commit), each
    run exits 130 keeping what it committed, the store invariant holds after every stop, and a final run reads
    only the files not yet saved."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    rng = random.Random(7)
    corpus.mkdir()
    for number in range(100):
        (corpus / f"{number:03d}.txt").write_text(_story(rng, number, 0))
    ready: list[int] = []
    for sig, condition in ((signal.SIGINT, _pending_after(10)), (signal.SIGTERM, _ready_after(10)),
                           (signal.SIGINT, _pending)):
        state = _ingest_and_kill(corpus, data, condition, sig=sig)
        assert state.get("pending", 0) == 0 and state.get("ready", 0) > (ready[-1] if ready else 0), state
        ready.append(state["ready"])
        with open_store(data_dir=data) as store:
            assert_consistent(store)
    assert ready[-1] < 100, "the runs finished before they were stopped"
    done = subprocess.run([*factcheck_command(), "ingest", str(corpus), "--json"], capture_output=True, text=True,
                          env=factcheck_env(FACTCHECK_DATA_DIR=str(data), **SETTINGS, **BATCH), timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["skipped"], summary["articles"]) == (ready[-1], 100 - ready[-1])
    with open_store(data_dir=data) as store:
        assert_consistent(store)
        assert len(store.articles()) == 100


def test_two_ingests_into_one_collection_one_waits_and_the_result_equals_one_ingest(
        tmp_path: Path, open_store: OpenStore, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, data, clean = tmp_path / "corpus", tmp_path / "data", tmp_path / "clean"
    _write_corpus(corpus, version=0)
    env = factcheck_env(FACTCHECK_DATA_DIR=str(data), **SETTINGS, **BATCH)
    command = [*factcheck_command(), "ingest", str(corpus), "--json"]
    catalog = data / "collections" / "articles" / "catalog.sqlite3"
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second: subprocess.Popen[str] | None = None
    try:
        deadline = time.monotonic() + 60
        db = None
        while _catalog_states(db).get("ready", 0) < 3:  # the first one is writing
            assert first.poll() is None and time.monotonic() < deadline, "the first ingest ended too soon"
            time.sleep(0.01)
            db = db or _connect(catalog)
        first.send_signal(signal.SIGSTOP)  # frozen mid-ingest, holding the lock: the timing no longer matters
        refused = subprocess.run([*command, "--no-wait"], env=env, capture_output=True, text=True, timeout=60,
                                 check=False)
        assert refused.returncode == 1
        assert refused.stderr.strip() == (f"error: another ingest is writing to this collection (pid {first.pid}); "
                                          "not waiting (--no-wait)")
        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        notice = second.stderr.readline()  # printed before it waits
        first.send_signal(signal.SIGCONT)
        second_out, second_err = second.communicate(timeout=120)
        _, first_err = first.communicate(timeout=120)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
        if db is not None:
            db.close()
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    assert notice.strip() == f"another ingest is writing to this collection (pid {first.pid}); waiting"
    # The second ran after the first had finished: it found every file already stored.
    assert (json.loads(second_out)["skipped"], json.loads(second_out)["chunks"]) == (N_FILES + 1, 0)

    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(clean))
    monkeypatch.setenv("FACTCHECK_CHUNK_CHARS", SETTINGS["FACTCHECK_CHUNK_CHARS"])
    monkeypatch.setenv("FACTCHECK_CHUNK_OVERLAP_SENTENCES", SETTINGS["FACTCHECK_CHUNK_OVERLAP_SENTENCES"])
    assert run_cli("ingest", corpus).exit_code == 0
    with open_store(data_dir=clean) as reference, open_store(data_dir=data) as store:
        assert assert_consistent(store) == assert_consistent(reference)
        assert [(a.id, a.meta.date) for a in store.articles()] == [(a.id, a.meta.date) for a in reference.articles()]
