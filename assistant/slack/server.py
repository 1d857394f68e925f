"""Serving the app: a threaded HTTP server (events, commands and shortcuts at /slack/events) or Socket Mode.

Bolt's own development server binds every interface and serves one request at a time; this one binds the
host asked for and gives each request a thread, so twenty mentions at once are all acknowledged in time.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

from assistant.config import Settings
from assistant.slack.app import build_app, credentials_from_env
from assistant.slack.pool import FactChecker

log = logging.getLogger("assistant.slack")

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are a few kB; refuse big bodies before reading them


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 drops connections in a burst of events


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def limit_body(wsgi_app: WSGIApplication) -> WSGIApplication:
    def limited(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            start_response("413 Payload Too Large", [("content-type", "text/plain")])
            return [b"request body too large"]
        return wsgi_app(environ, start_response)

    return limited


def make_http_server(app: App, host: str = "127.0.0.1", port: int = 3000) -> ThreadingWSGIServer:
    """Bound and listening (port 0: any free port); call `serve_forever()` to answer."""
    server = make_server(host, port, limit_body(SlackRequestHandler(app, path=EVENTS_PATH)),
                         server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    assert isinstance(server, ThreadingWSGIServer)
    return server


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """Built, not connected: `.start()` opens the WebSocket to Slack."""
    return SocketModeHandler(app, app_token, logger=log)


def configure_logging() -> None:
    """The bot's own lines at INFO on stderr; libraries only when they warn. Never a token or a setting."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(settings: Settings, host: str, port: int, socket_mode: bool) -> None:
    """Run the bot until interrupted (Ctrl-C or SIGTERM: the workers are stopped, never left behind).
    Credentials are checked before the store is opened."""
    credentials = credentials_from_env(socket_mode, settings)
    checker = FactChecker.from_settings(settings)
    app = build_app(settings, checker, credentials)
    configure_logging()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if socket_mode:
            handler = socket_mode_handler(app, credentials.app_token)
            log.info("connecting to Slack in Socket Mode (%s)", checker.describe())
            handler.start()  # type: ignore[no-untyped-call]
        else:
            server = make_http_server(app, host, port)
            bound_host, bound_port = server.server_address[:2]
            log.info("listening on http://%s:%s%s (%s)", bound_host, bound_port, EVENTS_PATH, checker.describe())
            try:
                server.serve_forever()
            finally:
                server.server_close()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        checker.close()
