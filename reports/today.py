"""Today's figures of the home pages: per widget a count and its first few rows, each from one
indexed query over a scoped queryset (sub-tasks: one projected find of the open cases).

The functions take the user's scoped querysets and ``now`` (naive UTC), so tenancy stays in the
data layer and every boundary can be tested at an exact minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from mongoengine.queryset import QuerySet

from models import case as c
from models import complaint as m
from models import rating as r
from models.deadlines import late_tolerated_filter
from models.workdays import MINUTES, WorkCalendar, to_china, to_utc

# Rows shown per widget; the count and the "more" link tell about the rest.
TOP = 5
# Sub-task states whose clock runs (a waiting one has none yet, a 补正 one is paused).
RUNNING = c.RUNNING_SUBTASK_STATES


@dataclass
class Widget:
    """One box of a home page: how many, the first ``TOP`` of them, and the list with all."""

    count: int
    rows: list[Any] = field(default_factory=list)


# --- when is "soon" ---------------------------------------------------------------------------

def _closing_of(calendar: WorkCalendar, day: dt.date) -> dt.datetime | None:
    """The last closing time (naive China time) of ``day`` if it is a working day."""
    hours = calendar.working_hours_on(day)
    return dt.datetime.combine(day, max(closes for _opens, closes in hours)) if hours else None


def due_soon_until(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """Cases due before this moment (naive UTC) are "due soon": the later of one opening hour
    from ``now`` and today's closing time when today is a working day still open. So at 16:00
    everything due today counts, at 17:00 (closing 17:30) also the first half hour of the next
    working day, and on a Saturday or a holiday the first opening hour the centre works next."""
    hour_later = calendar.add(now, 60, MINUTES)
    closing = _closing_of(calendar, to_china(now).date())
    if closing is not None and to_utc(closing) > hour_later:
        return to_utc(closing)
    return hour_later


def complaints_due_soon_until(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime:
    """Complaints (limits in working days) are "due soon" until the close of the next working
    day after today."""
    day = to_china(now).date()
    for _ in range(370):
        day += dt.timedelta(days=1)
        closing = _closing_of(calendar, day)
        if closing is not None:
            return to_utc(closing)
    return now + dt.timedelta(days=1)  # a calendar without working days: tomorrow


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The China-time calendar day of ``now`` as naive-UTC [start, end)."""
    start = dt.datetime.combine(to_china(now).date(), dt.time())
    return to_utc(start), to_utc(start + dt.timedelta(days=1))


def _widget(queryset: QuerySet, order: str, fields: tuple[str, ...]) -> Widget:
    return Widget(queryset.count(), list(queryset.order_by(order).only(*fields).limit(TOP)))


# --- the clerk --------------------------------------------------------------------------------

CASE_FIELDS = ("number", "company_name", "centre", "state", "window", "due_at", "created_at",
               "accepted_at", "finished_at", "tolerated_due")


def clerk_today(cases: QuerySet, calendar: WorkCalendar, now: dt.datetime) -> dict[str, Widget]:
    """Open cases, due soon, overdue, ready for pick-up and late 容缺 of ``cases`` (the user's
    scoped cases, narrowed to their window when they are rostered on one)."""
    running = cases.filter(state=c.ACCEPTED, clock_stopped_at=None)
    today = to_china(now).date()
    return {
        "open": _widget(cases.filter(state__in=list(c.OPEN_STATES)), "-created_at", CASE_FIELDS),
        "due_soon": _widget(running.filter(due_at__gte=now,
                                           due_at__lt=due_soon_until(calendar, now)),
                            "due_at", CASE_FIELDS),
        "overdue": _widget(running.filter(due_at__lt=now), "due_at", CASE_FIELDS),
        "ready": _widget(cases.filter(state=c.READY), "finished_at", CASE_FIELDS),
        "late": _widget(cases.filter(**late_tolerated_filter(today)), "tolerated_due",
                        CASE_FIELDS),
    }


# --- the approver -----------------------------------------------------------------------------

