"""A Slack stand-in that talks to the bot over real HTTP: signed events, commands and shortcuts.

Signing is Slack's v0 scheme: `X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import BOT_USER_ID, FakeSlack

SIGNING_SECRET = "test-signing-secret-8f3a"
BOT_TOKEN = "xoxb-1111-2222-faketokensecret"
CLAIM = "Airwars says 744 civilians were killed in coalition strikes in June."
QUESTION = "How many Daesh militants are in Raqqa?"

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy
_ids = itertools.count(1)
_ids_lock = threading.Lock()


def unique() -> int:
    with _ids_lock:
        return next(_ids)


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass
class Response:
    status: int
    body: str
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackClient:
    """Sends what Slack would send to `url` (…/slack/events)."""

    url: str
    slack: FakeSlack

    def post(self, body: str, content_type: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET,
             signature: str | None = None, headers: dict[str, str] | None = None) -> Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        all_headers = {"content-type": content_type, "x-slack-request-timestamp": str(timestamp),
                       "x-slack-signature": sign(body, timestamp, secret) if signature is None else signature,
                       **(headers or {})}
        if not all_headers["x-slack-signature"]:
            del all_headers["x-slack-signature"]
        request = urllib.request.Request(self.url, data=body.encode(), headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with _NO_PROXY.open(request, timeout=30) as answer:
                return Response(answer.status, answer.read().decode(), time.monotonic() - started,
                                dict(answer.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), time.monotonic() - started, dict(error.headers))

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None,
              **kwargs: Any) -> Response:
        body = json.dumps({
            "token": "legacy-unused", "team_id": "T0FAKE", "api_app_id": "A0FAKE", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{unique():08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0FAKE", "user_id": BOT_USER_ID, "is_bot": True}],
        })
        headers = {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", headers=headers, **kwargs)

    def mention(self, text: str, *, user: str = "U0ALICE", channel: str = "C0NEWS", ts: str | None = None,
                thread_ts: str | None = None, **kwargs: Any) -> tuple[Response, str]:
        """`@factcheck text` in a channel; returns the response and the mention's ts."""
        ts = ts or f"1690000000.{unique():06d}"
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, **kwargs), ts

    def direct_message(self, text: str, *, user: str = "U0ALICE", channel: str = "D0ALICE",
                       **extra: Any) -> tuple[Response, str]:
        ts = f"1690000000.{unique():06d}"
        event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel,
                 "event_ts": ts, **extra}
        return self.event(event), ts

    def command(self, text: str, *, user: str = "U0ALICE", channel: str = "C0NEWS", hook: str = "cmd") -> Response:
        body = urlencode({"token": "legacy-unused", "team_id": "T0FAKE", "channel_id": channel, "user_id": user,
                          "command": "/factcheck", "text": text, "response_url": self.slack.response_url(hook),
                          "trigger_id": f"trig.{unique()}"})
        return self.post(body, "application/x-www-form-urlencoded")

    def shortcut(self, text: str, *, ts: str, thread_ts: str | None = None, user: str = "U0ALICE",
                 channel: str = "C0NEWS", hook: str = "shortcut") -> Response:
        message: dict[str, Any] = {"type": "message", "user": "U0BOB", "text": text, "ts": ts}
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload = {"type": "message_action", "callback_id": "factcheck_message", "trigger_id": f"trig.{unique()}",
                   "team": {"id": "T0FAKE"}, "user": {"id": user}, "channel": {"id": channel, "name": "news"},
                   "message": message, "message_ts": ts, "response_url": self.slack.response_url(hook),
                   "token": "legacy-unused"}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def all_text(data: dict[str, Any]) -> str:
    """Every string in a recorded message (text and blocks), joined: what a user could read."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk({k: v for k, v in data.items() if k != "_ts"})
    return "\n".join(parts)


def blocks_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = data.get("blocks") or []
    parsed: list[dict[str, Any]] = json.loads(blocks) if isinstance(blocks, str) else blocks
    return parsed
