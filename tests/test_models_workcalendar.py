"""Working-calendar overrides: unique per centre and date, precedence over the official calendar."""

from __future__ import annotations

import datetime

from mongoengine import NotUniqueError
import pytest
from test_models_factories import db, make_centre, make_item, make_window  # noqa: F401

from models import case as c
from models import lifecycle as life
from models.centre import OpeningHours
from models.deadlines import calendar_for
from models.workcalendar import CalendarOverride, is_working_day, week_of, work_calendar
from models.workdays import MINUTES, WORKING_DAYS, to_china, to_utc

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


# --- LY as in the demo: weekday hours with a lunch break, Saturday mornings ----------------------

def make_ly():
    weekdays = [OpeningHours(weekday=day, opens="09:00", closes="17:30", lunch_start="12:00",
                             lunch_end="13:30") for day in range(5)]
    return make_centre("LY", opening_hours=[*weekdays, OpeningHours(weekday=5, opens="09:00",
                                                                     closes="12:00")])


def cst(*args) -> datetime.datetime:
    return to_utc(datetime.datetime(*args))


def test_centre_open_saturday_mornings(db):  # noqa: F811
    make_ly()
    calendar = calendar_for("LY")
    # The make-up Saturday 10 Oct 2026 is worked with the weekday hours.
    assert to_china(calendar.add(cst(2026, 10, 9, 16), 1, WORKING_DAYS)) == datetime.datetime(
        2026, 10, 10, 16)
    # An ordinary Saturday morning counts for minutes: the seal accepted at 10:00 is due 10:20.
    assert to_china(calendar.add(cst(2026, 10, 17, 10), 20, MINUTES)) == datetime.datetime(
        2026, 10, 17, 10, 20)
    # ...but is not a working day.
    assert not is_working_day(datetime.date(2026, 10, 17), "LY")
    assert to_china(calendar.add(cst(2026, 10, 16, 16), 1, WORKING_DAYS)) == datetime.datetime(
        2026, 10, 19, 16)


def accepted_at(moment: datetime.datetime) -> c.Case:
    clerk = life.Actor("clerk1", frozenset({life.CLERK}), centre="LY")
    window = make_window("W01")
    licence = make_item("EO-REG")  # promised: 2 working hours
    window.update(push__items=licence)
    case = life.open_case(clerk, window=window.reload(), items=[licence], applicant={
        "company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
        "legal_rep_id": "11010519491231002X", "phone": "13803791234",
        "address": "洛阳市洛龙区开元大道218号"})
    life.start_review(case, clerk)
    life.record_materials(case, clerk, {row.name: (c.RECEIVED, None) for row in case.materials})
    return life.accept(case, clerk, now=moment)


def test_case_accepted_on_the_make_up_saturday(db):  # noqa: F811
    make_ly()
    case = accepted_at(cst(2026, 10, 10, 15, 0))  # Sat 10 Oct 2026 15:00, 调休 working day
    # 一日办结: Monday at the same time; the licence (2 working hours): 17:00 that afternoon.
    assert to_china(case.due_at) == datetime.datetime(2026, 10, 12, 15, 0)
    assert to_china(case.subtasks[0].deadline) == datetime.datetime(2026, 10, 10, 17, 0)


def test_case_accepted_the_day_before_the_make_up_saturday(db):  # noqa: F811
    make_ly()
    case = accepted_at(cst(2026, 10, 9, 16, 0))
    assert to_china(case.due_at) == datetime.datetime(2026, 10, 10, 16, 0)  # not 12:00
    # 90 minutes on Friday, the last 30 on the make-up Saturday morning.
    assert to_china(case.subtasks[0].deadline) == datetime.datetime(2026, 10, 10, 9, 30)


def test_case_accepted_on_new_years_eve_2026(db):  # noqa: F811
    make_ly()
    case = accepted_at(cst(2026, 12, 31, 16, 0))
    assert to_china(case.due_at) == datetime.datetime(2027, 1, 4, 16, 0)  # never 1 January
    # Two working hours from 16:00: 90 minutes that day, 30 after the New Year break.
    assert to_china(case.subtasks[0].deadline) == datetime.datetime(2027, 1, 4, 9, 30)
    assert not calendar_for("LY").is_official(datetime.date(2027, 1, 4))
