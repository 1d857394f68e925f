"""Socket Mode over a real WebSocket on 127.0.0.1: Slack's side is played by tests/fakes/slack_socket.py.

Envelopes in, acks out within 3 s, replies through the (fake) Web API, as `factcheck slack serve --socket-mode`
builds it. What cannot be shown offline: the handshake with Slack's real wss:// endpoint (TLS on port 443).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from assistant.config import load_settings
from assistant.slack import FactChecker, build_app, credentials_from_env, socket_mode_handler
from tests.fakes.slack_api import BOT_USER_ID, FakeSlack
from tests.fakes.slack_socket import FakeSocketMode
from tests.slack.harness import CLAIM, all_text

pytestmark = pytest.mark.slow  # end to end: the bot over a real WebSocket, on the real model

APP_TOKEN = "xapp-1-A0FAKE-1-fakeapptoken"


@pytest.fixture
def socket_bot(slack_api: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SocketModeHandler,
                                                                                       FakeSocketMode]]:
    fake_socket = FakeSocketMode().start()
    slack_api.socket_url = fake_socket.url
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.delenv("SLACK_SIGNING_SECRET")  # Socket Mode does not need it
    settings = load_settings()
    checker = FactChecker.from_settings(settings)
    credentials = credentials_from_env(socket_mode=True)
    handler = socket_mode_handler(build_app(settings, checker, credentials), credentials.app_token)
    try:
        yield handler, fake_socket
    finally:
        handler.close()
        handler.app.listener_runner.listener_executor.shutdown(wait=True)
        checker.close()
        fake_socket.stop()


def _ack(fake_socket: FakeSocketMode, slack_api: FakeSlack, envelope_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = slack_api.wait_for(
        lambda: [m for m in fake_socket.received if m.get("envelope_id") == envelope_id], timeout=3)
    return found[0]


@pytest.mark.usefixtures("seeded")
def test_socket_mode_acks_envelopes_and_replies(socket_bot: tuple[SocketModeHandler, FakeSocketMode],
                                                slack_api: FakeSlack) -> None:
    handler, fake_socket = socket_bot
    assert handler.client.app_token == APP_TOKEN and handler.client.web_client.base_url == slack_api.base_url
    handler.connect()
    slack_api.wait_for(lambda: fake_socket.connected, timeout=5)
    opened = slack_api.calls_to("apps.connections.open")[0]
    assert opened.authorization == f"Bearer {APP_TOKEN}"

    ts = "1690000000.009001"
    event = {"type": "event_callback", "team_id": "T0FAKE", "event_id": "EvSOCKET1", "event_time": 1,
             "event": {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER_ID}> {CLAIM}", "ts": ts,
                       "channel": "C0NEWS"}}
    sent = time.monotonic()
    fake_socket.send({"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
                      "retry_attempt": 0, "retry_reason": "", "payload": event})
    _ack(fake_socket, slack_api, "env-1")
    assert time.monotonic() - sent < 3
    assert "*Supported*" in all_text(slack_api.final_reply("C0NEWS", ts))
    fake_socket.send({"envelope_id": "env-2", "type": "events_api", "accepts_response_payload": False,
                      "retry_attempt": 1, "retry_reason": "timeout", "payload": event})  # Slack's retry
    _ack(fake_socket, slack_api, "env-2")

    command = {"team_id": "T0FAKE", "channel_id": "C0NEWS", "user_id": "U0ALICE", "command": "/factcheck",
               "text": CLAIM, "response_url": slack_api.response_url("socket-cmd"), "trigger_id": "trig.socket"}
    fake_socket.send({"envelope_id": "env-3", "type": "slash_commands", "accepts_response_payload": True,
                      "payload": command})
    ack = _ack(fake_socket, slack_api, "env-3")
    assert ack["payload"] == {"response_type": "ephemeral", "text": ":hourglass_flowing_sand: checking..."}
    posted = slack_api.wait_for(lambda: slack_api.calls_to("hook:socket-cmd"))[0].data
    assert "*Supported*" in all_text(posted)
    time.sleep(0.3)
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # the retried envelope got no second reply
    assert json.dumps([c.data for c in slack_api.calls]).count(APP_TOKEN) == 0
