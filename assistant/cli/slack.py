"""`factcheck slack serve`: run the Slack bot over HTTP (/slack/events) or Socket Mode."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import handles_errors, settings

slack_app = typer.Typer(help="The Slack bot: fact-checks and answers inside Slack threads.", no_args_is_help=True)


@slack_app.command("serve")
@handles_errors
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on (HTTP mode).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (HTTP mode).")] = 3000,
    socket_mode: Annotated[bool, typer.Option("--socket-mode", help="Connect to Slack over a WebSocket "
                                                                    "(needs SLACK_APP_TOKEN) instead of serving HTTP.")
                           ] = False,
) -> None:
    """Serve Slack events, the /factcheck command and the message shortcut at /slack/events.

    Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (--socket-mode).
    """
    from assistant.slack.server import serve  # slack_bolt is imported only when the bot runs

    serve(settings(), host, port, socket_mode)
