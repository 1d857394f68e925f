"""The listeners: acknowledge at once, then (lazily, on another thread) do the work and reply.

Mentions, direct messages and the message shortcut reply in a thread: a "thinking..." placeholder first,
replaced by the result with `chat.update`. The slash command acknowledges with "checking..." (only the user
sees it) and posts the result to the channel through the command's response URL.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.slack.blocks import Reply, message
from assistant.slack.guards import EMPTY, GATE_KEY, NOT_ALLOWED, OK, RATE_LIMITED, trigger_of
from assistant.slack.pool import FactChecker
from assistant.slack.triggers import COMMAND, SHORTCUT_CALLBACK_ID, Trigger, clean_text
from assistant.slack.work import Mode

log = logging.getLogger("assistant.slack")

THINKING = ":hourglass_flowing_sand: thinking..."
CHECKING = ":hourglass_flowing_sand: checking..."
USAGE = ("Mention me with a claim to check or a question to answer, e.g. `@factcheck Airwars says 744 civilians "
         "were killed in June`, or use `/factcheck TEXT`.")
COMMAND_USAGE = "Usage: `/factcheck CLAIM or QUESTION`, e.g. `/factcheck How many Daesh militants are in Raqqa?`"
NOT_ALLOWED_TEXT = (":no_entry: I'm not enabled in this channel. Ask whoever runs me to allow it, or message me "
                    "directly.")
NOT_IN_CHANNEL = ":warning: I can't post in this channel. Invite me with `/invite @factcheck` and try again."
NO_PARENT = (":warning: I couldn't read the message above. Mention me with the text to check, or use the "
             "“Fact-check this message” shortcut on it.")
NO_TEXT = ":warning: That message has no text I can check."
CANNOT_SHOW = ":warning: I found a result but Slack would not display it."


def polite(gate: str, usage: str = USAGE) -> str:
    """The short reply for a request that is not worked on."""
    if gate == NOT_ALLOWED:
        return NOT_ALLOWED_TEXT
    if gate == EMPTY:
        return usage
    if gate.startswith(RATE_LIMITED):
        seconds = gate.partition(":")[2] or "60"
        return (f":hourglass: You've sent me a lot of requests in the last minute; please try again in "
                f"{seconds} s. Thanks for your patience!")
    return usage


def register(app: App, checker: FactChecker) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer_event(context: BoltContext, client: WebClient, respond: Respond) -> None:
        _answer_in_thread(checker, trigger_of(context), context.get(GATE_KEY, EMPTY), client, respond)

    def acknowledge_command(ack: Ack, context: BoltContext) -> None:
        gate = context.get(GATE_KEY, EMPTY)
        ack(response_type="ephemeral", text=CHECKING if gate == OK else polite(gate, COMMAND_USAGE))

    def answer_command(context: BoltContext, respond: Respond) -> None:
        if context.get(GATE_KEY) != OK:
            return  # the acknowledgement already said why
        reply = checker.reply(trigger_of(context).text)
        result = respond(response_type="in_channel", text=reply.text, blocks=reply.blocks)
        if result.status_code != 200:
            log.warning("the response URL refused the result: HTTP %s", result.status_code)

    app.event("app_mention")(ack=acknowledge, lazy=[answer_event])
    app.event("message")(ack=acknowledge, lazy=[answer_event])  # direct messages (others never get here)
    app.shortcut(SHORTCUT_CALLBACK_ID)(ack=acknowledge, lazy=[answer_event])
    app.command(COMMAND)(ack=acknowledge_command, lazy=[answer_command])


def _answer_in_thread(checker: FactChecker, trigger: Trigger, gate: str, client: WebClient,
                      respond: Respond) -> None:
    if gate != OK:
        _notify(client, trigger, polite(gate, NO_TEXT if trigger.kind == "shortcut" else USAGE), respond)
        return
    mode: Mode = "check" if trigger.kind == "shortcut" else "auto"
    text = trigger.text
    if not text and trigger.parent_ts:  # "@factcheck" alone under a message: check that message
        parent, mode = _parent_text(client, trigger), "check"
        if parent is None:
            _notify(client, trigger, NO_PARENT, respond)
            return
        text = parent
    if not text:
        _notify(client, trigger, NO_TEXT, respond)
        return
    try:
        placeholder = client.chat_postMessage(channel=trigger.channel, thread_ts=trigger.thread_ts, text=THINKING)
    except SlackApiError as exc:
        log.warning("cannot post in %s: %s", trigger.channel, _api_error(exc))
        if trigger.response_url:
            respond(response_type="ephemeral", text=NOT_IN_CHANNEL)
        return
    _replace(client, str(placeholder.get("channel") or trigger.channel), str(placeholder["ts"]),
             checker.reply(text, mode))


def _replace(client: WebClient, channel: str, ts: str, reply: Reply) -> None:
    try:
        client.chat_update(channel=channel, ts=ts, text=reply.text, blocks=reply.blocks)
    except SlackApiError as exc:
        log.warning("chat.update failed in %s: %s", channel, _api_error(exc))
        fallback = message(CANNOT_SHOW)
        try:
            client.chat_update(channel=channel, ts=ts, text=fallback.text, blocks=fallback.blocks)
        except SlackApiError as again:
            log.warning("chat.update failed again in %s: %s", channel, _api_error(again))


def _notify(client: WebClient, trigger: Trigger, text: str, respond: Respond) -> None:
    """A short note only the asker sees (in a direct message, just a message)."""
    reply = message(text)
    try:
        if trigger.response_url:
            respond(response_type="ephemeral", text=reply.text)
        elif trigger.is_dm:
            client.chat_postMessage(channel=trigger.channel, thread_ts=trigger.thread_ts, text=reply.text)
        else:
            client.chat_postEphemeral(channel=trigger.channel, user=trigger.user, thread_ts=trigger.thread_ts,
                                      text=reply.text)
    except SlackApiError as exc:
        log.warning("cannot notify %s in %s: %s", trigger.user, trigger.channel, _api_error(exc))


def _parent_text(client: WebClient, trigger: Trigger) -> str | None:
    try:
        found = client.conversations_replies(channel=trigger.channel, ts=trigger.parent_ts or "", limit=1)
    except SlackApiError as exc:
        log.warning("cannot read the thread in %s: %s", trigger.channel, _api_error(exc))
        return None
    messages: list[dict[str, Any]] = found.get("messages") or []
    return clean_text(str(messages[0].get("text") or "")) if messages else None


def _api_error(exc: SlackApiError) -> str:
    """The API's error code only: a SlackApiError's repr can carry request details."""
    response = getattr(exc, "response", None)
    return str(response.get("error", "unknown")) if response is not None else "unknown"
