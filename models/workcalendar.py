"""Working-calendar overrides (holidays, make-up working days) on top of the official calendar, and
the calendar of a centre as deadlines use it."""

from __future__ import annotations

import datetime

from flask_babel import lazy_gettext as _l
from mongoengine import BooleanField, DateField, Document, StringField

from models.official_schedule import loaded_schedules
from models.tenancy import CentreQuerySet, require_centre

CHINA_STANDARD_TIME = datetime.timezone(datetime.timedelta(hours=8), "CST")


def today_in_china() -> datetime.date:
    """Today's date in China Standard Time, whatever the server's time zone, at the console's
    one clock (``ONEWINDOW_NOW`` fixes it, as it does every screen's "today")."""
    # Imported here: the console package imports the models, so this is read at call time.
    from console import clock

    return clock.today()


def week_of(day: datetime.date) -> list[datetime.date]:
    """The seven days, Monday first, of the week containing ``day``."""
    monday = day - datetime.timedelta(days=day.weekday())
    return [monday + datetime.timedelta(days=offset) for offset in range(7)]


class CalendarOverride(Document):
    """One day whose working status differs from the official calendar package."""

    centre = StringField(verbose_name=_l("Centre (empty: national)"))
    date = DateField(required=True, verbose_name=_l("Date"))
    is_working_day = BooleanField(required=True, default=False, verbose_name=_l("Working day"))
    note = StringField(max_length=200, verbose_name=_l("Note"))

    meta = {
        "collection": "calendar_overrides",
        "queryset_class": CentreQuerySet,
        "indexes": [{"fields": ["centre", "date"], "unique": True}],
        "ordering": ["-date"],
    }

    def clean(self) -> None:
        require_centre(self.centre)

    def __str__(self) -> str:
        status = _l("working day") if self.is_working_day else _l("day off")
        return f"{self.date:%Y-%m-%d} {status}{'：' + self.note if self.note else ''}"


def is_working_day(day: datetime.date, centre: str | None = None) -> bool:
    """Whether ``day`` is a working day: centre override, national override, loaded State
    Council schedule, the calendar package, else the statutory holidays computed for that year."""
    from models.workdays import WorkCalendar

    return WorkCalendar(overrides=overrides_for(centre),
                        schedules=loaded_schedules()).is_working_day(day)


def overrides_for(centre: str | None) -> dict[datetime.date, bool]:
    """Every override that applies to ``centre``: national ones, then the centre's own on top."""
    rows = CalendarOverride.objects(centre__in=[None, centre] if centre else [None])
    national = {_as_date(row.date): row.is_working_day for row in rows if not row.centre}
    local = {_as_date(row.date): row.is_working_day for row in rows if row.centre}
    return {**national, **local}


def work_calendar(centre: str | None):
    """The :class:`models.workdays.WorkCalendar` of ``centre``: its overrides, opening hours and
    the loaded State Council schedules."""
    from models.centre import ServiceCentre
    from models.workdays import WorkCalendar

    hours: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    record = ServiceCentre.objects(code=centre).first() if centre else None
    for row in record.opening_hours if record else []:
        times = [row.opens, row.lunch_start, row.lunch_end, row.closes]
        times = [datetime.time.fromisoformat(text) for text in times if text]
        hours[row.weekday + 1] = list(zip(times[::2], times[1::2], strict=True))
    return WorkCalendar(overrides=overrides_for(centre), opening_hours=hours,
                        schedules=loaded_schedules())


# How far ahead the case screens look for years whose deadlines would be provisional: longer than
# the longest time limit of an item, so a deadline about to fall in such a year is announced.
PROVISIONAL_HORIZON_DAYS = 60


def provisional_years(centre: str | None, today: datetime.date,
                      days: int = PROVISIONAL_HORIZON_DAYS) -> list[int]:
    """The years between ``today`` and ``days`` later whose calendar is not official for
    ``centre`` (no loaded schedule, not known to the calendar package): deadlines there are
    provisional."""
    from models.deadlines import calendar_for  # the calendar kept per process

    calendar = calendar_for(centre)
    span = (today + datetime.timedelta(days=offset) for offset in range(days + 1))
    return sorted({day.year for day in span if not calendar.is_official(day)})


def _as_date(value) -> datetime.date:
    """A ``date`` whether MongoEngine hands back a date or a datetime."""
    return value.date() if isinstance(value, datetime.datetime) else value
