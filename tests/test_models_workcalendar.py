"""Working-calendar overrides: unique per centre and date, precedence over the official calendar."""

from __future__ import annotations

import datetime

from mongoengine import NotUniqueError
import pytest
from test_models_factories import db, make_centre  # noqa: F401

from models.centre import OpeningHours
from models.workcalendar import CalendarOverride, is_working_day, week_of, work_calendar

NATIONAL_DAY = datetime.date(2024, 10, 1)
MAKE_UP_SATURDAY = datetime.date(2024, 10, 12)  # 调休 working Saturday
PLAIN_MONDAY = datetime.date(2024, 5, 6)


def test_official_calendar_by_default(db):  # noqa: F811
    assert not is_working_day(NATIONAL_DAY)
    assert is_working_day(MAKE_UP_SATURDAY)
    assert is_working_day(datetime.date(2099, 5, 11))  # a Monday the package does not know
    assert not is_working_day(datetime.date(2099, 1, 1))  # but New Year is computed for any year


def test_centre_override_beats_national_beats_official(db):  # noqa: F811
    make_centre("LY")
    CalendarOverride(date=PLAIN_MONDAY, is_working_day=False, note="示例：临时休息").save()
    assert not is_working_day(PLAIN_MONDAY, "LY")
    CalendarOverride(centre="LY", date=PLAIN_MONDAY, is_working_day=True).save()
    assert is_working_day(PLAIN_MONDAY, "LY")
    assert not is_working_day(PLAIN_MONDAY, "MJ")


def test_unique_per_centre_and_date(db):  # noqa: F811
    make_centre("LY")
    CalendarOverride(centre="LY", date=PLAIN_MONDAY).save()
    CalendarOverride(date=PLAIN_MONDAY).save()
    with pytest.raises(NotUniqueError):
        CalendarOverride(centre="LY", date=PLAIN_MONDAY, is_working_day=True).save()


def test_work_calendar_adapter(db):  # noqa: F811
    make_centre("LY", opening_hours=[
        OpeningHours(weekday=0, opens="09:00", closes="17:30", lunch_start="12:00",
                     lunch_end="13:30"),
    ])
    CalendarOverride(centre="LY", date=PLAIN_MONDAY, is_working_day=False).save()
    calendar = work_calendar("LY")
    assert not calendar.is_working_day(PLAIN_MONDAY)
    assert calendar.opening_hours[1] == [(datetime.time(9), datetime.time(12)),
                                         (datetime.time(13, 30), datetime.time(17, 30))]


def test_week_of():
    assert week_of(datetime.date(2024, 5, 9))[0] == PLAIN_MONDAY