# What a sub-task row shows, read with a projection of whole top-level fields: the embedded
# store then decodes only those of each case (not its materials and timeline), where a dotted
# projection decoded the whole case and copied the parts.
TASK_FIELDS = ("number", "company_name", "subtasks")


def _open_tasks(cases: QuerySet, agency: str | None = None) -> list[dict]:
    """The open sub-tasks (of ``agency``, if given) of ``cases``, one flat row each."""
    if cases._none or cases._empty:
        return []
    rows = []
    for case in cases.order_by().only(*TASK_FIELDS).as_pymongo():
        for task in case.get("subtasks") or ():
            if task.get("status") in c.OPEN_SUBTASK_STATES and agency in (None, task.get("agency")):
                rows.append({"_id": case["_id"], "number": case.get("number"),
                             "company_name": case.get("company_name"), **task})
    return rows


def _by_deadline(row: dict) -> tuple:
    deadline = row.get("deadline")
    return (deadline is None, deadline or dt.datetime.min, row.get("number") or "")


def approver_today(cases: QuerySet, agency: str, calendar: WorkCalendar,
                   now: dt.datetime) -> dict[str, Widget]:
    """The open sub-tasks of ``agency`` in ``cases`` (scoped): all of them (by deadline), due
    soon, overdue, waiting for a supplement (补正) and waiting for earlier items. One find,
    served by the ``(centre, open_agencies)`` index, bounded by the agency's open work."""
    until = due_soon_until(calendar, now)
    rows = sorted(_open_tasks(cases.filter(open_agencies=agency), agency), key=_by_deadline)

    def running(row: dict) -> bool:
        return row["status"] in RUNNING and row.get("deadline") is not None

    chosen = {
        "queue": rows,
        "due_soon": [row for row in rows if running(row) and now <= row["deadline"] < until],
        "overdue": [row for row in rows if running(row) and row["deadline"] < now],
        "supplement": [row for row in rows if row["status"] == c.SUPPLEMENT],
        "waiting": [row for row in rows if row["status"] == c.WAITING],
    }
    return {name: Widget(len(found), found[:TOP]) for name, found in chosen.items()}


# --- the complaint handler --------------------------------------------------------------------

COMPLAINT_FIELDS = ("number", "centre", "category", "subject_kind", "state", "due_at",
                    "received_at")
RECTIFICATION_FIELDS = ("number", "centre", "case_number", "state", "due_at", "opened_at")


def complaints_today(complaints: QuerySet, rectifications: QuerySet, calendar: WorkCalendar,
                     now: dt.datetime) -> dict[str, Widget]:
    """Open complaints (soonest deadline first), due soon, overdue, and open rectification
    tasks (差评整改); each served by a ``(centre, state, due_at)`` index."""
    open_ = complaints.filter(state__in=list(m.OPEN_STATES))
    until = complaints_due_soon_until(calendar, now)
    return {
        "open": _widget(open_, "due_at", COMPLAINT_FIELDS),
        "due_soon": _widget(open_.filter(due_at__gte=now, due_at__lt=until), "due_at",
                            COMPLAINT_FIELDS),
        "overdue": _widget(open_.filter(due_at__lt=now), "due_at", COMPLAINT_FIELDS),
        "rectifications": _widget(rectifications.filter(state__in=[r.OPEN, r.IN_PROGRESS]),
                                  "due_at", RECTIFICATION_FIELDS),
    }


# --- the centre's administrator and supervisor ------------------------------------------------

@dataclass
class CentreFigures:
    """Today's key figures of one centre."""

    open: int
    accepted_today: int
    delivered_today: int
    overdue: int
    complaints_open: int
    # Open sub-tasks overdue now: how many cases hold one, and the most overdue of them.
    overdue_task_cases: int = 0
    most_overdue: list[dict] = field(default_factory=list)


def overdue_cases(cases: QuerySet, now: dt.datetime) -> QuerySet:
    """Accepted cases past their promised time whose clock runs (补正 time is the applicant's)."""
    return cases.filter(state=c.ACCEPTED, clock_stopped_at=None, due_at__lt=now)


