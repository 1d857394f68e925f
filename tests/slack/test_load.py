"""Slack wants an answer within 3 s, whatever the engine is doing: a slow engine, twenty mentions at once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from assistant.check import check as check_module
from assistant.slack import work
from assistant.types import CheckResult
from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import CLAIM, QUESTION, SlackClient, all_text

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.slow]  # end to end: the bot on the real model


def test_a_slow_engine_is_acknowledged_at_once_and_answered_later(bot: SlackClient, slack_api: FakeSlack,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(5)
        return check_module.check_text(*args, **kwargs)

    monkeypatch.setattr(work, "check_text", slow_check)
    started = time.monotonic()
    response, ts = bot.mention(CLAIM)
    assert response.status == 200 and response.seconds < 3, response
    slack_api.wait_for(lambda: slack_api.calls_to("chat.postMessage"), timeout=3)  # the placeholder, at once
    assert not slack_api.calls_to("chat.update")
    reply = slack_api.final_reply("C0NEWS", ts, timeout=20)
    assert time.monotonic() - started >= 5
    assert "*Supported*" in all_text(reply)


def test_a_slow_engine_does_not_delay_a_slash_command_ack(bot: SlackClient, slack_api: FakeSlack,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_check(*args: Any, **kwargs: Any) -> CheckResult:
        time.sleep(1)
        return CheckResult(engine="local")

    monkeypatch.setattr(work, "check_text", slow_check)
    for n in range(2):  # the engine is busy for ~2 s: the command still gets its "checking..." at once
        bot.mention(CLAIM, user=f"U0BUSY{n}")
    slack_api.wait_for(lambda: len(slack_api.calls_to("chat.postMessage")) == 2)
    response = bot.command(CLAIM)
    assert response.status == 200 and response.seconds < 3
    assert response.json()["text"] == ":hourglass_flowing_sand: checking..."


def _request(n: int) -> tuple[str, str]:
    """Twenty requests, each with a reply only it can get: six the engine works hard on, the rest opinions
    (which it recognises at once: the local engine spends ~0.6 s per claim and runs one request at a time)."""
    if n < 3:
        figure = (744, 600, 500)[n]
        return f"Airwars says {figure} civilians were killed in coalition strikes in June.", f"Airwars says {figure}"
    if n < 6:
        return QUESTION, "2,000 Daesh militants"
    return f"I think story number {n} is great.", "no check-worthy claim found"


def test_twenty_simultaneous_mentions_each_get_exactly_one_reply(bot: SlackClient, slack_api: FakeSlack) -> None:
    def mention(n: int) -> tuple[Any, str]:
        return bot.mention(_request(n)[0], user=f"U0USER{n:02d}", channel=f"C0CHAN{n % 3}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        sent = list(pool.map(mention, range(20)))
    assert all(r.status == 200 and r.seconds < 3 for r, _ in sent), [(r.status, r.seconds) for r, _ in sent]
    for n, (_, ts) in enumerate(sent):
        reply = slack_api.final_reply(f"C0CHAN{n % 3}", ts, timeout=40)
        assert _request(n)[1] in all_text(reply), (n, all_text(reply))
    time.sleep(0.3)
    placeholders = slack_api.calls_to("chat.postMessage")
    updates = slack_api.calls_to("chat.update")
    assert sorted(p.data["thread_ts"] for p in placeholders) == sorted(ts for _, ts in sent)
    assert sorted(u.data["ts"] for u in updates) == sorted(p.data["_ts"] for p in placeholders)
