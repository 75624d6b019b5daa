"""The centre's lists as the seeds' annexes (综合窗口受理事项清单、窗口工作人员名单、联络员名单、
窗口周排班表), each one :class:`~reports.document.Printable` from records already scoped to the
centre."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
from typing import Any

from flask_babel import gettext

from forms.validators import mask_phone
from models.choices import LIMIT_UNITS, SHIFTS, STAFF_ROLES, WEEKDAYS, WINDOW_KINDS, label
from models.roster import week_entries
from models.workcalendar import week_of
from reports.document import Heading, Printable, Table


def _name(reference: Any) -> str:
    return "" if reference is None else str(getattr(reference, "name", reference))


def window_items(centre: str, windows: Iterable[Any], all_items: list[Any],
                 today: dt.date) -> Printable:
    """Every item each window takes in, with its agency and promised limit."""
    rows = []
    for window in windows:
        items = all_items if window.accepts_all_items else list(window.items)
        for item in items or [None]:
            rows.append([window.counter, window.name, label(WINDOW_KINDS, window.kind),
                         item.name if item else "", _name(item.agency) if item else "",
                         f"{item.promised_limit} {label(LIMIT_UNITS, item.promised_unit)}"
                         if item else ""])
    table = Table([gettext("Counter number"), gettext("Window"), gettext("Kind"),
                   gettext("Service item"), gettext("Agency"), gettext("Promised limit")],
                  rows, [1, 2.2, 1.6, 4, 2, 1.4], empty=gettext("None"))
    return Printable(centre=centre, title=gettext("Items taken in at the windows"), date=today,
                     blocks=[table], filename="window-items")


def staff_list(centre: str, staff: Iterable[Any], today: dt.date) -> Printable:
    rows = [[member.name, _name(member.agency), label(STAFF_ROLES, member.role),
             "、".join(_name(item) for item in member.items), mask_phone(member.phone)]
            for member in staff if member.active]
    table = Table([gettext("Full name"), gettext("Seconding agency"), gettext("Role"),
                   gettext("Trained for items"), gettext("Mobile phone")], rows,
                  [1.2, 2, 1.5, 4, 1.6], empty=gettext("None"))
    return Printable(centre=centre, title=gettext("Window staff list"), date=today,
                     blocks=[table], filename="window-staff")


def liaison_list(centre: str, agencies: Iterable[Any], today: dt.date) -> Printable:
    """The agencies' liaisons with their phones in full: the list exists so the window can call
    them, and a liaison's number is a work number the agency publishes for that use (unlike a
    resident's ID number or an applicant's or staff member's own phone, masked everywhere)."""
    rows = [[agency.name, person.name, person.post or "", person.phone or "",
             person.email or ""]
            for agency in agencies for person in agency.liaisons]
    table = Table([gettext("Agency"), gettext("Liaison"), gettext("Post"),
                   gettext("Mobile phone"), gettext("Email")], rows, [2.5, 1.2, 2, 1.6, 2.5],
                  empty=gettext("None"))
    return Printable(centre=centre, title=gettext("Liaison list"), date=today, blocks=[table],
                     filename="liaisons")


def week_roster(centre_code: str, centre: str, windows: Iterable[Any], day: dt.date,
                today: dt.date) -> Printable:
    """Each window's week: one row per day, the staff of each shift."""
    days = week_of(day)
    blocks: list[Any] = []
    for window in windows:
        grid = week_entries(centre_code, window, day)
        rows = []
        for each in days:
            by_shift = {code: "、".join(_name(entry.staff) for entry in grid.get(each, [])
                                      if entry.shift == code) for code, _text in SHIFTS}
            rows.append([each.isoformat(), label(WEEKDAYS, each.weekday()),
                         *(by_shift[code] for code, _text in SHIFTS)])
        blocks += [Heading(f"{window.counter} {window.name}"),
                   Table([gettext("Date"), gettext("Weekday"),
                          *(str(text) for _code, text in SHIFTS)], rows, [1.4, 1, 2, 2, 2])]
    return Printable(centre=centre, title=gettext("Week roster"), date=today,
                     reference=f"{days[0].isoformat()} – {days[-1].isoformat()}",
                     blocks=blocks, filename=f"roster-{days[0].isoformat()}")
