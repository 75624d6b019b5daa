"""Working days and opening hours on the official Chinese calendar, in China Standard Time.

Which days are working days, in order of precedence: the centre's (and national) overrides;
the State Council schedule loaded for the year (:mod:`models.official_schedule`);
the ``chinesecalendar`` package for the years it covers; for any other year the statutory holidays
and known 调休 swaps computed by the ``holidays`` package, marked as provisional (not official).

Each day is one of four kinds. On an ordinary working day the centre keeps its hours for that
weekday; a make-up working day (调休, a weekend day worked) keeps the centre's weekday hours; an
ordinary rest day (a weekend outside any holiday) keeps whatever service hours the centre opens
then (e.g. Saturday mornings); a holiday closes the centre. Minute and hour limits count every
opening minute, rest-day service included; day limits count working days only, keep the time of
day, and start at the first opening minute of a working day; natural days ignore the calendar.

Datetimes handed in may be naive UTC (as MongoDB stores them) or aware; results are naive UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import holidays as PACKAGE_HOLIDAYS
from chinese_calendar.constants import workdays as PACKAGE_WORKDAYS
import holidays

CHINA = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

# Limit units of a service item's time limits.
MINUTES = "minutes"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
NATURAL_DAYS = "natural_days"
UNITS = (MINUTES, WORKING_HOURS, WORKING_DAYS, NATURAL_DAYS)

# The kinds of day.
WORKDAY = "workday"  # an ordinary working day, Monday to Friday
MAKE_UP_DAY = "make_up_day"  # 调休: a weekend day worked
REST_DAY = "rest_day"  # an ordinary weekend day: not a working day, rest-day service hours apply
HOLIDAY = "holiday"  # a statutory holiday or a day off by override: closed

# Where a year's working days come from.
LOADED = "loaded"  # the State Council schedule loaded by the super-administrator
PACKAGE = "package"  # the chinesecalendar package
COMPUTED = "computed"  # the holidays package: statutory holidays, provisional

# The package names holidays in English; the console shows the Chinese names.
PACKAGE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}

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


@dataclass(frozen=True)
class DayStatus:
    """What one day is, why, and whether that answer is official."""

    kind: str
    name: str | None
    official: bool

    @property
    def is_working_day(self) -> bool:
        return self.kind in (WORKDAY, MAKE_UP_DAY)


@dataclass
class WorkCalendar:
    """A centre's working calendar: overrides by date, opening hours by ISO weekday (1 = Mon) and
    the loaded State Council schedules by year (date → True for a make-up working day, False for
    a holiday; days not listed follow the week)."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    opening_hours: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    schedules: Mapping[int, Mapping[dt.date, bool]] = field(default_factory=dict)
    # Years for which an answer came from the computed fallback, not an official schedule.
    guessed_years: set[int] = field(default_factory=set)
    # Statuses already worked out: deadline arithmetic asks about the same days again and again.
    _known: dict[dt.date, DayStatus] = field(default_factory=dict, init=False, repr=False,
                                             compare=False)

    def status(self, day: dt.date) -> DayStatus:
        """The kind of ``day``: override, loaded schedule, package, computed fallback."""
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._status(day)
        if not known.official and day not in self.overrides:
            self.guessed_years.add(day.year)
        return known

    def _status(self, day: dt.date) -> DayStatus:
        weekend = day.isoweekday() > 5
        if day in self.overrides:
            if self.overrides[day]:
                return DayStatus(MAKE_UP_DAY if weekend else WORKDAY, None, True)
            return DayStatus(HOLIDAY, None, True)
        if day.year in self.schedules:
            listed = self.schedules[day.year].get(day)
            if listed is None:
                return DayStatus(REST_DAY if weekend else WORKDAY, None, True)
            if listed:
                return DayStatus(MAKE_UP_DAY if weekend else WORKDAY, None, True)
            return DayStatus(HOLIDAY, None, True)
        if not package_covers(day.year):
            return _computed(day)
        # The package's own tables, read directly: its functions re-scan them on every call.
        if day in PACKAGE_WORKDAYS:
            return DayStatus(MAKE_UP_DAY if weekend else WORKDAY, None, True)
        if day in PACKAGE_HOLIDAYS:
            name = PACKAGE_HOLIDAYS[day]
            return DayStatus(HOLIDAY, PACKAGE_NAMES.get(name, name), True)
        return DayStatus(REST_DAY if weekend else WORKDAY, None, True)

    def is_working_day(self, day: dt.date) -> bool:
        """An official working day (make-up days included): what day limits count."""
        return self.status(day).is_working_day

    def is_official(self, day: dt.date) -> bool:
        """True when ``day``'s status is official: an override, a loaded schedule or the package;
        False when it only comes from the computed fallback (deadlines there are provisional)."""
        return self.status(day).official

    def source_of(self, year: int) -> str:
        """Where ``year``'s working days come from: loaded, package or computed."""
        if year in self.schedules:
            return LOADED
        return PACKAGE if package_covers(year) else COMPUTED

    def hours_on(self, day: dt.date) -> Sequence[Interval]:
        """Opening intervals on ``day``: none on holidays; the weekday hours on a working day
        (a make-up weekend day included); the centre's own service hours on a rest day."""
        kind = self.status(day).kind
        if kind == HOLIDAY:
            return ()
        configured = self.opening_hours or {weekday: DEFAULT_HOURS for weekday in range(1, 6)}
        if kind == REST_DAY:
            return sorted(configured.get(day.isoweekday()) or ())
        if kind == WORKDAY and configured.get(day.isoweekday()):
            return sorted(configured[day.isoweekday()])
        # A make-up day (or a working weekday the centre configured no hours for) is worked like an
        # ordinary weekday, never with a Saturday half-day.
        for weekday in range(1, 6):
            if configured.get(weekday):
                return sorted(configured[weekday])
        return ()

    def working_hours_on(self, day: dt.date) -> Sequence[Interval]:
        """Opening intervals on ``day`` if it is a working day, else none."""
        return self.hours_on(day) if self.is_working_day(day) else ()

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
        """Same time of day, ``days`` working days later, clipped to that day's closing time.

        The count starts at the first opening minute of a working day at or after ``local``: a
        case accepted Friday evening, or during a Saturday service morning (not a working day),
        plus one working day is due at Tuesday's opening, as if accepted Monday at opening.
        """
        day, time_of_day = self._next_working_moment(local)
        for _ in range(SEARCH_LIMIT_DAYS):
            if days == 0:
                break
            day += dt.timedelta(days=1)
            if self.is_working_day(day) and self.hours_on(day):
                days -= 1
        else:
            raise CalendarError("no working day within three years: check the calendar overrides")
        closes = max(interval[1] for interval in self.hours_on(day))
        return _at(day, min(time_of_day, closes))

    def _next_working_moment(self, local: dt.datetime) -> tuple[dt.date, dt.time]:
        """``local`` itself if it lies in a working day's opening hours, else the next opening of
        a working day."""
        day = local.date()
        for _ in range(SEARCH_LIMIT_DAYS):
            for opens, closes in self.working_hours_on(day):
                moment = max(local, _at(day, opens))
                if moment < _at(day, closes):
                    return day, moment.time()
            day += dt.timedelta(days=1)
        raise CalendarError("no working day within three years: check the calendar overrides")


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` package knows ``year``'s official schedule."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def computed_year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """``year``'s statutory holidays (date → Chinese name), with the weekends next to them, and
    the weekend days the ``holidays`` package knows as worked (调休), computed from the law and
    the lunar calendar."""
    # The neighbouring years too: 元旦 on a Monday makes the last weekend of December a holiday.
    table = holidays.China(years=(year - 1, year, year + 1), language="zh_CN")
    listed = {day: str(name) for day, name in table.items()}
    worked = frozenset(table.weekend_workdays)
    # The State Council always lists the weekend next to a holiday as part of the break
    # (元旦 on a Friday: 1–3 January off), so a centre open on Saturdays stays closed then.
    by_date = dict(listed)
    for day, name in listed.items():
        for step in (dt.timedelta(days=-1), dt.timedelta(days=1)):
            near = day + step
            while near.isoweekday() > 5 and near not in worked and near not in listed:
                by_date[near] = name
                near += step
    return ({day: name for day, name in by_date.items() if day.year == year},
            frozenset(day for day in worked if day.year == year))


def _computed(day: dt.date) -> DayStatus:
    holidays_by_date, worked = computed_year(day.year)
    weekend = day.isoweekday() > 5
    if day in holidays_by_date:
        return DayStatus(HOLIDAY, holidays_by_date[day], False)
    if day in worked:
        return DayStatus(MAKE_UP_DAY, None, False)
    return DayStatus(REST_DAY if weekend else WORKDAY, None, False)


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
