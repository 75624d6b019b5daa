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
        f"roles: {', '.join(report.roles)}; permissions: {report.permissions}; "
        f"cases given their overdue-now or name-search keys: {report.refreshed}; "
        f"return records restored from timelines: {report.returns_restored}; "
        f"staff unlinked from a login of another centre: {len(report.unlinked)}"
    )
    for line in report.unlinked:
        click.echo(f"  {line}")


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


DEMO_PASSWORD = "Yichuang-2026"
"""Every demo login's password: it meets the password policy (console.passwords)."""


@click.command("load-demo")
@click.option("--history", is_flag=True,
              help="also act out a year of cases, complaints and ratings at both centres")
@click.option("--cases", default=None, help="cases of history (default 5000, at most 100000)")
@click.option("--months", default=None, help="months of history up to now (default 12)")
@click.option("--seed", default=None, help="seed of the history: the same seed, the same cases")
@click.option("--replace", is_flag=True,
              help="delete the demo centres' cases, complaints and ratings first")
@click.option("--workers", default=None,
              help="processes playing the centres (default one per centre, up to the "
                   "processors; 1 plays them in this process)")
@with_appcontext
def load_demo_command(history: bool, cases: str | None, months: str | None, seed: str | None,
                      replace: bool, workers: str | None) -> None:
    """Load the demo centres (洛阳市民之家 LY, 孟津区 MJ) and their demo logins (idempotent);
    with --history, a year of cases through the lifecycle (added once)."""
    from console.accounts import AccountError, NewLogin, create_login
    from console.demo import STEPS, load_demo

    arguments = _history_arguments(history, cases, months, seed, replace, workers)

    with click.progressbar(length=len(STEPS), label="demo", show_pos=True) as bar:
        report = load_demo(progress=lambda step, done, total: bar.update(1))
    click.echo(", ".join(f"{name}: {count}" for name, count in report.counts.items()))
    security = current_app.appbuilder.sm
    click.echo("logins (username / password / role / centre):")
    for login in report.logins:
        password = DEMO_PASSWORD
        if not security.find_user(username=login.username):
            try:
                create_login(security, NewLogin(
                    username=login.username, password=password, role=login.role,
                    email=f"{login.username}@demo.onewindow.local", centre=login.centre,
                    agency=login.agency, first_name=login.staff or login.username,
                ))
            except AccountError as error:
                raise click.ClickException(str(error)) from error
        click.echo(f"  {login.username} / {password} / {login.role} / {login.centre or '*'}")
    if arguments is not None:
        _load_history(**arguments)


def _history_arguments(history: bool, cases: str | None, months: str | None, seed: str | None,
                       replace: bool, workers: str | None = None) -> dict | None:
    """The history's arguments as numbers, refused with a translated message before anything
    is written."""
    from flask_babel import gettext

    from console import demo_history

    if not history:
        if any(value is not None for value in (cases, months, seed, workers)) or replace:
            raise click.UsageError(gettext("--cases, --months, --seed, --workers and --replace "
                                           "go with --history."))
        return None
    numbers = {}
    for name, value, default in (("cases", cases, demo_history.DEFAULT_CASES),
                                 ("months", months, demo_history.DEFAULT_MONTHS),
                                 ("seed", seed, demo_history.DEFAULT_SEED),
                                 ("workers", workers, None)):
        try:
            numbers[name] = default if value is None else int(value)
        except ValueError:
            raise click.UsageError(gettext("--%(name)s must be a whole number, not “%(value)s”.",
                                           name=name, value=value)) from None
    try:
        demo_history.check_arguments(numbers["cases"], numbers["months"], numbers["workers"])
    except demo_history.HistoryError as error:
        raise click.UsageError(str(error)) from error
    return {**numbers, "replace": replace}


