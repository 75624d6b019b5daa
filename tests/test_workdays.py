"""Deadlines on the official calendar: holidays, make-up days, weekends, opening hours, unknown
years, centre overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from models.workdays import (
    COMPUTED,
    HOLIDAY,
    LOADED,
    MAKE_UP_DAY,
    MINUTES,
    NATURAL_DAYS,
    PACKAGE,
    REST_DAY,
    WORKDAY,
    WORKING_DAYS,
    WORKING_HOURS,
    CalendarError,
    DayStatus,
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


def test_unknown_year_is_computed_and_says_so():
    calendar = WorkCalendar()
    due = calendar.add(cst(2031, 1, 3, 10, 0), 1, WORKING_DAYS)  # a Friday, no official data
    assert local(due) == dt.datetime(2031, 1, 6, 10, 0)
    assert 2031 in calendar.guessed_years
    assert not calendar.is_official(dt.date(2031, 1, 3))
    assert calendar.source_of(2031) == COMPUTED and calendar.source_of(2026) == PACKAGE


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


# --- a centre open Saturday mornings (LY in the demo) ------------------------------------------

WEEKDAY = [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]
SATURDAY_MORNING = [(dt.time(9), dt.time(12))]


def saturday_centre(**fields) -> WorkCalendar:
    hours = {day: WEEKDAY for day in range(1, 6)}
    return WorkCalendar(opening_hours={**hours, 6: SATURDAY_MORNING}, **fields)


def weekday_centre(**fields) -> WorkCalendar:
    return WorkCalendar(opening_hours={day: WEEKDAY for day in range(1, 6)}, **fields)


def test_make_up_saturday_is_worked_with_weekday_hours():
    calendar = saturday_centre()
    make_up = dt.date(2026, 10, 10)  # 国庆调休: Saturday worked
    assert calendar.status(make_up).kind == MAKE_UP_DAY
    assert calendar.hours_on(make_up) == WEEKDAY  # not the Saturday half-day
    # Accepted the day before at 16:00 with 一日办结: due on the make-up day at 16:00, not 12:00.
    assert local(calendar.add(cst(2026, 10, 9, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2026, 10, 10, 16, 0)
    # Accepted on the make-up day itself in the afternoon.
    assert local(calendar.add(cst(2026, 10, 10, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2026, 10, 12, 16, 0)
    assert local(calendar.add(cst(2026, 10, 10, 15, 0), 20, MINUTES)) == dt.datetime(
        2026, 10, 10, 15, 20)
    # 20 minutes from 17:20: ten that day, Sunday closed, ten on Monday.
    assert local(calendar.add(cst(2026, 10, 10, 17, 20), 20, MINUTES)) == dt.datetime(
        2026, 10, 12, 9, 10)


def test_saturday_service_morning_counts_for_minutes_and_hours():
    calendar = saturday_centre()
    saturday = dt.date(2026, 10, 17)
    assert calendar.status(saturday).kind == REST_DAY
    assert not calendar.is_working_day(saturday)
    assert calendar.hours_on(saturday) == SATURDAY_MORNING
    # The seal (20 minutes) accepted Saturday 10:00 is due 10:20 that morning.
    assert local(calendar.add(cst(2026, 10, 17, 10, 0), 20, MINUTES)) == dt.datetime(
        2026, 10, 17, 10, 20)
    assert local(calendar.add(cst(2026, 10, 17, 10, 0), 2, WORKING_HOURS)) == dt.datetime(
        2026, 10, 17, 12, 0)  # the closing minute itself
    assert local(calendar.add(cst(2026, 10, 17, 11, 50), 20, MINUTES)) == dt.datetime(
        2026, 10, 19, 9, 10)
    assert calendar.open_minutes_between(cst(2026, 10, 16, 17, 0), cst(2026, 10, 19, 9, 30)) == 240
    # A centre closed on Saturdays starts the same seal on Monday morning.
    assert local(weekday_centre().add(cst(2026, 10, 17, 10, 0), 20, MINUTES)) == dt.datetime(
        2026, 10, 19, 9, 20)


def test_saturday_service_morning_is_not_a_working_day_for_day_limits():
    calendar = saturday_centre()
    # Friday 16:00 + 1 working day: Saturday is skipped, Monday keeps the time of day.
    assert local(calendar.add(cst(2026, 10, 16, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2026, 10, 19, 16, 0)
    # Accepted during the Saturday service morning: the working-day clock starts at Monday's
    # opening, so the case is due when one accepted Monday 09:00 would be.
    saturday = calendar.add(cst(2026, 10, 17, 10, 0), 1, WORKING_DAYS)
    assert local(saturday) == dt.datetime(2026, 10, 20, 9, 0)
    assert saturday == calendar.add(cst(2026, 10, 19, 9, 0), 1, WORKING_DAYS)
    assert local(calendar.add(cst(2026, 10, 17, 10, 0), 3, WORKING_DAYS)) == dt.datetime(
        2026, 10, 22, 9, 0)


def test_holidays_close_the_centre_even_on_its_service_saturday():
    calendar = saturday_centre()
    assert calendar.status(dt.date(2026, 10, 3)) == DayStatus(HOLIDAY, "国庆节", True)  # Saturday
    assert calendar.hours_on(dt.date(2026, 10, 3)) == ()
    assert local(calendar.add(cst(2026, 9, 30, 17, 20), 20, MINUTES)) == dt.datetime(
        2026, 10, 8, 9, 10)


def test_overrides_open_or_close_a_saturday():
    opened = saturday_centre(overrides={dt.date(2026, 10, 17): True})
    assert opened.status(dt.date(2026, 10, 17)).kind == MAKE_UP_DAY
    assert opened.hours_on(dt.date(2026, 10, 17)) == WEEKDAY
    assert local(opened.add(cst(2026, 10, 16, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2026, 10, 17, 16, 0)
    closed = saturday_centre(overrides={dt.date(2026, 10, 17): False})
    assert closed.hours_on(dt.date(2026, 10, 17)) == ()
    assert local(closed.add(cst(2026, 10, 17, 10, 0), 20, MINUTES)) == dt.datetime(
        2026, 10, 19, 9, 20)


# --- closing time and the year end -----------------------------------------------------------

def test_closing_minute_boundaries():
    calendar = weekday_centre()
    assert local(calendar.add(cst(2026, 11, 23, 17, 10), 20, MINUTES)) == dt.datetime(
        2026, 11, 23, 17, 30)
    assert local(calendar.add(cst(2026, 11, 23, 17, 30), 20, MINUTES)) == dt.datetime(
        2026, 11, 24, 9, 20)
    assert local(calendar.add(cst(2026, 11, 23, 17, 29), 1, WORKING_DAYS)) == dt.datetime(
        2026, 11, 24, 17, 29)
    assert local(calendar.add(cst(2026, 11, 23, 17, 30), 1, WORKING_DAYS)) == dt.datetime(
        2026, 11, 25, 9, 0)


def test_working_days_are_clipped_to_a_shorter_closing_time():
    hours = {day: WEEKDAY for day in range(1, 5)}
    calendar = WorkCalendar(opening_hours={**hours, 5: [(dt.time(9), dt.time(16))]})
    assert local(calendar.add(cst(2026, 11, 26, 17, 0), 1, WORKING_DAYS)) == dt.datetime(
        2026, 11, 27, 16, 0)  # Thursday 17:00 → Friday's closing


def test_new_years_eve_2026_never_falls_due_on_new_years_day():
    for calendar in (WorkCalendar(), saturday_centre()):
        assert calendar.is_official(dt.date(2026, 12, 31))
        assert not calendar.is_working_day(dt.date(2027, 1, 1))
        assert calendar.status(dt.date(2027, 1, 1)).name == "元旦"
        assert not calendar.is_official(dt.date(2027, 1, 1))  # computed: provisional
        # Thu 31 Dec 2026 16:00: Fri 1 Jan is New Year's Day, then the weekend.
        assert local(calendar.add(cst(2026, 12, 31, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
            2027, 1, 4, 16, 0)
        assert local(calendar.add(cst(2026, 12, 31, 16, 0), 3, WORKING_DAYS)) == dt.datetime(
            2027, 1, 6, 16, 0)
        assert local(calendar.add(cst(2026, 12, 31, 17, 30), 1, WORKING_DAYS)) == dt.datetime(
            2027, 1, 5, 9, 0)
        assert 2027 in calendar.guessed_years
    # 20 minutes from 17:20 on the year's last day: the weekend after 元旦 is part of the break,
    # so even a centre open Saturday mornings continues on Monday.
    for calendar in (weekday_centre(), saturday_centre()):
        assert calendar.hours_on(dt.date(2027, 1, 2)) == ()
        assert local(calendar.add(cst(2026, 12, 31, 17, 20), 20, MINUTES)) == dt.datetime(
            2027, 1, 4, 9, 10)
    # The week after, Saturday 9 January is an ordinary service morning again.
    assert saturday_centre().hours_on(dt.date(2027, 1, 9)) == SATURDAY_MORNING


def test_weekends_next_to_a_computed_holiday_are_part_of_the_break():
    calendar = saturday_centre()
    # 清明 Monday 5 April 2027: 3–5 April off, as the State Council lists such breaks.
    assert [calendar.status(dt.date(2027, 4, day)).kind for day in (2, 3, 4, 5, 6)] == [
        WORKDAY, HOLIDAY, HOLIDAY, HOLIDAY, WORKDAY]
    assert calendar.status(dt.date(2027, 4, 3)).name == calendar.status(dt.date(2027, 4, 5)).name
    # 元旦 2029 is a Monday: the last weekend of 2028 belongs to the break.
    assert calendar.status(dt.date(2028, 12, 30)).kind == HOLIDAY
    assert calendar.status(dt.date(2028, 12, 23)).kind == REST_DAY


def test_spring_festival_2027_is_computed_from_the_lunar_calendar():
    calendar = saturday_centre()
    # 除夕 Fri 5 Feb, 春节 6–8 Feb, and the two days carried over from the weekend (补假).
    for day in (5, 6, 7, 8, 9, 10):
        status = calendar.status(dt.date(2027, 2, day))
        assert status.kind == HOLIDAY and not status.official
        assert calendar.hours_on(dt.date(2027, 2, day)) == ()
    assert calendar.status(dt.date(2027, 2, 7)).name == "春节"
    assert calendar.is_working_day(dt.date(2027, 2, 11))
    assert local(calendar.add(cst(2027, 2, 4, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 11, 16, 0)


# A schedule as the State Council might publish it for 2027 (an example, not the real notice).
SCHEDULE_2027 = {
    **{dt.date(2027, 1, day): False for day in (1, 2, 3)},
    **{dt.date(2027, 2, day): False for day in range(5, 14)},
    dt.date(2027, 2, 20): True,
}


def test_loaded_schedule_overrides_the_computed_one():
    calendar = saturday_centre(schedules={2027: SCHEDULE_2027})
    assert calendar.source_of(2027) == LOADED
    assert calendar.is_official(dt.date(2027, 2, 11)) and calendar.is_official(dt.date(2027, 7, 1))
    assert not calendar.is_working_day(dt.date(2027, 2, 11))  # computed: working; loaded: off
    assert calendar.status(dt.date(2027, 2, 20)).kind == MAKE_UP_DAY
    assert calendar.hours_on(dt.date(2027, 2, 20)) == WEEKDAY
    assert calendar.hours_on(dt.date(2027, 1, 2)) == ()  # listed as off: LY stays closed
    assert calendar.status(dt.date(2027, 2, 27)).kind == REST_DAY
    assert calendar.status(dt.date(2027, 2, 15)).kind == WORKDAY
    assert local(calendar.add(cst(2027, 2, 4, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 15, 16, 0)
    assert local(calendar.add(cst(2027, 2, 19, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 20, 16, 0)
    assert not calendar.guessed_years
    # A centre override still wins over the loaded schedule.
    overridden = saturday_centre(schedules={2027: SCHEDULE_2027},
                                 overrides={dt.date(2027, 2, 15): False})
    assert local(overridden.add(cst(2027, 2, 4, 16, 0), 1, WORKING_DAYS)) == dt.datetime(
        2027, 2, 16, 16, 0)
