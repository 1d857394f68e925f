"""A fake Slack Web API on 127.0.0.1: real HTTP, every call recorded, answers `ok`.

Point the bot at it with FACTCHECK_SLACK_API_URL=`fake.base_url`. It answers `auth.test` (bot user UBOT,
bot id BBOT), `chat.postMessage` / `chat.update` / `chat.postEphemeral` (ts values it makes up),
`conversations.replies` (from `fake.threads`), and any POST under /hooks/ (slash-command response URLs:
`fake.response_url(name)`), and `apps.connections.open` (`fake.socket_url`, for Socket Mode).
`fake.fail[method] = "not_in_channel"` makes a method answer that error.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"


@dataclass
class Call:
    method: str  # "chat.postMessage", ..., or "hook:NAME" for a response URL
    data: dict[str, Any]
    authorization: str | None
    at: float = field(default_factory=time.monotonic)  # when it arrived (the load test's time to answer)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.threads: dict[tuple[str, str], str] = {}  # (channel, ts) -> text of that thread's first message
        self.fail: dict[str, str] = {}
        self.socket_url: str | None = None  # what apps.connections.open hands out (see slack_socket.py)
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.root}/hooks/{name}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- reading what the bot did ----------------------------------------------------------------------------------
    def calls_to(self, *methods: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method in methods]

    def replies(self) -> list[Call]:
        """Every message the bot posted or rewrote, and every response-URL post."""
        with self._lock:
            return [c for c in self.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
                    or c.method.startswith("hook:")]

    def wait_for(self, condition: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll until `condition()` is truthy; return its value. Fails the test on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out after {timeout} s; calls so far: {[c.method for c in self.calls]}")

    def final_reply(self, channel: str, thread_ts: str | None, timeout: float = 20.0) -> dict[str, Any]:
        """The chat.update that replaced the placeholder the bot posted in that thread."""
        def find() -> dict[str, Any] | None:
            placeholders = [c.data for c in self.calls_to("chat.postMessage")
                            if c.data.get("channel") == channel and c.data.get("thread_ts") == thread_ts]
            for placeholder in placeholders:
                for update in self.calls_to("chat.update"):
                    if update.data.get("ts") == placeholder["_ts"]:
                        return update.data
            return None

        result: dict[str, Any] = self.wait_for(find, timeout)
        return result

    # -- the server ------------------------------------------------------------------------------------------------
    def _answer(self, method: str, data: dict[str, Any]) -> dict[str, Any]:
        if method in self.fail:
            return {"ok": False, "error": self.fail[method]}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "factcheck",
                    "team_id": "T0FAKE", "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "no_socket"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": data.get("channel"), "ts": data["_ts"],
                    "message": {"text": data.get("text"), "ts": data["_ts"]}}
        if method == "chat.update":
            return {"ok": True, "channel": data.get("channel"), "ts": data.get("ts"), "text": data.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": data["_ts"]}
        if method == "conversations.replies":
            text = self.threads.get((str(data.get("channel")), str(data.get("ts"))))
            if text is None:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": [{"type": "message", "user": "U0AUTHOR", "text": text,
                                              "ts": data.get("ts")}]}
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                self._handle(url.path, dict(parse_qsl(url.query)))

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = dict(parse_qsl(raw))
                self._handle(url.path, {**dict(parse_qsl(url.query)), **data})

            def _handle(self, path: str, data: dict[str, Any]) -> None:
                if path.startswith("/hooks/"):
                    method = "hook:" + path.removeprefix("/hooks/")
                else:
                    method = path.removeprefix("/api/")
                with fake._lock:
                    data["_ts"] = f"1700000000.{next(fake._ts):06d}"
                    fake.calls.append(Call(method, data, self.headers.get("authorization")))
                payload = json.dumps(fake._answer(method, data)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
