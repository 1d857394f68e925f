"""`factcheck slack serve`: its errors, the real command serving HTTP, the manifest."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from assistant.resources import SLACK, resource
from assistant.slack.triggers import COMMAND, SHORTCUT_CALLBACK_ID
from tests.fakes.slack_api import FakeSlack
from tests.helpers import RunCli, factcheck_command, factcheck_env
from tests.slack.harness import CLAIM, SlackClient, all_text

MANIFEST = resource(SLACK, "manifest.yaml")  # shipped in the package


@pytest.mark.parametrize(("unset", "args"), [
    ("SLACK_BOT_TOKEN", []),
    ("SLACK_SIGNING_SECRET", []),
    ("SLACK_APP_TOKEN", ["--socket-mode"]),
])
def test_a_missing_credential_is_one_line_naming_it(run_cli: RunCli, slack_api: FakeSlack,
                                                    monkeypatch: pytest.MonkeyPatch, unset: str,
                                                    args: list[str]) -> None:
    monkeypatch.delenv(unset, raising=False)
    result = run_cli("slack", "serve", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {unset} is not set: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and "xoxb-1111" not in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_the_command_serves_signed_requests_over_http(run_cli: RunCli, seeds: Path, slack_api: FakeSlack) -> None:
    assert run_cli("ingest", seeds).exit_code == 0
    port = _free_port()
    process = subprocess.Popen([*factcheck_command(), "slack", "serve", "--port", str(port)],
                               env=factcheck_env(FACTCHECK_SLACK_WORKER_KIND="process"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        bot = SlackClient(f"http://127.0.0.1:{port}/slack/events", slack_api)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        challenge = bot.post(json.dumps({"type": "url_verification", "challenge": "c-42", "token": "x"}),
                             "application/json")
        assert challenge.status == 200 and json.loads(challenge.body) == {"challenge": "c-42"}
        assert bot.post("{}", "application/json", secret="wrong").status == 401
        _, ts = bot.mention(CLAIM)
        assert "*Supported*" in all_text(slack_api.final_reply("C0NEWS", ts, timeout=30))
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"listening on http://127.0.0.1:{port}/slack/events (engine: local; 2 process workers, queue 32)" in output
    assert "xoxb-1111" not in output and "test-signing-secret" not in output


def test_the_manifest_matches_what_the_bot_handles() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert [(s["type"], s["callback_id"], s["name"]) for s in features["shortcuts"]] == [
        ("message", SHORTCUT_CALLBACK_ID, "Fact-check this message")]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history"} <= scopes
    urls = [features["slash_commands"][0]["url"], settings["event_subscriptions"]["request_url"],
            settings["interactivity"]["request_url"]]
    assert all(url.endswith("/slack/events") for url in urls)
