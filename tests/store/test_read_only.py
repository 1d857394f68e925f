"""A read-only store (FACTCHECK_READ_ONLY=1, or a data dir mounted read-only) serves sources, search, ask and
check, refuses ingest with one line, and is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.helpers import RunCli

pytestmark = pytest.mark.slow  # end to end: the extractive answer's sentences are the real model's nearest

QUESTION = "How many Daesh militants are in Raqqa?"
CLAIM = "Airwars says 744 civilians were killed in coalition strikes in June."


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file's hash, except SQLite's -shm/-wal coordination files, which a reader in `mode=ro` may create
    (empty) so that it can share the database safely with a writer."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(("-shm", "-wal"))}


def _serves_reads(run: RunCli) -> None:
    sources = run("sources", "--json")
    assert sources.exit_code == 0, sources.output
    assert len(sources.json()["articles"]) == 2
    found = run("search", "Daesh militants in Raqqa", "--k", "2", "--json")
    assert found.exit_code == 0 and found.json()["results"], found.output
    answer = run("ask", QUESTION, "--engine", "local", "--json")
    assert answer.exit_code == 0 and "2,000" in answer.json()["answer"], answer.output
    verdict = run("check", CLAIM, "--json")
    assert verdict.exit_code == 0 and verdict.json()["claims"][0]["verdict"] == "supported", verdict.output


def test_read_only_setting_serves_reads_and_writes_nothing(run_cli: RunCli, seeds: Path, data_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    before = _fingerprint(data_dir)
    monkeypatch.setenv("FACTCHECK_READ_ONLY", "1")
    _serves_reads(run_cli)
    refused = run_cli("ingest", seeds)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == ("error: the store is read-only (FACTCHECK_READ_ONLY is set); ingest and "
                                      "remove need a writable FACTCHECK_DATA_DIR")
    assert _fingerprint(data_dir) == before


def test_read_only_mount_serves_reads(run_cli: RunCli, run_factcheck: RunCli, seeds: Path, data_dir: Path,
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    mount = tmp_path / "mounted"
    mount.mkdir()
    bind = subprocess.run(["mount", "--bind", str(data_dir), str(mount)], capture_output=True, check=False)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.decode().strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], capture_output=True, check=False)
        assert remount.returncode == 0, remount.stderr
        before = _fingerprint(data_dir)
        monkeypatch.setenv("FACTCHECK_DATA_DIR", str(mount))
        _serves_reads(run_factcheck)
        refused = run_factcheck("ingest", seeds)
        assert refused.exit_code == 1 and "the store is read-only" in refused.stderr and "not writable" in \
            refused.stderr, refused.stderr
        assert _fingerprint(data_dir) == before
    finally:
        subprocess.run(["umount", str(mount)], check=False)
