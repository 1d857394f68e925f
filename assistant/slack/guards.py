"""What stands between a Slack request and the engine: bots, repeats, the allow-list and the rate limit.

Runs as a global Bolt middleware after Bolt's own (signature check, authorization, url_verification), so
everything here sees only genuine requests. Slack retries an event it thinks we missed
(`X-Slack-Retry-Num`), and Bolt does not dedupe; we remember every event id and asking message for an hour,
so a retry, or the same message delivered as both `app_mention` and `message.im`, yields one reply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from assistant.slack.triggers import Trigger, parse_trigger

log = logging.getLogger("assistant.slack")

TRIGGER_KEY = "factcheck_trigger"  # context keys read by the listeners (copied into lazy listeners)
GATE_KEY = "factcheck_gate"

# What the listeners do with a request; anything but OK gets a short polite reply instead of work.
OK, EMPTY, NOT_ALLOWED, RATE_LIMITED = "ok", "empty", "not_allowed", "rate_limited"


class Deduper:
    """Keys seen in the last `ttl` seconds (at most `size` of them). `first(keys)` is atomic."""

    def __init__(self, ttl: float = 3600.0, size: int = 50_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, keys: Iterable[str]) -> bool:
        """True when none of `keys` was seen; then all of them are remembered."""
        keys = [k for k in keys if k]
        now = time.monotonic()
        with self._lock:
            while self._seen and (len(self._seen) > self.size or next(iter(self._seen.values())) < now - self.ttl):
                self._seen.popitem(last=False)
            if any(k in self._seen for k in keys):
                return False
            for key in keys:
                self._seen[key] = now
            return True


class RateLimiter:
    """At most `per_minute` requests per user in any 60 s window."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute, self.window = per_minute, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, user: str) -> float:
        """0 when the request may go ahead (and is counted), else how long until it may."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(user, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return hits[0] + self.window - now
            hits.append(now)
            return 0.0


@dataclass
class Guards:
    dedupe: Deduper
    limiter: RateLimiter
    allowed_channels: frozenset[str]

    @classmethod
    def create(cls, rate_limit: int, allowed_channels: str) -> Guards:
        allowed = frozenset(c.strip() for c in allowed_channels.split(",") if c.strip())
        return cls(Deduper(), RateLimiter(rate_limit), allowed)

    def gate(self, trigger: Trigger) -> str:
        if self.allowed_channels and not trigger.is_dm and trigger.channel not in self.allowed_channels:
            return NOT_ALLOWED
        if not trigger.text and not trigger.parent_ts:
            return EMPTY
        wait = self.limiter.wait_seconds(trigger.user)
        return f"{RATE_LIMITED}:{max(1, round(wait))}" if wait else OK

    def middleware(self, req: BoltRequest, context: BoltContext, body: dict[str, Any],
                   next: Callable[[], BoltResponse]) -> BoltResponse:
        trigger = parse_trigger(body, context.bot_user_id, context.bot_id)
        if trigger is None:
            if body.get("type") == "event_callback":
                return _done()  # an event we subscribe to but do not act on
            return next()
        if trigger.from_bot:
            return _done()  # never answer a bot, ours or another: no loops
        retry = (req.headers.get("x-slack-retry-num") or ["-"])[0]
        if not self.dedupe.first([str(body.get("event_id") or ""), trigger.key]):
            log.info("dropped a repeated delivery of %s (retry %s)", trigger.key, retry)
            return _done(no_retry=True)
        context[TRIGGER_KEY] = asdict(trigger)
        context[GATE_KEY] = self.gate(trigger)
        return next()


def _done(no_retry: bool = False) -> BoltResponse:
    return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"} if no_retry else None)


def trigger_of(context: BoltContext) -> Trigger:
    return Trigger(**context[TRIGGER_KEY])
