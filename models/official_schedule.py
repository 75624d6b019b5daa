"""A year's State Council holiday schedule (节假日安排), loaded from a file by the super-admin.

The file is UTF-8 CSV with the header ``date,status,name`` and one row per day that differs from an
ordinary week: ``holiday`` (or ``休``) for every day off, weekend days inside a break included, and
``workday`` (or ``班``) for each make-up working day (调休上班), which must fall on a weekend::

    date,status,name
    2027-01-01,holiday,元旦
    2027-02-20,workday,春节调休上班

Days not listed follow the week (Monday to Friday working). A file is checked as a whole and either
replaces that year's schedule in one write or changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
import datetime as dt
import io

from flask_babel import lazy_gettext as _l
from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    Document,
    IntField,
    StringField,
)

from models.embedded import PlainEmbedded
from models.lists import EmbeddedDocumentListField

HEADER = ["date", "status", "name"]
STATUSES = {"holiday": False, "休": False, "workday": True, "班": True}
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_BYTES = 64 * 1024
MAX_NAME = 50
MAX_ERRORS = 20  # a wrong file is named line by line, but not a thousand lines of it


class ScheduleDay(PlainEmbedded):
    """One listed day: a holiday (放假) or a make-up working day (调休上班)."""

    date = DateField(required=True, verbose_name=_l("Date"))
    working = BooleanField(required=True, verbose_name=_l("Working day"))
    name = StringField(max_length=MAX_NAME, verbose_name=_l("Name"))


class OfficialSchedule(Document):
    """The official holidays and make-up working days of one year, as published."""

    year = IntField(required=True, unique=True, min_value=FIRST_YEAR, max_value=LAST_YEAR,
                    verbose_name=_l("Year"))
    days = EmbeddedDocumentListField(ScheduleDay, verbose_name=_l("Days"))
    source = StringField(max_length=200, verbose_name=_l("File"))
    loaded_at = DateTimeField(required=True, verbose_name=_l("Loaded at"))
    loaded_by = StringField(max_length=100, verbose_name=_l("Loaded by"))

    meta = {"collection": "official_schedules", "ordering": ["-year"]}

    def as_mapping(self) -> dict[dt.date, bool]:
        """Date → True for a make-up working day, False for a holiday."""
        return {as_date(day.date): bool(day.working) for day in self.days}


class ScheduleError(ValueError):
    """The file was refused; ``messages`` names every problem found (translated lazily)."""

    def __init__(self, messages: list) -> None:
        super().__init__("; ".join(str(message) for message in messages))
        self.messages = messages


@dataclass(frozen=True)
class LoadReport:
    year: int
    holidays: int
    make_up_days: int
    replaced: bool


def parse_schedule(data: bytes | str, year: int) -> list[ScheduleDay]:
    """The days of ``year`` listed in ``data``; :class:`ScheduleError` names every problem."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScheduleError([_l("The year must lie between %(first)d and %(last)d.",
                                first=FIRST_YEAR, last=LAST_YEAR)])
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ScheduleError([_l("The file is larger than %(size)d KB.",
                                    size=MAX_BYTES // 1024)])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScheduleError([_l("The file is not UTF-8 text.")]) from None
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
        raise ScheduleError([_l("The first line must be the header “date,status,name”.")])
    errors: list = []
    days: dict[dt.date, ScheduleDay] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem, day = _parse_row(row, line, year, days)
        if problem is not None:
            errors.append(problem)
        else:
            days[day.date] = day
    if not errors and not any(not day.working for day in days.values()):
        errors.append(_l("The file lists no holiday for %(year)d.", year=year))
    if errors:
        raise ScheduleError(errors[:MAX_ERRORS])
    return sorted(days.values(), key=lambda day: day.date)


def _parse_row(row: list[str], line: int, year: int, seen: dict) -> tuple:
    """(problem, None) or (None, the day) for one CSV row."""
    if len(row) not in (2, 3):
        return _l("Line %(line)d: expected date,status,name.", line=line), None
    text, status, name = (cell.strip() for cell in [*row, ""][:3])
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        return _l("Line %(line)d: “%(value)s” is not a date (YYYY-MM-DD).", line=line,
                  value=text), None
    if date.year != year:
        return _l("Line %(line)d: %(date)s is not in %(year)d.", line=line, date=text,
                  year=year), None
    if date in seen:
        return _l("Line %(line)d: %(date)s is listed twice.", line=line, date=text), None
    if status.lower() not in STATUSES:
        return _l("Line %(line)d: the status must be holiday or workday, not “%(value)s”.",
                  line=line, value=status), None
    working = STATUSES[status.lower()]
    if working and date.isoweekday() <= 5:
        return _l("Line %(line)d: the make-up working day %(date)s is not a Saturday or Sunday.",
                  line=line, date=text), None
    if len(name) > MAX_NAME:
        return _l("Line %(line)d: the name is longer than %(size)d characters.", line=line,
                  size=MAX_NAME), None
    return None, ScheduleDay(date=date, working=working, name=name or None)


def load_schedule(data: bytes | str, year: int, *, source: str = "", loaded_by: str = "",
                  now: dt.datetime) -> LoadReport:
    """Check ``data`` and replace ``year``'s schedule with it in one write, or raise
    :class:`ScheduleError` and write nothing."""
    days = parse_schedule(data, year)
    record = OfficialSchedule(year=year, days=days, source=source[:200], loaded_at=now,
                              loaded_by=loaded_by[:100])
    record.validate()
    replaced = OfficialSchedule.objects(year=year).only("id").first() is not None
    # One upserted document per year: a reader sees the old schedule or the new one, never half.
    OfficialSchedule.objects(year=year).update_one(
        upsert=True, set__days=days, set__source=record.source, set__loaded_at=now,
        set__loaded_by=record.loaded_by,
    )
    from models import stamps
    from models.deadlines import CALENDAR_STAMP

    stamps.bump(CALENDAR_STAMP)  # an atomic update sends no document signal
    return LoadReport(year=year, holidays=sum(not day.working for day in days),
                      make_up_days=sum(bool(day.working) for day in days), replaced=replaced)


def loaded_schedules() -> dict[int, dict[dt.date, bool]]:
    """Every loaded year's schedule, as :class:`models.workdays.WorkCalendar` takes them."""
    return {record.year: record.as_mapping() for record in OfficialSchedule.objects}


def as_date(value) -> dt.date:
    """A ``date`` whether MongoEngine hands back a date or a datetime."""
    return value.date() if isinstance(value, dt.datetime) else value
