"""Open sub-tasks overdue now, most overdue first, traced to case, agency, step, window and
who works it (超时间、超环节溯源): the few the dashboard and the centre's home page show, and the
full list they link to, a page at a time. Every read is a count or a ``task_due``-ordered range
on the ``(centre, task_due)`` index (:func:`reports.today.overdue_subtasks`)."""

from __future__ import annotations

from collections.abc import Sequence
import datetime as dt

from models.case import Case
from models.deadlines import calendar_for
from models.people import person, remember_people
from models.workdays import to_china
from reports.statistics import window_names
from reports.today import MOST_OVERDUE, overdue_subtasks

PAGE_SIZE = 50


def traced(rows: list[dict], now: dt.datetime, windows: dict[str, str]) -> list[dict]:
    """Each overdue sub-task as a line of the table: case, agency, step, deadline (China time),
    working minutes overrun on its centre's calendar, window that took the case, assignee."""
    calendars: dict[str, object] = {}
    lines = []
    remember_people(row.get("assignee") for row in rows)
    for row in rows:
        centre = row.get("centre") or ""
        calendar = calendars.setdefault(centre, calendar_for(centre))
        lines.append({
            "case_id": str(row["_id"]), "number": row.get("number") or "",
            "company_name": row.get("company_name") or "",
            "agency": row.get("agency") or "",
            "agency_name": row.get("agency_name") or row.get("agency") or "",
            "item": row.get("item_name") or row.get("item") or "",
            "deadline": to_china(row["deadline"]).strftime("%Y-%m-%d %H:%M"),
            "minutes": round(calendar.open_minutes_between(row["deadline"], now)),
            "window": windows.get(str(row.get("window")), ""),
            # the colleague (石晓雯), not the login; an exported or printed table names them too
            "assignee": person(row.get("assignee")),
        })
    return lines


def most_overdue(centres: Sequence[str], now: dt.datetime,
                 limit: int = MOST_OVERDUE) -> tuple[int, list[dict]]:
    """How many cases of ``centres`` hold an open sub-task overdue at ``now`` and the ``limit``
    most overdue of those sub-tasks, traced."""
    count, rows, _more = page(centres, now, 0, limit)
    return count, rows


def page(centres: Sequence[str], now: dt.datetime, number: int,
         size: int = PAGE_SIZE) -> tuple[int, list[dict], bool]:
    """The count of cases holding an overdue sub-task, page ``number`` (from 0) of the overdue
    sub-tasks, ``size`` a page, most overdue first, and whether another page follows. The first
    ``k`` sub-tasks lie in the first ``k`` cases of each centre by ``task_due``, so a page reads
    at most ``(number + 1) * size + 1`` cases per centre, never all of them."""
    count = sum(Case.objects(centre=centre, task_due__lt=now).count() for centre in centres)
    if not count:
        return 0, [], False
    wanted = (number + 1) * size
    rows = []
    for centre in centres:
        rows += overdue_subtasks(Case.objects(centre=centre), now, limit=wanted + 1)
    rows.sort(key=lambda row: (row["deadline"], row.get("number") or "", row.get("key") or ""))
    shown = rows[number * size:wanted]
    return count, traced(shown, now, window_names(centres) if shown else {}), len(rows) > wanted
