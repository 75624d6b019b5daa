"""The ``onewindow`` command: Flask's CLI around the app factory, plus our own verbs.

Our verbs are registered on each app's ``app.cli`` (so ``app.test_cli_runner()`` reaches them);
the console script is a :class:`~flask.cli.FlaskGroup` that shows them beside ``run``, ``shell``
and Flask-AppBuilder's ``fab`` group.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from console import provision


def _create_app() -> Flask:
    from console import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """onewindow — 一窗通办 console. Run `onewindow init` once, then `onewindow run`."""


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create every declared index, the roles and their permissions (safe to run again)."""
    report = provision.initialise(current_app.appbuilder)
    click.echo(
        f"indexes: {report.indexes} on {report.collections} collections; "
        f"roles: {', '.join(report.roles)}; permissions: {report.permissions}"
    )


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="host:port to listen on")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="worker processes (2 × cores + 1 on a real MongoDB; 1–4 on the embedded store)")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="threads per worker")
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(5, 3600),
              help="seconds before a silent worker is restarted")
def serve_command(bind: str, workers: int, threads: int, timeout: int) -> None:
    """Serve the console with gunicorn (production)."""
    from console.serve import serve

    serve(bind=bind, workers=workers, threads=threads, timeout=timeout)


COMMANDS = (init_command, serve_command)


def init_app(app: Flask) -> None:
    """Attach our verbs to ``app.cli``."""
    for command in COMMANDS:
        app.cli.add_command(command)
