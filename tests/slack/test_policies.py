"""The per-user rate limit and the channel allow-list (FACTCHECK_SLACK_RATE_LIMIT, _ALLOWED_CHANNELS)."""

from __future__ import annotations

import time

import pytest

from assistant.slack.guards import Deduper, RateLimiter
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import StartBot
from tests.slack.harness import CLAIM


def test_over_the_rate_limit_a_user_gets_a_polite_note(start_bot: StartBot, slack_api: FakeSlack,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_SLACK_RATE_LIMIT", "2")
    bot = start_bot()
    sent = [bot.mention(CLAIM, user="U0EAGER")[1] for _ in range(3)]
    other = bot.mention(CLAIM, user="U0CALM")[1]  # the limit is per user
    for ts in (*sent[:2], other):
        slack_api.final_reply("C0NEWS", ts)
    note = slack_api.wait_for(lambda: slack_api.calls_to("chat.postEphemeral"))[0].data
    assert note["user"] == "U0EAGER" and note["thread_ts"] == sent[2]
    assert "please try again in" in note["text"] and "Thanks for your patience" in note["text"]
    assert len(slack_api.calls_to("chat.postMessage")) == 3
    response = bot.command(CLAIM, user="U0EAGER")
    assert "please try again in" in response.json()["text"]


def test_the_channel_allow_list(start_bot: StartBot, slack_api: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_SLACK_ALLOWED_CHANNELS", "C0NEWS, C0DESK")
    bot = start_bot()
    _, outside = bot.mention(CLAIM, channel="C0RANDOM")
    _, inside = bot.mention(CLAIM, channel="C0DESK")
    slack_api.final_reply("C0DESK", inside)
    _, direct = bot.direct_message(CLAIM)  # direct messages are not channels: always allowed
    slack_api.final_reply("D0ALICE", None)
    note = slack_api.wait_for(lambda: slack_api.calls_to("chat.postEphemeral"))[0].data
    assert note["channel"] == "C0RANDOM" and "not enabled in this channel" in note["text"]
    assert not [c for c in slack_api.calls_to("chat.postMessage") if c.data["channel"] == "C0RANDOM"]
    assert "not enabled" in bot.command(CLAIM, channel="C0RANDOM").json()["text"]
    assert outside and direct


def test_the_rate_limiter_window() -> None:
    limiter = RateLimiter(per_minute=2, window=0.2)
    assert [limiter.wait_seconds("u") for _ in range(2)] == [0.0, 0.0]
    assert 0 < limiter.wait_seconds("u") <= 0.2
    assert limiter.wait_seconds("v") == 0.0
    time.sleep(0.25)
    assert limiter.wait_seconds("u") == 0.0


def test_the_deduper_forgets_after_its_ttl() -> None:
    dedupe = Deduper(ttl=0.1, size=3)
    assert dedupe.first(["a", "m1"]) and not dedupe.first(["b", "m1"]) and not dedupe.first(["a"])
    assert dedupe.first(["b"])
    time.sleep(0.15)
    assert dedupe.first(["a"])
    for key in "cdefg":
        dedupe.first([key])
    assert len(dedupe._seen) <= 4
