"""What a Slack request asks of the bot, in one shape: who, where, what text, where to reply.

Only four requests are work: a mention, a direct message, the `/factcheck` command and the message shortcut.
Everything else (edits, joins, channel chatter, other apps' events) parses to None and is dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Literal

COMMAND = "/factcheck"
SHORTCUT_CALLBACK_ID = "factcheck_message"

TriggerKind = Literal["mention", "dm", "command", "shortcut"]

_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_LABELLED_LINK = re.compile(r"<(?:[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^>]+)>")
_SPECIAL = re.compile(r"<![^>]*>")  # <!here>, <!channel>, <!date...>: never echoed back
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Trigger:
    """One request for a fact-check or an answer. `thread_ts` is where the reply goes (None: top level)."""

    kind: TriggerKind
    user: str
    channel: str
    text: str
    ts: str | None = None  # the message that asked (mentions, DMs) or was picked (shortcut)
    thread_ts: str | None = None
    parent_ts: str | None = None  # a mention inside a thread: the thread's first message
    response_url: str | None = None
    from_bot: bool = False
    key: str = ""  # one key per asking message or invocation, so two deliveries of it yield one reply

    @property
    def is_dm(self) -> bool:
        return self.channel.startswith("D")


def clean_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack markup to plain text: the bot's own mention removed, links to their labels, entities decoded."""
    def mention(match: re.Match[str]) -> str:
        return "" if match.group(1) == bot_user_id else f"@{match.group(1)}"

    text = _USER_MENTION.sub(mention, text)
    text = _LABELLED_LINK.sub(r"\1", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _SPECIAL.sub("", text)
    text = html.unescape(text)  # Slack escapes only &, < and >
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def parse_trigger(body: dict[str, Any], bot_user_id: str | None, bot_id: str | None) -> Trigger | None:
    if body.get("type") == "event_callback":
        return _from_event(body.get("event") or {}, bot_user_id, bot_id)
    if body.get("command") == COMMAND:
        return _from_command(body)
    if body.get("type") == "message_action" and body.get("callback_id") == SHORTCUT_CALLBACK_ID:
        return _from_shortcut(body, bot_user_id)
    return None


def _from_bot(event: dict[str, Any], bot_user_id: str | None, bot_id: str | None) -> bool:
    return bool(event.get("bot_id") or event.get("subtype") == "bot_message" or event.get("bot_profile")
                or (bot_user_id and event.get("user") == bot_user_id) or (bot_id and event.get("bot_id") == bot_id))


def _from_event(event: dict[str, Any], bot_user_id: str | None, bot_id: str | None) -> Trigger | None:
    kind: TriggerKind
    if event.get("type") == "app_mention":
        kind = "mention"
    elif event.get("type") == "message" and event.get("channel_type") == "im":
        kind = "dm"
    else:
        return None
    if event.get("subtype") not in (None, "bot_message", "thread_broadcast", "file_share"):
        return None  # edits, deletions, joins: not requests
    channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
    thread_ts = event.get("thread_ts")
    if kind == "mention":
        reply_in = thread_ts or ts
        parent = thread_ts if thread_ts and thread_ts != ts else None
    else:
        reply_in, parent = thread_ts, None
    return Trigger(kind=kind, user=str(event.get("user") or event.get("bot_id") or ""), channel=channel,
                   text=clean_text(str(event.get("text") or ""), bot_user_id), ts=ts, thread_ts=reply_in,
                   parent_ts=parent, from_bot=_from_bot(event, bot_user_id, bot_id),
                   key=f"message:{channel}:{ts}" if ts else "")


def _from_command(body: dict[str, Any]) -> Trigger:
    return Trigger(kind="command", user=str(body.get("user_id", "")), channel=str(body.get("channel_id", "")),
                   text=clean_text(str(body.get("text") or "")), response_url=body.get("response_url"),
                   key=_trigger_key(body))


def _from_shortcut(body: dict[str, Any], bot_user_id: str | None) -> Trigger:
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id", ""))
    ts = str(message.get("ts", ""))
    return Trigger(kind="shortcut", user=str((body.get("user") or {}).get("id", "")), channel=channel,
                   text=clean_text(str(message.get("text") or ""), bot_user_id), ts=ts,
                   thread_ts=message.get("thread_ts") or ts, response_url=body.get("response_url"),
                   key=_trigger_key(body))


def _trigger_key(body: dict[str, Any]) -> str:
    """Slack gives every command and shortcut invocation its own trigger_id."""
    return f"trigger:{body['trigger_id']}" if body.get("trigger_id") else ""
