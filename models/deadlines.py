"""Deadlines of a centre's cases: its working calendar, its whole-case limit, and the
normal / warning / overdue state (正常 / 预警 / 逾期) of a case or sub-task."""

from __future__ import annotations

import datetime as dt

from mongoengine import signals

from models import case as c
from models import memory, stamps
from models.centre import ServiceCentre
from models.official_schedule import OfficialSchedule
from models.workcalendar import CalendarOverride, work_calendar
from models.workdays import WORKING_DAYS, WorkCalendar

DEFAULT_CASE_LIMIT = (1, WORKING_DAYS)  # 一日办结
DEFAULT_WARNING_PERCENT = 80


CALENDAR_STAMP = "calendar"
# Each centre's calendar as built by this process, with the calendar stamp it was built at (and
# the database it was read from: tests and tools open several in one process).
_calendars: dict[tuple[int, str], tuple[str, WorkCalendar]] = {}


def calendar_for(centre_code: str) -> WorkCalendar:
    """The centre's calendar: national and centre overrides, the centre's opening hours and the
    loaded State Council schedules. Built once per process until any of those changes (every
    write to them bumps the calendar stamp: :func:`watch_calendar_data`), so a page costs one
    read of the stamp instead of three collections."""
    return memory.cached(("calendar", centre_code), lambda: _current_calendar(centre_code))


def _current_calendar(centre_code: str) -> WorkCalendar:
    # The stamp is read before the data: a write landing in between leaves a calendar labelled
    # with the older stamp, which the next reader replaces.
    stamp = stamps.current(CALENDAR_STAMP)
    key = (id(stamps.ChangeStamp._get_db()), centre_code)
    held = _calendars.get(key)
    if held is None or held[0] != stamp:
        held = _calendars[key] = (stamp, work_calendar(centre_code))
    return held[1]


def _calendar_changed(sender: type, **kwargs: object) -> None:
    stamps.bump(CALENDAR_STAMP)


def watch_calendar_data() -> None:
    """Bump the calendar stamp after every save, delete or bulk insert of centres (their opening
    hours), calendar overrides and official schedules (``load_schedule`` bumps it itself)."""
    for document in (ServiceCentre, CalendarOverride, OfficialSchedule):
        for signal in (signals.post_save, signals.post_delete, signals.post_bulk_insert):
            signal.connect(_calendar_changed, sender=document, weak=False)


def case_limit(centre_code: str) -> tuple[int, str]:
    """The centre's whole-case limit (default: one working day)."""
    return memory.cached(("case_limit", centre_code), lambda: _case_limit(centre_code))


def case_due(centre_code: str, now: dt.datetime, items) -> dt.datetime:
    """When a case accepted (or given items) at ``now`` is due: the centre's whole-case limit, or
    the longest promised limit among ``items`` when that is longer (a tobacco licence promised
    in 10 working days at a professional window is not late on its second day)."""
    calendar = calendar_for(centre_code)
    amount, unit = case_limit(centre_code)
    due = calendar.add(now, amount, unit)
    for item in items:
        if item.promised_limit and item.promised_unit:
            due = max(due, calendar.add(now, item.promised_limit, item.promised_unit))
    return due


def _case_limit(centre_code: str) -> tuple[int, str]:
    centre = ServiceCentre.objects(code=centre_code).first()
    amount = getattr(centre, "case_limit", None) if centre else None
    unit = getattr(centre, "case_limit_unit", None) if centre else None
    return (amount, unit) if amount and unit else DEFAULT_CASE_LIMIT


def deadline_state(
    calendar: WorkCalendar,
    start: dt.datetime | None,
    due: dt.datetime | None,
    now: dt.datetime,
    warning_percent: int = DEFAULT_WARNING_PERCENT,
    finished: dt.datetime | None = None,
) -> str:
    """Overdue past ``due``; warning once ``warning_percent`` of the open time has passed."""
    if not (start and due):
        return c.NORMAL
    moment = finished or now
    if moment > due:
        return c.OVERDUE
    total = calendar.open_minutes_between(start, due)
    used = calendar.open_minutes_between(start, moment)
    if total and used * 100 >= total * warning_percent:
        return c.WARNING
    return c.NORMAL


def subtask_deadline_state(calendar: WorkCalendar, task: c.SubTask, now: dt.datetime) -> str:
    """A sub-task's state, counted from when it could start (a sub-task waiting for earlier
    items has no clock yet); a paused one (补正) is measured at the moment it stopped."""
    moment = now
    if task.status == c.SUPPLEMENT and task.pauses:
        moment = task.pauses[-1].started_at
    finished = task.finished_at if task.status in (c.DONE, c.DROPPED) else None
    return deadline_state(calendar, task.clock_start, task.deadline, moment,
                          task.warning_percent or DEFAULT_WARNING_PERCENT, finished)


def case_deadline_state(calendar: WorkCalendar, case: c.Case, now: dt.datetime) -> str:
    """The whole case's state. While its clock is stopped (every open sub-task waits for the
    applicant) it is measured at the moment the clock stopped: the applicant's time is never
    counted against the centre."""
    moment = now
    if case.clock_paused:
        moment = case.clock_pauses[-1].started_at
    return deadline_state(calendar, case.clock_from or case.accepted_at, case.due_at, moment,
                          DEFAULT_WARNING_PERCENT, case.finished_at)


def late_tolerated(case: c.Case, today: dt.date) -> list[c.MaterialReceipt]:
    """容缺 materials still outstanding after the date the applicant promised (none on a
    rejected or withdrawn case: its applicant owes nothing any more)."""
    if case.state in c.ENDED_UNDELIVERED:
        return []
    return [row for row in case.materials
            if row.state == c.TOLERATED and row.promised_on and row.promised_on < today]


def late_tolerated_filter(today: dt.date) -> dict:
    """The case query for "a 容缺 material is overdue": the earliest outstanding promise is
    before ``today`` (``tolerated_due`` is kept by the lifecycle on every write)."""
    return {"tolerated_due__lt": today}


def clear_ended_tolerated_due(centre: str) -> int:
    """Clear ``tolerated_due`` on the centre's rejected and withdrawn cases stored before the
    lifecycle stopped keeping it for them (their applicant owes nothing any more), so an
    upgraded store's late-容缺 list and counts are right at once. Only that derived field is
    written. Returns the number of cases corrected."""
    result = c.Case._get_collection().update_many(
        {"centre": centre, "state": {"$in": list(c.ENDED_UNDELIVERED)},
         "tolerated_due": {"$ne": None}},
        {"$set": {"tolerated_due": None}},
    )
    return result.modified_count
