"""Signatures, retries, bots and errors: what must never reach a user, and what must never happen twice."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from assistant.errors import StoreError
from assistant.slack import work
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID, FakeSlack
from tests.slack.harness import BOT_TOKEN, CLAIM, SIGNING_SECRET, SlackClient, all_text


def _mention_body(ts: str = "1690000000.000100") -> str:
    return json.dumps({"type": "event_callback", "team_id": "T0FAKE", "event_id": "EvSIG", "event_time": 1,
                       "event": {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER_ID}> {CLAIM}",
                                 "ts": ts, "channel": "C0NEWS"}})


def test_bad_signature_is_refused_with_401(bot: SlackClient, slack_api: FakeSlack) -> None:
    assert bot.post(_mention_body(), "application/json", secret="not-the-secret").status == 401
    assert bot.post(_mention_body(), "application/json", signature="v0=" + "0" * 64).status == 401
    assert bot.post(_mention_body(), "application/json", signature="garbage").status == 401
    assert bot.post(_mention_body(), "application/json", signature="").status == 401  # no header
    tampered = bot.post(_mention_body(), "application/json", timestamp=int(time.time()),
                        signature=None, headers={"x-slack-signature": "v0=deadbeef"})
    assert tampered.status == 401
    time.sleep(0.3)
    assert slack_api.calls == []  # not even auth.test: nothing ran


def test_an_oversized_body_is_refused_before_it_is_read(bot: SlackClient, slack_api: FakeSlack) -> None:
    url = urlsplit(bot.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:  # announce 1.5 MB, send 2 bytes: the server must answer from the header alone
        connection.putrequest("POST", url.path)
        connection.putheader("content-type", "application/json")
        connection.putheader("content-length", "1500000")
        connection.endheaders(b"{}")
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    assert slack_api.calls == []


def test_expired_timestamp_is_refused_with_401(bot: SlackClient, slack_api: FakeSlack) -> None:
    old = int(time.time()) - 6 * 60  # correctly signed, but more than 5 minutes old: a replay
    assert bot.post(_mention_body(), "application/json", timestamp=old).status == 401
    future = int(time.time()) + 6 * 60
    assert bot.post(_mention_body(), "application/json", timestamp=future).status == 401
    time.sleep(0.3)
    assert slack_api.calls == []


@pytest.mark.usefixtures("seeded")
def test_a_retried_event_gets_exactly_one_reply(bot: SlackClient, slack_api: FakeSlack) -> None:
    first, ts = bot.mention(CLAIM, event_id="EvRETRY1")
    again, _ = bot.mention(CLAIM, ts=ts, event_id="EvRETRY1", retry=1)  # Slack's retry: same event id
    third, _ = bot.mention(CLAIM, ts=ts, event_id="EvRETRY1", retry=2)
    assert (first.status, again.status, third.status) == (200, 200, 200)
    assert again.headers.get("x-slack-no-retry") == "1"
    slack_api.final_reply("C0NEWS", ts)
    time.sleep(0.5)  # anything a retry had started would show by now
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert len(slack_api.calls_to("chat.update")) == 1


@pytest.mark.usefixtures("seeded")
def test_one_message_delivered_as_two_events_gets_one_reply(bot: SlackClient, slack_api: FakeSlack) -> None:
    _, ts = bot.mention(CLAIM, channel="D0ALICE")  # a DM mention arrives as app_mention and as message.im
    bot.event({"type": "message", "channel_type": "im", "user": "U0ALICE", "text": f"<@{BOT_USER_ID}> {CLAIM}",
               "ts": ts, "channel": "D0ALICE"})
    slack_api.final_reply("D0ALICE", ts)
    time.sleep(0.5)
    assert len(slack_api.calls_to("chat.postMessage")) == 1


def test_bots_are_ignored(bot: SlackClient, slack_api: FakeSlack) -> None:
    other_bot = {"type": "app_mention", "user": "U0OTHERBOT", "bot_id": "B0OTHER", "text": f"<@{BOT_USER_ID}> hi",
                 "ts": "1690000000.000201", "channel": "C0NEWS"}
    ourselves = {"type": "message", "channel_type": "im", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": CLAIM,
                 "ts": "1690000000.000202", "channel": "D0ALICE"}
    bot_message = {"type": "message", "subtype": "bot_message", "channel_type": "im", "bot_id": "B0OTHER",
                   "text": CLAIM, "ts": "1690000000.000203", "channel": "D0ALICE"}
    our_user = {"type": "app_mention", "user": BOT_USER_ID, "text": f"<@{BOT_USER_ID}> {CLAIM}",
                "ts": "1690000000.000204", "channel": "C0NEWS"}
    for event in (other_bot, ourselves, bot_message, our_user):
        assert bot.event(event).status == 200
    bot.mention("")  # a human sentinel, answered with usage; by then the bots would have been answered
    slack_api.wait_for(lambda: slack_api.calls_to("chat.postEphemeral"))
    time.sleep(0.3)
    assert [c.method for c in slack_api.replies()] == ["chat.postEphemeral"]


@pytest.mark.usefixtures("seeded")
def test_a_known_error_reaches_the_user_as_one_line(bot: SlackClient, slack_api: FakeSlack,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError(f"the lexical index is locked\nsecond line {BOT_TOKEN}")

    monkeypatch.setattr(work, "check_text", broken)
    _, ts = bot.mention(CLAIM)
    reply = slack_api.final_reply("C0NEWS", ts)
    assert reply["text"] == ":warning: the lexical index is locked"
    assert "second line" not in all_text(reply)


@pytest.mark.usefixtures("seeded")
def test_an_unexpected_error_never_shows_a_traceback_or_secret(bot: SlackClient, slack_api: FakeSlack,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom with {BOT_TOKEN} and {SIGNING_SECRET}")

    monkeypatch.setattr(work, "check_text", broken)
    _, ts = bot.mention(CLAIM)
    reply = slack_api.final_reply("C0NEWS", ts)
    shown = all_text(reply)
    assert reply["text"].startswith(":warning: Something went wrong") and "\n" not in reply["text"]
    for leak in ("Traceback", "RuntimeError", "boom", BOT_TOKEN, SIGNING_SECRET, "xoxb-"):
        assert leak not in shown
    every_call = json.dumps([c.data for c in slack_api.calls])
    assert SIGNING_SECRET not in every_call and BOT_TOKEN not in every_call
    assert any("the engine failed" in r.message for r in caplog.records)  # the operator sees it in the log


def test_the_secret_masking_of_known_errors() -> None:
    line = work.error_line(StoreError("cannot open with xoxb-123-abc and sk-abcdefghijkl"))
    assert line == ":warning: cannot open with [redacted] and [redacted]"
