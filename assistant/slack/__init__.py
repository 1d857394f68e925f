"""The Slack bot: the only code importing slack_bolt / slack_sdk.

    triggers   a request (mention, DM, /factcheck, message shortcut) in one shape
    guards     bots ignored, retries deduped, channel allow-list, per-user rate limit (a Bolt middleware)
    work       answer or check, as a Slack message; errors become one ":warning:" line
    pool       the workers (processes or threads, each with its own runtime) and the bounded queue before "busy"
    blocks     Block Kit rendering within Slack's limits
    listeners  acknowledge at once, work lazily, reply in the thread
    app        credentials and the Bolt App
    server     HTTP (/slack/events) or Socket Mode
"""

from __future__ import annotations

from assistant.slack.app import Credentials, build_app, credentials_from_env
from assistant.slack.pool import FactChecker
from assistant.slack.server import make_http_server, serve, socket_mode_handler

__all__ = ["Credentials", "FactChecker", "build_app", "credentials_from_env", "make_http_server", "serve",
           "socket_mode_handler"]
