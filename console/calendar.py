"""The official calendar as the console shows it: a year's special days, the ``onewindow calendar``
verbs, and the provisional-deadline notice of the case screens."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

import click
from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console import clock
from models.official_schedule import OfficialSchedule, ScheduleError, as_date, load_schedule
from models.workcalendar import provisional_years, work_calendar
from models.workdays import (
    COMPUTED,
    HOLIDAY,
    LOADED,
    MAKE_UP_DAY,
    PACKAGE,
    WorkCalendar,
)

KIND_LABELS = {HOLIDAY: _l("Holiday"), MAKE_UP_DAY: _l("Make-up working day (调休)")}
SOURCE_LABELS = {
    LOADED: _l("State Council schedule loaded"),
    PACKAGE: _l("Official (calendar package)"),
    COMPUTED: _l("Provisional: statutory holidays computed, no schedule loaded"),
}


def special_days(calendar: WorkCalendar, year: int) -> list[tuple[dt.date, str, str | None]]:
    """(date, kind, name) of every day of ``year`` that is not an ordinary week: holidays and
    make-up working days, named from the loaded schedule when there is one."""
    record = OfficialSchedule.objects(year=year).first()
    names = {as_date(day.date): day.name for day in record.days} if record else {}
    day, rows = dt.date(year, 1, 1), []
    while day.year == year:
        status = calendar.status(day)
        if status.kind in (HOLIDAY, MAKE_UP_DAY):
            rows.append((day, status.kind, status.name or names.get(day)))
        day += dt.timedelta(days=1)
    return rows


def load_command(year: int, file: BinaryIO) -> None:
    """``onewindow calendar load YEAR FILE``."""
    try:
        report = load_schedule(file.read(), year, source=getattr(file, "name", ""),
                               loaded_by="command line", now=clock.utcnow())
    except ScheduleError as error:
        for message in error.messages:
            click.echo(str(message), err=True)
        raise click.ClickException(gettext("Nothing was loaded.")) from error
    click.echo(gettext("%(year)d: %(holidays)d holidays and %(days)d make-up working days loaded.",
                       year=report.year, holidays=report.holidays, days=report.make_up_days))


def show_command(year: int, centre: str | None) -> None:
    """``onewindow calendar show YEAR``."""
    calendar = work_calendar(centre)
    click.echo(f"{year}: {SOURCE_LABELS[calendar.source_of(year)]}")
    for day, kind, name in special_days(calendar, year):
        click.echo(f"{day.isoformat()} {KIND_LABELS[kind]} {name or ''}".rstrip())


def user_provisional_years() -> list[int]:
    """The years ahead whose deadlines are provisional for the signed-in user's centre."""
    if not getattr(current_user, "is_authenticated", False):
        return []
    return provisional_years(getattr(current_user, "centre", None) or None, clock.today())


def register_template_helpers(app: Flask) -> None:
    """``onewindow_provisional_years()``, read by ``onewindow/calendar/_provisional.html``."""
    app.jinja_env.globals["onewindow_provisional_years"] = user_provisional_years
