"""The /factcheck slash command and the "Fact-check this message" shortcut."""

from __future__ import annotations

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.harness import CLAIM, QUESTION, SlackClient, all_text

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.slow]  # end to end: the bot on the real model


def test_the_slash_command_acks_at_once_then_posts_the_result(bot: SlackClient, slack_api: FakeSlack) -> None:
    response = bot.command(CLAIM, hook="cmd1")
    assert response.status == 200 and response.seconds < 3
    assert response.json() == {"response_type": "ephemeral", "text": ":hourglass_flowing_sand: checking..."}
    posted = slack_api.wait_for(lambda: slack_api.calls_to("hook:cmd1"))[0].data
    assert posted["response_type"] == "in_channel"
    assert "*Supported*" in all_text(posted) and "744 civilians were killed" in all_text(posted)


def test_the_slash_command_answers_questions(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.command(QUESTION, hook="cmd2")
    posted = slack_api.wait_for(lambda: slack_api.calls_to("hook:cmd2"))[0].data
    assert "2,000 Daesh militants" in all_text(posted) and "[1]" in all_text(posted)


def test_the_slash_command_without_text_shows_usage(bot: SlackClient, slack_api: FakeSlack) -> None:
    response = bot.command("   ", hook="cmd3")
    assert response.json()["text"].startswith("Usage: `/factcheck CLAIM or QUESTION`")
    assert response.json()["response_type"] == "ephemeral"


def test_the_shortcut_checks_the_message_and_replies_in_its_thread(bot: SlackClient, slack_api: FakeSlack) -> None:
    response = bot.shortcut("The coalition says 744 civilians died.", ts="1690000000.000500")
    assert response.status == 200 and response.seconds < 3
    reply = slack_api.final_reply("C0NEWS", "1690000000.000500")
    assert ":x: *Contradicted*" in all_text(reply)


def test_the_shortcut_on_a_thread_reply_answers_in_that_thread(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.shortcut(CLAIM, ts="1690000000.000601", thread_ts="1690000000.000600")
    reply = slack_api.final_reply("C0NEWS", "1690000000.000600")
    assert "*Supported*" in all_text(reply)


def test_the_shortcut_checks_even_a_question_shaped_message(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.shortcut("Did Airwars say 744 civilians were killed in coalition strikes in June?", ts="1690000000.000700")
    reply = slack_api.final_reply("C0NEWS", "1690000000.000700")
    assert reply["text"].startswith("Fact-check:")


def test_the_shortcut_on_a_message_without_text_says_so(bot: SlackClient, slack_api: FakeSlack) -> None:
    bot.shortcut("", ts="1690000000.000900", hook="sc-empty")
    note = slack_api.wait_for(lambda: slack_api.calls_to("hook:sc-empty"))[0].data
    assert note["text"] == ":warning: That message has no text I can check."
    assert not slack_api.calls_to("chat.postMessage")


def test_the_shortcut_where_the_bot_is_not_a_member_says_so(bot: SlackClient, slack_api: FakeSlack) -> None:
    slack_api.fail["chat.postMessage"] = "not_in_channel"
    bot.shortcut(CLAIM, ts="1690000000.000800", hook="sc-out")
    note = slack_api.wait_for(lambda: slack_api.calls_to("hook:sc-out"))[0].data
    assert note == {**note, "response_type": "ephemeral"} and "Invite me" in note["text"]
    assert "not_in_channel" not in all_text(note)
