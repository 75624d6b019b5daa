"""Working days and opening hours on the official Chinese calendar, in China Standard Time.

A day is a working day if the centre's calendar overrides say so, else if the official schedule
(the ``chinesecalendar`` package: holidays and make-up working days, 调休) says so. For a year the
package does not cover yet, weekends are days off and the answer is marked as a guess, so screens
can say so instead of crashing. Minutes and working hours count only inside the centre's opening
hours on working days; working days keep the time of day; natural days ignore the calendar.

Datetimes handed in may be naive UTC (as MongoDB stores them) or aware; results are naive UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

# Limit units of a service item's time limits.
MINUTES = "minutes"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
NATURAL_DAYS = "natural_days"
UNITS = (MINUTES, WORKING_HOURS, WORKING_DAYS, NATURAL_DAYS)

# A window of opening time on one day: (opens, closes).
Interval = tuple[dt.time, dt.time]

# Standard government office hours, used when a centre has configured none.
DEFAULT_HOURS: tuple[Interval, ...] = (
    (dt.time(9, 0), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(17, 30)),
)

# No search runs further than this many days ahead (a misconfigured centre with no opening hours
# must not loop forever).
SEARCH_LIMIT_DAYS = 3 * 366


class CalendarError(ValueError):
    """The calendar cannot answer (e.g. no opening hours on any working day)."""


@dataclass
class WorkCalendar:
    """A centre's working calendar: overrides by date and opening hours by ISO weekday (1 = Mon)."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    opening_hours: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    # Years for which an answer came from the weekend rule, not the official schedule.
    guessed_years: set[int] = field(default_factory=set)

    def is_working_day(self, day: dt.date) -> bool:
        """Overrides first, then the official schedule, then (unknown year) Monday to Friday."""
        if day in self.overrides:
            return bool(self.overrides[day])
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.guessed_years.add(day.year)
            return day.isoweekday() <= 5

    def is_official(self, day: dt.date) -> bool:
        """True when ``day`` is covered by an override or the official schedule."""
        if day in self.overrides:
            return True
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            return False
        return True

    def hours_on(self, day: dt.date) -> Sequence[Interval]:
        """Opening intervals on ``day``: none on days off. A make-up working day that falls on a
        weekend the centre is normally closed keeps the hours of an ordinary weekday."""
        if not self.is_working_day(day):
            return ()
        configured = self.opening_hours or {weekday: DEFAULT_HOURS for weekday in range(1, 6)}
        hours = configured.get(day.isoweekday())
        if hours:
            return sorted(hours)
        for weekday in range(1, 6):
            if configured.get(weekday):
                return sorted(configured[weekday])
        return ()

    # --- deadline arithmetic -------------------------------------------------------------------

    def add(self, start: dt.datetime, amount: float, unit: str) -> dt.datetime:
        """The deadline ``amount`` ``unit`` after ``start`` (naive UTC in, naive UTC out)."""
        if amount < 0:
            raise CalendarError("a time limit cannot be negative")
        local = to_china(start)
        if unit == MINUTES:
            result = self._add_open_minutes(local, amount)
        elif unit == WORKING_HOURS:
            result = self._add_open_minutes(local, amount * 60)
        elif unit == WORKING_DAYS:
            result = self._add_working_days(local, int(amount))
        elif unit == NATURAL_DAYS:
            result = local + dt.timedelta(days=amount)
        else:
            raise CalendarError(f"unknown time-limit unit {unit!r}")
        return to_utc(result)

    def open_minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Minutes of opening time between two instants (for time-per-stage statistics)."""
        local_start, local_end = to_china(start), to_china(end)
        if local_end <= local_start:
            return 0.0
        total = 0.0
        day = local_start.date()
        while day <= local_end.date():
            for opens, closes in self.hours_on(day):
                lo = max(local_start, _at(day, opens))
                hi = min(local_end, _at(day, closes))
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            day += dt.timedelta(days=1)
        return total

    def _add_open_minutes(self, local: dt.datetime, minutes: float) -> dt.datetime:
        remaining = dt.timedelta(minutes=minutes)
        day = local.date()
        for _ in range(SEARCH_LIMIT_DAYS):
            for opens, closes in self.hours_on(day):
                lo = max(local, _at(day, opens))
                hi = _at(day, closes)
                if hi <= lo:
                    continue
                if lo + remaining <= hi:
                    return lo + remaining
                remaining -= hi - lo
            day += dt.timedelta(days=1)
        raise CalendarError("no opening hours within three years: check the centre's opening hours")

    def _add_working_days(self, local: dt.datetime, days: int) -> dt.datetime:
        """Same time of day, ``days`` working days later. A start outside opening hours counts
        from the next opening, so Friday evening plus one working day is Tuesday's opening."""
        day, time_of_day = self._next_open_moment(local)
        for _ in range(SEARCH_LIMIT_DAYS):
            if days == 0:
                break
            day += dt.timedelta(days=1)
            if self.hours_on(day):
                days -= 1
        else:
            raise CalendarError("no working day within three years: check the calendar overrides")
        closes = max(interval[1] for interval in self.hours_on(day))
        return _at(day, min(time_of_day, closes))

    def _next_open_moment(self, local: dt.datetime) -> tuple[dt.date, dt.time]:
        """``local`` itself if the centre is open then, else the next opening."""
        day = local.date()
        for _ in range(SEARCH_LIMIT_DAYS):
            for opens, closes in self.hours_on(day):
                moment = max(local, _at(day, opens))
                if moment < _at(day, closes):
                    return day, moment.time()
            day += dt.timedelta(days=1)
        raise CalendarError("no working day within three years: check the calendar overrides")


def to_china(moment: dt.datetime) -> dt.datetime:
    """Naive China Standard Time for a naive-UTC or aware datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).replace(tzinfo=None)


def to_utc(local: dt.datetime) -> dt.datetime:
    """Naive UTC for a naive China Standard Time datetime."""
    return local.replace(tzinfo=CHINA).astimezone(UTC).replace(tzinfo=None)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time)
