"""Deadlines on the official calendar: holidays, make-up days, weekends, opening hours, unknown
years, centre overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from models.workdays import (
    MINUTES,
    NATURAL_DAYS,
    WORKING_DAYS,
    WORKING_HOURS,
    CalendarError,
    WorkCalendar,
    to_china,
    to_utc,
)


def cst(*args) -> dt.datetime:
    """A China Standard Time wall-clock moment, as naive UTC (how it is stored)."""
    return to_utc(dt.datetime(*args))


def local(moment: dt.datetime) -> dt.datetime:
    return to_china(moment)


def test_national_day_holiday_and_make_up_saturday():
    calendar = WorkCalendar()
    # 2026: 1–7 October off; Saturday 10 October is a make-up working day (调休).
    due = calendar.add(cst(2026, 9, 30, 10, 0), 1, WORKING_DAYS)
    assert local(due) == dt.datetime(2026, 10, 8, 10, 0)
    due = calendar.add(cst(2026, 10, 9, 15, 0), 1, WORKING_DAYS)
    assert local(due) == dt.datetime(2026, 10, 10, 15, 0)  # the make-up Saturday counts
    assert calendar.is_working_day(dt.date(2026, 10, 10))
    assert not calendar.is_working_day(dt.date(2026, 10, 5))


def test_weekend_is_skipped():
    due = WorkCalendar().add(cst(2026, 11, 20, 11, 0), 1, WORKING_DAYS)  # a Friday
    assert local(due) == dt.datetime(2026, 11, 23, 11, 0)  # Monday


def test_minutes_count_only_inside_opening_hours():
    calendar = WorkCalendar()
    # 20 minutes from 11:50 on a Monday: 10 before the lunch break, 10 after 13:30.
    assert local(calendar.add(cst(2026, 11, 23, 11, 50), 20, MINUTES)) == dt.datetime(
        2026, 11, 23, 13, 40
    )
    # Two working hours from 17:00 Friday: 30 minutes Friday, 90 on Monday morning.
    assert local(calendar.add(cst(2026, 11, 20, 17, 0), 2, WORKING_HOURS)) == dt.datetime(
        2026, 11, 23, 10, 30
    )
    # Accepted at 20:00 (closed): the clock starts at the next opening.
    assert local(calendar.add(cst(2026, 11, 23, 20, 0), 20, MINUTES)) == dt.datetime(
        2026, 11, 24, 9, 20
    )


def test_working_days_from_outside_opening_hours_start_at_next_opening():
    due = WorkCalendar().add(cst(2026, 11, 21, 10, 0), 1, WORKING_DAYS)  # Saturday
    assert local(due) == dt.datetime(2026, 11, 24, 9, 0)


def test_centre_opening_hours_are_used():
    long_day = [(dt.time(8, 30), dt.time(18, 0))]
    calendar = WorkCalendar(opening_hours={day: long_day for day in range(1, 6)})
    assert local(calendar.add(cst(2026, 11, 23, 17, 50), 20, MINUTES)) == dt.datetime(
        2026, 11, 24, 8, 40
    )


def test_unknown_year_falls_back_to_weekends_and_says_so():
    calendar = WorkCalendar()
    due = calendar.add(cst(2031, 1, 3, 10, 0), 1, WORKING_DAYS)  # a Friday, no official data
    assert local(due) == dt.datetime(2031, 1, 6, 10, 0)
    assert 2031 in calendar.guessed_years
    assert not calendar.is_official(dt.date(2031, 1, 3))


def test_overrides_decide_before_the_package():
    # A centre enters next year's published schedule before the package knows it.
    calendar = WorkCalendar(overrides={dt.date(2031, 1, 6): False, dt.date(2031, 1, 4): True})
    assert calendar.is_official(dt.date(2031, 1, 6))
    due = calendar.add(cst(2031, 1, 3, 10, 0), 1, WORKING_DAYS)
    assert local(due) == dt.datetime(2031, 1, 4, 10, 0)  # Saturday made a working day
    due = calendar.add(cst(2031, 1, 5, 10, 0), 1, WORKING_DAYS)  # Sunday: next opening Tue 9:00
    assert local(due) == dt.datetime(2031, 1, 8, 9, 0)


def test_natural_days_ignore_the_calendar():
    due = WorkCalendar().add(cst(2026, 9, 30, 10, 0), 3, NATURAL_DAYS)
    assert local(due) == dt.datetime(2026, 10, 3, 10, 0)


def test_open_minutes_between_skips_nights_and_holidays():
    calendar = WorkCalendar()
    assert calendar.open_minutes_between(cst(2026, 9, 30, 17, 0), cst(2026, 10, 8, 9, 30)) == 60


def test_bad_input_is_refused():
    calendar = WorkCalendar()
    with pytest.raises(CalendarError):
        calendar.add(cst(2026, 1, 5, 9), -1, WORKING_DAYS)
    with pytest.raises(CalendarError):
        calendar.add(cst(2026, 1, 5, 9), 1, "fortnights")
    closed = WorkCalendar(opening_hours={1: []}, overrides={})
    closed.opening_hours = {d: [] for d in range(1, 8)}
    with pytest.raises(CalendarError):
        closed.add(cst(2026, 1, 5, 9), 10, MINUTES)
