"""Mentions and direct messages on the seeds: a placeholder in the thread, replaced by verdicts or an answer."""

from __future__ import annotations

import json

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import CLAIM, QUESTION, SlackClient, all_text, blocks_of

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.slow]  # end to end: the bot on the real model


def test_a_mention_gets_verdict_and_quote_in_its_thread(bot: SlackClient, slack_api: FakeSlack) -> None:
    response, ts = bot.mention(CLAIM)
    assert response.status == 200
    reply = slack_api.final_reply("C0NEWS", ts)
    placeholder = slack_api.calls_to("chat.postMessage")[0].data
    assert placeholder["text"] == ":hourglass_flowing_sand: thinking..." and placeholder["thread_ts"] == ts
    shown = all_text(reply)
    assert ":white_check_mark: *Supported*" in shown
    assert "says 744 civilians were killed in coalition strikes in Syria and Iraq in the month of June alone" in shown
    assert "000_e5096ebe9da60f70" in shown and "2017-07-24" in shown  # source and date
    assert reply["text"].startswith("Fact-check: 1 claim")
    assert slack_api.calls_to("chat.postMessage")[0].authorization == "Bearer xoxb-1111-2222-faketokensecret"


def test_a_mention_with_a_question_gets_an_answer_with_footnotes(bot: SlackClient, slack_api: FakeSlack) -> None:
    _, ts = bot.mention(QUESTION)
    reply = slack_api.final_reply("C0NEWS", ts)
    blocks = blocks_of(reply)
    assert blocks[0]["type"] == "context" and "Answer (local)" in json.dumps(blocks[0])
    assert "2,000 Daesh militants" in blocks[1]["text"]["text"]
    footnotes = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"][1:]
    assert footnotes[0].startswith("[1] “U.S. Army Col. Ryan Dillon estimates there are around 2,000 Daesh")
    assert "2017-07-24" in footnotes[0]


def test_a_mention_inside_a_thread_replies_in_that_thread(bot: SlackClient, slack_api: FakeSlack) -> None:
    _, ts = bot.mention(CLAIM, thread_ts="1690000000.000001")
    slack_api.final_reply("C0NEWS", "1690000000.000001")
    assert ts != "1690000000.000001"


def test_a_bare_mention_under_a_message_checks_that_message(bot: SlackClient, slack_api: FakeSlack) -> None:
    slack_api.threads[("C0NEWS", "1690000000.000002")] = "The coalition says 744 civilians died in June."
    bot.mention("", thread_ts="1690000000.000002")
    reply = slack_api.final_reply("C0NEWS", "1690000000.000002")
    assert ":x: *Contradicted*" in all_text(reply)
    assert slack_api.calls_to("conversations.replies")[0].data["ts"] == "1690000000.000002"


def test_a_bare_mention_outside_a_thread_gets_usage(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.mention("")
    note = slack_api.wait_for(lambda: slack_api.calls_to("chat.postEphemeral"))[0].data
    assert "Mention me with a claim" in note["text"] and note["user"] == "U0ALICE"
    assert not slack_api.calls_to("chat.postMessage")


def test_a_direct_message_is_answered_in_the_conversation(bot: SlackClient, slack_api: FakeSlack) -> None:
    response, _ = bot.direct_message(CLAIM)
    assert response.status == 200
    reply = slack_api.final_reply("D0ALICE", None)
    assert "*Supported*" in all_text(reply)


def test_url_verification_is_answered(bot: SlackClient) -> None:
    response = bot.post(json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}),
                        "application/json")
    assert response.status == 200 and "abc123" in response.body


def test_other_messages_are_acknowledged_and_ignored(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.event({"type": "message", "channel_type": "channel", "user": "U0ALICE", "text": CLAIM,
               "ts": "1690000000.000003", "channel": "C0NEWS"})
    edited = bot.direct_message(CLAIM, subtype="message_changed")[0]
    assert edited.status == 200
    _, ts = bot.mention(CLAIM)  # a sentinel: once it is answered, the others would have been too
    slack_api.final_reply("C0NEWS", ts)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
