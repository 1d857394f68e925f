"""A fake OpenAI-compatible server on 127.0.0.1: real HTTP, scripted replies, every request recorded.

Script it with `server.queue(...)`: each request takes the next step (the last step repeats). A step is a
reply body (dict -> a chat completion whose message content is that JSON; str -> that raw content), or
`Status(code)` for an HTTP error, `Slow(seconds, then)` to stall before answering, `Reject(then)` to refuse
structured output, or a function of the request body that returns one of these.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Status:
    code: int
    message: str = "error"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Slow:
    seconds: float
    then: Any


@dataclass
class Reject:
    """A 400 naming `response_format`, as servers without structured output answer."""

    then: Any


@dataclass
class RejectJsonSchema:
    """A refusal of OpenAI's json_schema form of response_format (llama-cpp-python's server: a 500 naming it; a
    plain FastAPI server: a 422); other forms pass."""

    then: Any
    status: int = 500


class FakeOpenAI:
    def __init__(self) -> None:
        self.steps: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # A short poll: shutdown() waits up to one interval, and every test using the fake stops one.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def queue(self, *steps: Any) -> None:
        with self._lock:
            self.steps = list(steps)

    def _next(self) -> Any:
        with self._lock:
            if not self.steps:
                return Status(500, "no scripted reply")
            return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers))
                self._answer(fake._next(), body)

            def _answer(self, step: Any, body: dict[str, Any]) -> None:
                if isinstance(step, Slow):
                    time.sleep(step.seconds)
                    step = step.then
                if isinstance(step, RejectJsonSchema):
                    if (body.get("response_format") or {}).get("type") == "json_schema":
                        return self._send(step.status, {"detail": [{"loc": ["body", "response_format", "type"],
                                                            "msg": "Input should be 'text' or 'json_object'"}]})
                    step = step.then
                if isinstance(step, Reject):
                    if "response_format" in body:
                        return self._send(400, {"error": {"message": "response_format is not supported",
                                                          "type": "invalid_request_error"}})
                    step = step.then
                if callable(step) and not isinstance(step, type):
                    step = step(body)
                if isinstance(step, Status):
                    # A short retry-after unless the step names one: the client's own back-off (0.5-8 s) is
                    # not what these tests are about.
                    headers = {"retry-after-ms": "10", **step.headers}
                    return self._send(step.code, {"error": {"message": step.message, "type": "error"}}, headers)
                content = step if isinstance(step, str) else json.dumps(step)
                self._send(200, {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                })

            def _send(self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        return Handler