def _load_history(*, cases: int, months: int, seed: int, replace: bool,
                  workers: int | None) -> None:
    import sys

    from flask_babel import gettext

    from console import demo_history

    stderr = click.get_text_stream("stderr")
    try:
        with click.progressbar(length=cases, label=gettext("history"), file=stderr,
                               show_pos=True, show_eta=True) as bar:
            report = demo_history.load_history(
                cases=cases, months=months, seed=seed, replace=replace, workers=workers,
                progress=lambda step, count: bar.update(count) if step == "cases" else None)
    except demo_history.HistoryExists as error:
        click.echo(str(error))  # already there: nothing to do, not a failure (run.sh reruns it)
        return
    except demo_history.HistoryError as error:
        raise click.ClickException(str(error)) from error
    sys.stderr.flush()
    from models import case as c
    from models.choices import label

    # In the lifecycle's order and the interface's words (已受理，办理中 102; 已办结 4590).
    order = [code for code, _name in c.CASE_STATES]
    states = "; ".join(f"{label(c.CASE_STATES, name)} {report.states[name]}"
                       for name in sorted(report.states, key=order.index))
    click.echo(gettext("history: %(cases)d cases (%(states)s), %(complaints)d complaints, "
                       "%(ratings)d ratings, %(rectifications)d rectifications in %(seconds).1f s",
                       cases=report.cases, states=states,
                       complaints=report.written.get("complaints", 0),
                       ratings=report.written.get("ratings", 0),
                       rectifications=report.written.get("rectifications", 0),
                       seconds=report.seconds))


@click.command("create-user")
@click.option("--centre", default=None, help="service-centre code (none for Admin)")
@click.option("--role", required=True, help="Admin, CentreAdmin, Clerk, Approver, "
              "ComplaintHandler or Supervisor")
@click.option("--agency", default=None, help="agency code (approvers)")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True,
              confirmation_prompt=True)
@click.option("--email", required=True)
@click.option("--firstname", default="")
@click.option("--lastname", default="")
@with_appcontext
def create_user_command(centre, role, agency, username, password, email, firstname,
                        lastname) -> None:
    """Create a console login for one centre (and agency), refusing unknown codes."""
    from console.accounts import AccountError, NewLogin, create_login

    login = NewLogin(username=username, password=password, email=email, role=role,
                     centre=centre or None, agency=agency or None, first_name=firstname,
                     last_name=lastname)
    try:
        create_login(current_app.appbuilder.sm, login)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created {username} ({role}, {centre or 'all centres'})")


@click.group("calendar")
def calendar_group() -> None:
    """The official working calendar: load a year's State Council schedule, show a year."""


@calendar_group.command("load")
@click.argument("year", type=int)
@click.argument("file", type=click.File("rb"))
@with_appcontext
def calendar_load_command(year: int, file) -> None:
    """Load YEAR's holidays and make-up working days from a CSV FILE (date,status,name),
    replacing that year's schedule; a wrong file is refused and changes nothing."""
    from console.calendar import load_command

    load_command(year, file)


@calendar_group.command("show")
@click.argument("year", type=int)
@click.option("--centre", default=None, help="service-centre code (its overrides included)")
@with_appcontext
def calendar_show_command(year: int, centre: str | None) -> None:
    """Show YEAR's holidays and make-up working days and where they come from."""
    from console.calendar import show_command

    show_command(year, centre)


@click.group("stats")
def stats_group() -> None:
    """Statistics: the daily figures behind the statistics screen and the dashboard."""


@stats_group.command("rebuild")
@click.option("--centre", "centres", multiple=True,
              help="service-centre code (repeatable; default: every centre)")
@with_appcontext
def stats_rebuild_command(centres: tuple[str, ...]) -> None:
    """Recount the daily figures from every case's timeline (after a restore, an import, or
    when a figure looks wrong); the screens read the new rows at once."""
    from models.centre import ServiceCentre
    from models.daily_figures import rebuild_figures

    for code in centres:
        if not ServiceCentre.objects(code=code).only("code").first():
            raise click.ClickException(f"unknown centre {code!r}")

    def progress(centre: str, cases: int) -> None:
        click.echo(f"{centre}: {cases} cases", err=True)

    total = rebuild_figures(list(centres) or None, progress=progress)
    click.echo(f"daily figures rebuilt from {total} cases")


COMMANDS = (init_command, serve_command, load_demo_command, create_user_command, calendar_group,
            stats_group)


def init_app(app: Flask) -> None:
    """Attach our verbs to ``app.cli``."""
    for command in COMMANDS:
        app.cli.add_command(command)
