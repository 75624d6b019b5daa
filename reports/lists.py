"""What each export holds: the columns of the case list, windows, staff, rosters, items with
their materials and complaints, personal data masked as on the screens."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext

from forms.validators import mask_id_number, mask_phone
from models import case as c
from models import complaint as cm
from models.choices import (
    LIMIT_UNITS,
    MATERIAL_FORMS,
    MATERIAL_REQUIREMENTS,
    SHIFTS,
    STAFF_ROLES,
    WINDOW_KINDS,
    label,
)
from models.people import person
from reports.exports import Column


def _local(moment) -> str:
    return c.format_local(moment) if moment else ""


def _name(reference) -> str:
    return "" if reference is None else str(getattr(reference, "name", reference))


def _yes(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


def case_columns() -> list[Column]:
    return [
        Column(gettext("Case number"), lambda case: case.number),
        Column(gettext("Proposed name"), lambda case: case.company_name),
        Column(gettext("State"), lambda case: label(c.CASE_STATES, case.state)),
        Column(gettext("Mode"), lambda case: label(c.CASE_MODES, case.mode)),
        Column(gettext("Window"), lambda case: str(case.window) if case.window else ""),
        Column(gettext("Accepting clerk"), lambda case: person(case.clerk)),
        Column(gettext("Items"), lambda case: "、".join(case.items)),
        Column(gettext("Legal representative"), lambda case: case.legal_rep_name),
        Column(gettext("Resident ID number"), lambda case: mask_id_number(case.legal_rep_id)),
        Column(gettext("Contact phone"), lambda case: mask_phone(case.phone)),
        Column(gettext("Registered address"), lambda case: case.address),
        Column(gettext("Unified social credit code"), lambda case: case.credit_code or ""),
        Column(gettext("Created at"), lambda case: _local(case.created_at)),
        Column(gettext("Accepted at"), lambda case: _local(case.accepted_at)),
        Column(gettext("Due"), lambda case: _local(case.due_at)),
        Column(gettext("Finished at"), lambda case: _local(case.finished_at)),
    ]


def window_columns() -> list[Column]:
    return [
        Column(gettext("Code"), lambda w: w.code),
        Column(gettext("Counter number"), lambda w: w.counter),
        Column(gettext("Name"), lambda w: w.name),
        Column(gettext("Kind"), lambda w: label(WINDOW_KINDS, w.kind)),
        Column(gettext("Keeping agency (professional window)"), lambda w: _name(w.agency)),
        Column(gettext("Accepted items"),
               lambda w: gettext("All items") if w.accepts_all_items
               else "、".join(_name(item) for item in w.items)),
        Column(gettext("Open"), lambda w: _yes(w.is_open)),
    ]


def staff_columns() -> list[Column]:
    return [
        Column(gettext("Full name"), lambda s: s.name),
        Column(gettext("Seconding agency"), lambda s: _name(s.agency)),
        Column(gettext("Role"), lambda s: label(STAFF_ROLES, s.role)),
        Column(gettext("Trained for items"), lambda s: "、".join(_name(i) for i in s.items)),
        Column(gettext("Training date"), lambda s: s.trained_on.isoformat() if s.trained_on
               else ""),
        Column(gettext("Mobile phone"), lambda s: mask_phone(s.phone)),
        Column(gettext("Active"), lambda s: _yes(s.active)),
    ]


def roster_columns() -> list[Column]:
    return [
        Column(gettext("Date"), lambda r: r.date.isoformat()),
        Column(gettext("Shift"), lambda r: label(SHIFTS, r.shift)),
        Column(gettext("Window"), lambda r: str(r.window) if r.window else ""),
        Column(gettext("Staff"), lambda r: _name(r.staff)),
        Column(gettext("Note"), lambda r: r.note or ""),
    ]


def item_columns() -> list[Column]:
    """One row per material of each item (the item's own columns repeated)."""
    def material(attr, render=str):
        return lambda row: render(getattr(row[1], attr)) if row[1] is not None else ""

    return [
        Column(gettext("Code"), lambda row: row[0].code),
        Column(gettext("Service item"), lambda row: row[0].name),
        Column(gettext("Agency"), lambda row: _name(row[0].agency)),
        Column(gettext("Promised limit"), lambda row: f"{row[0].promised_limit} "
               f"{label(LIMIT_UNITS, row[0].promised_unit)}"),
        Column(gettext("Statutory limit"), lambda row: f"{row[0].statutory_limit} "
               f"{label(LIMIT_UNITS, row[0].statutory_unit)}"),
        Column(gettext("Fee (yuan)"), lambda row: str(row[0].fee or 0)),
        Column(gettext("Material"), material("name")),
        Column(gettext("Copies"), lambda row: row[1].copies if row[1] is not None else ""),
        Column(gettext("Original or copy"), material("form",
                                                     lambda v: label(MATERIAL_FORMS, v))),
        Column(gettext("Requirement"), material("requirement",
                                                lambda v: label(MATERIAL_REQUIREMENTS, v))),
        Column(gettext("Review points"), material("review_points", "；".join)),
    ]


def item_rows(items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    for item in items:
        yield from ((item, m) for m in item.materials) if item.materials else [(item, None)]


def complaint_columns() -> list[Column]:
    """The complaint list's columns and what the complaint page adds; the complainant's phone
    masked, an anonymous complainant's name left out."""
    def upheld(complaint) -> str:
        return "" if complaint.upheld is None else _yes(complaint.upheld)

    return [
        Column(gettext("Complaint number"), lambda x: x.number),
        Column(gettext("Received at"), lambda x: _local(x.received_at)),
        Column(gettext("Channel"), lambda x: label(cm.CHANNELS, x.channel)),
        Column(gettext("Category"), lambda x: label(cm.CATEGORIES, x.category)),
        Column(gettext("Subject kind"), lambda x: label(cm.SUBJECT_KINDS, x.subject_kind)),
        Column(gettext("Subject"), lambda x: str(x.subject() or "")),
        Column(gettext("State"), lambda x: label(cm.STATES, x.state)),
        Column(gettext("Handler"), lambda x: person(x.handler)),
        Column(gettext("Deadline"), lambda x: _local(x.due_at)),
        Column(gettext("Complainant"), lambda x: gettext("Anonymous") if x.anonymous
               else x.complainant_name or ""),
        Column(gettext("Complainant's phone"), lambda x: mask_phone(x.complainant_phone)),
        Column(gettext("Description"), lambda x: x.description),
        Column(gettext("Finding"), lambda x: x.finding or ""),
        Column(gettext("Upheld"), upheld),
        Column(gettext("Measures taken"), lambda x: x.measures or ""),
        Column(gettext("Resolved at"), lambda x: _local(x.resolved_at)),
        Column(gettext("Complainant informed by"),
               lambda x: label(cm.INFORM_METHODS, x.informed_via) if x.informed_via else ""),
        Column(gettext("Complainant's satisfaction"),
               lambda x: label(cm.SATISFACTION, x.satisfaction) if x.satisfaction else ""),
    ]
