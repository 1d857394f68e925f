"""The real bot (Bolt app + HTTP server, built as `factcheck slack serve` builds it) on 127.0.0.1, in a thread,
talking to a fake Slack Web API, also on 127.0.0.1. A guard fails any test whose process connects elsewhere.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import load_settings
from assistant.slack import FactChecker, build_app, credentials_from_env, make_http_server
from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, SlackClient

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Any connection from this process to a non-loopback address is refused and fails the test."""
    refused: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            refused.append(address)
            raise ConnectionRefusedError(f"test guard: no network beyond 127.0.0.1 ({address!r})")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield refused
    assert not refused, f"the bot tried to reach {refused}"


@pytest.fixture
def slack_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                 "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FACTCHECK_SLACK_API_URL", fake.base_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    # Thread workers: the engine stand-ins the tests patch in live in this process (test_pool.py and test_cli.py
    # run the default, worker processes).
    monkeypatch.setenv("FACTCHECK_SLACK_WORKER_KIND", "thread")
    yield fake
    fake.stop()


@pytest.fixture
def seeded(seeded_template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds, ingested once per session and lane (tests/conftest.py): the bot only reads the store, so its
    tests share it."""
    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(seeded_template))


StartBot = Callable[[], SlackClient]


@pytest.fixture
def start_bot(slack_api: FakeSlack) -> Iterator[StartBot]:
    """`start_bot()` starts the bot with the environment as it is now (set FACTCHECK_SLACK_* first)."""
    running: list[tuple[Any, Any, FactChecker]] = []

    def start() -> SlackClient:
        settings = load_settings()
        checker = FactChecker.from_settings(settings)
        app = build_app(settings, checker, credentials_from_env())
        server = make_http_server(app, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        running.append((server, app, checker))
        host, port = server.server_address[:2]
        return SlackClient(f"http://{host!s}:{port}/slack/events", slack_api)

    yield start
    for server, app, checker in running:
        server.shutdown()
        server.server_close()
        deadline = time.monotonic() + 30
        while checker.in_flight and time.monotonic() < deadline:  # let work in flight finish before closing
            time.sleep(0.05)
        app.listener_runner.listener_executor.shutdown(wait=True)
        checker.close()


@pytest.fixture
def bot(start_bot: StartBot) -> SlackClient:
    return start_bot()
