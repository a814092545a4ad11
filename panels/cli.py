"""Commands: `python -m panels demo --serve`, `python -m panels jobs reap`, `python -m panels retention`,
`python -m panels reminders`, plus Flask's own (db upgrade...)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("demo")
@click.option("--serve", is_flag=True, help="Serve the demo on 127.0.0.1 after building it.")
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(serve: bool, port: int) -> None:
    """Create (or bring up to date) the demo city in the configured database."""
    from .demo import build

    summary = build()
    click.echo(summary)
    if serve:
        app = current_app._get_current_object()
        # The demo is served over plain http on loopback: secure-only cookies would be dropped.
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
        click.echo(f"\nServing the demo at http://127.0.0.1:{port}/  (Ctrl+C to stop)")
        from werkzeug.serving import run_simple

        # Not app.run(): Flask ignores it inside a `flask` command.
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("reap")
@with_appcontext
def reap_command() -> None:
    """Mark failed the jobs whose worker died."""
    from .jobs import reap_stale

    click.echo(f"{reap_stale()} job(s) marked failed")


@click.command("reminders")
@with_appcontext
@click.pass_context
def reminders_command(ctx) -> None:
    """Run daily from cron: confirmations (expire, remind), then the government-response clock's reminders."""
    from .recommendations.responses import send_due_reminders
    from .selection.confirmation import reminders_command as confirmation_reminders

    ctx.invoke(confirmation_reminders)
    click.echo(f"{send_due_reminders()} government-response reminder(s) queued")


def register(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(jobs_group)
    from .selection.retention import retention_command

    app.cli.add_command(retention_command)
    app.cli.add_command(reminders_command)
    from .evidence.feed import feed_command

    app.cli.add_command(feed_command)