def overdue_subtasks(cases: QuerySet, now: dt.datetime, limit: int | None = None) -> list[dict]:
    """The open sub-tasks overdue at ``now`` (clock running, deadline passed; a 补正 pause is
    the applicant's time), one row each with its case, window, agency, item, assignee and
    deadline, oldest deadline first. One range on the ``(centre, task_due)`` index selects the
    cases holding one (``task_due``, their earliest running deadline, lies before now); only
    those cases are read, never the centre's other open cases.

    ``limit`` reads that many cases in ``task_due`` order: the first ``limit``
    cases hold the ``limit`` most overdue sub-tasks (a case's earliest deadline is its
    ``task_due``, so a case further down has none older than the ones above it)."""
    if cases._none or cases._empty:
        return []
    rows = []
    found = cases.filter(task_due__lt=now).order_by("task_due", "id").only(
        *TASK_FIELDS, "centre", "window")
    if limit is not None:
        found = found.limit(limit)
    for case in found.as_pymongo():
        for task in case.get("subtasks") or ():
            deadline = task.get("deadline")
            if task.get("status") in RUNNING and deadline is not None and deadline < now:
                rows.append({"_id": case["_id"], "number": case.get("number"),
                             "centre": case.get("centre"), "window": case.get("window"),
                             "company_name": case.get("company_name"), **task})
    return sorted(rows, key=_by_deadline)


# The most overdue sub-tasks a home page and the dashboard show; the count and the full list
# (/statistics/overdue-now) tell about the rest (a busy centre holds hundreds).
MOST_OVERDUE = 10


def most_overdue(cases: QuerySet, now: dt.datetime,
                 limit: int = MOST_OVERDUE) -> tuple[int, list[dict]]:
    """How many cases hold an open sub-task overdue at ``now`` (a count on the
    ``(centre, task_due)`` index) and the ``limit`` most overdue sub-tasks, read from the first
    ``limit`` of those cases on the same index."""
    if cases._none or cases._empty:
        return 0, []
    count = cases.filter(task_due__lt=now).count()
    return count, overdue_subtasks(cases, now, limit=limit)[:limit] if count else []


def centre_today(cases: QuerySet, complaints: QuerySet, now: dt.datetime) -> CentreFigures:
    """Open cases, accepted and delivered today (China time), overdue cases, open complaints
    and the most overdue open sub-tasks: counts on the ``(centre, state, …)``,
    ``(centre, accepted_at)`` and ``(centre, handover.at)`` indexes, the sub-tasks from the first
    cases the ``(centre, task_due)`` index finds, with how many it finds."""
    start, end = day_bounds(now)
    overdue_count, most = most_overdue(cases, now)
    return CentreFigures(
        open=cases.filter(state__in=list(c.OPEN_STATES)).count(),
        accepted_today=cases.filter(accepted_at__gte=start, accepted_at__lt=end).count(),
        delivered_today=cases.filter(handover__at__gte=start, handover__at__lt=end).count(),
        overdue=overdue_cases(cases, now).count(),
        complaints_open=complaints.filter(state__in=list(m.OPEN_STATES)).count(),
        overdue_task_cases=overdue_count, most_overdue=most,
    )


# --- the super-administrator ------------------------------------------------------------------

def centres_overview(centres: list[tuple[str, str]], cases: QuerySet, complaints: QuerySet,
                     now: dt.datetime) -> list[dict]:
    """Per centre (code, name): open cases, overdue cases, cases holding an open sub-task
    overdue now, open complaints: four counts per centre, each on an index led by the centre
    (the sub-tasks themselves are the centre page's, which reads those cases)."""
    return [{
        "code": code, "name": name,
        "open": cases.filter(centre=code, state__in=list(c.OPEN_STATES)).count(),
        "overdue": overdue_cases(cases.filter(centre=code), now).count(),
        "overdue_task_cases": cases.filter(centre=code, task_due__lt=now).count(),
        "complaints_open": complaints.filter(centre=code,
                                             state__in=list(m.OPEN_STATES)).count(),
    } for code, name in centres]
