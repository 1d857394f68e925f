"""Build the Bolt app: credentials from the environment, the Web API client, guards and listeners.

No network call at build time (`token_verification_enabled=False`); Bolt calls `auth.test` once, on the first
request, to learn the bot's own user id (which the guards need to ignore the bot's own messages).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.slack.guards import Guards
from assistant.slack.listeners import register
from assistant.slack.pool import FactChecker

log = logging.getLogger("assistant.slack")

DEFAULT_API_URL = WebClient.BASE_URL
SPARE_LISTENER_THREADS = 32  # beyond one per pool slot: a full pool never starves the threads that acknowledge Slack
AUTH_FAILED = ":warning: The fact-check bot could not sign in to Slack; ask whoever runs it to check its token."

_HINTS = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-...) with connections:write, for --socket-mode",
}


@dataclass(frozen=True)
class Credentials:
    bot_token: str
    signing_secret: str = ""
    app_token: str = ""

    def __repr__(self) -> str:  # never print a secret by accident
        return "Credentials(***)"


class _DropTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client's copy wins; it is the same token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("As you gave `client` as well")


_TOKEN_NOTICE = _DropTokenNotice()


def require(value: SecretStr | None, name: str) -> str:
    if value is None:
        raise ConfigError(f"{name} is not set: {_HINTS.get(name, 'see the README, Slack setup')}")
    return value.get_secret_value()


def credentials_from_env(socket_mode: bool = False, settings: Settings | None = None) -> Credentials:
    """HTTP mode needs the bot token and signing secret; Socket Mode the bot token and an app token.
    (Read through Settings.slack: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN.)"""
    slack = (settings or load_settings()).slack
    bot_token = require(slack.bot_token, "SLACK_BOT_TOKEN")
    if socket_mode:
        secret = slack.signing_secret.get_secret_value() if slack.signing_secret else ""  # unused by Socket Mode
        return Credentials(bot_token, secret, require(slack.app_token, "SLACK_APP_TOKEN"))
    return Credentials(bot_token, require(slack.signing_secret, "SLACK_SIGNING_SECRET"))


def api_url(settings: Settings) -> str:
    url = (settings.slack_api_url or "").strip() or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def build_app(settings: Settings, checker: FactChecker, credentials: Credentials) -> App:
    log.addFilter(_TOKEN_NOTICE)  # idempotent
    client = WebClient(token=credentials.bot_token, base_url=api_url(settings), logger=log)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    app = App(
        name="factcheck",
        logger=log,
        signing_secret=credentials.signing_secret,
        client=client,
        token_verification_enabled=False,
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=checker.capacity + SPARE_LISTENER_THREADS,
                                             thread_name_prefix="factcheck-slack"),
        user_facing_authorize_error_message=AUTH_FAILED,
    )
    guards = Guards.create(settings.slack_rate_limit, settings.slack_allowed_channels)
    app.use(guards.middleware)
    register(app, checker)
    return app
