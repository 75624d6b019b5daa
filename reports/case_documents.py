"""The paper of a case: the one-time notification of a return (一次性告知书), the blank one of a
service item for the coaching desk, the acceptance receipt (受理通知书) and the delivery checklist
(出件清单), each built from the stored case as one :class:`~reports.document.Printable`."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext, ngettext

from forms.validators import mask_id_number, mask_phone
from models import case as c
from models.centre import ServiceCentre
from models.choices import LIMIT_UNITS, MATERIAL_FORMS, MATERIAL_REQUIREMENTS, label
from models.item import ServiceItem
from models.people import person
from models.results import CATALOGUE
from models.window import Window
from models.workdays import to_china
from reports.document import (
    Fields,
    Heading,
    Paragraph,
    Printable,
    Qr,
    Signatures,
    Table,
)


def _centre(code: str) -> ServiceCentre | None:
    return ServiceCentre.objects(code=code).first()


def _centre_name(centre: ServiceCentre | None, code: str) -> str:
    return centre.name if centre else code


def _where(case: c.Case, centre: ServiceCentre | None) -> str:
    """The window and the centre's address and hours, where the applicant comes back."""
    window = case.window if isinstance(case.window, Window) else None
    parts = []
    if window:
        parts.append(gettext("Window %(counter)s %(name)s", counter=window.counter,
                             name=window.name))
    if centre and centre.address:
        parts.append(centre.address)
    if centre and centre.opening_hours:
        parts.append(gettext("Opening hours: %(hours)s",
                             hours="；".join(str(row) for row in centre.opening_hours)))
    return "，".join(parts)


def _delivery(case: c.Case, centre: ServiceCentre | None) -> Fields:
    """Where the results reach the applicant: posted to the mailing address, or collected at
    the window. The address is the applicant's own and printed in full, as the registered
    address is (the printables mask ID numbers and phones, not addresses)."""
    if case.delivery_method == "mail":
        return Fields([(gettext("Results are posted to"), case.mail_address or "")])
    return Fields([(gettext("Where to collect"), _where(case, centre))])


def _applicant(case: c.Case) -> Fields:
    return Fields([
        (gettext("Case number"), case.number),
        (gettext("Proposed name"), case.registered_name or case.company_name),
        (gettext("Legal representative"), case.legal_rep_name),
        (gettext("Resident ID number"), mask_id_number(case.legal_rep_id)),
        (gettext("Contact phone"), mask_phone(case.phone)),
        (gettext("Registered address"), case.address),
    ])


def _items(case: c.Case) -> list[ServiceItem]:
    found = {item.code: item for item in ServiceItem.objects(
        code__in=list(case.items), centre__in=[case.centre, None])}
    return [found[code] for code in case.items if code in found]


def _local_date(moment: dt.datetime | None, today: dt.date) -> dt.date:
    """The date a paper carries: its event's day in China, or ``today`` (the screens' clock,
    so a demonstration pinned to a date prints that date) when the event has not happened."""
    return to_china(moment).date() if moment else today


def return_notification(case: c.Case, index: int = -1) -> Printable:
    """The one-time notification of the case's return number ``index`` (the last by default):
    every missing or defective material with its own reason, the 容缺 materials promised for
    later, the clerk, and where and when to come back."""
    record = case.returns[index]
    number = index % len(case.returns) + 1
    centre = _centre(case.centre)
    rows = [[m.name, label(c.MATERIAL_STATES, m.problem) if m.problem != c.DEFECTIVE
             else gettext("Needs correction"), m.reason] for m in record.materials]
    tolerated = [[m.name, str(m.promised_on or ""), "；".join(m.review_points or [])]
                 for m in case.materials if m.state == c.TOLERATED]
    blocks = [
        _applicant(case),
        Paragraph(gettext(
            "Your application was checked on %(date)s. Please bring everything listed below "
            "in one go; nothing else will be asked for.", date=c.format_local(record.at))),
        Heading(gettext("Materials to bring or correct")),
        Table([gettext("Material"), gettext("Problem"), gettext("Reason and what to bring")],
              rows, [3, 1.2, 4]),
    ]
    if tolerated:
        blocks += [Heading(gettext("Materials accepted as missing (容缺), to hand in later")),
                   Table([gettext("Material"), gettext("Promised by"), gettext("Review points")],
                         tolerated, [3, 1.5, 4])]
    if record.note:
        blocks.append(Fields([(gettext("Clerk's note"), record.note)]))
    blocks += [
        Fields([(gettext("Clerk"), person(record.clerk)),
                (gettext("Where and when to come back"), _where(case, centre))]),
        Signatures([gettext("Applicant's signature"), gettext("Clerk's signature")]),
    ]
    return Printable(centre=_centre_name(centre, case.centre),
                     title=gettext("One-time notification letter"),
                     date=to_china(record.at).date(), reference=case.number, blocks=blocks,
                     filename=f"{case.number}-notification-{number}")


def item_notification(item: ServiceItem, centre_code: str, today: dt.date) -> Printable:
    """The blank one-time notification of a service item: what to bring, from the catalogue."""
    centre = _centre(centre_code)
    rows = [[m.name, str(m.copies), label(MATERIAL_FORMS, m.form),
             label(MATERIAL_REQUIREMENTS, m.requirement)
             + (ngettext(" (within %(num)d working day)", " (within %(num)d working days)",
                         m.follow_up_days)
                if m.follow_up_days else ""),
             "；".join(m.review_points or [])] for m in item.materials]
    agency = getattr(item.agency, "name", "")
    blocks = [
        Fields([
            (gettext("Service item"), f"{item.name}（{item.code}）"),
            (gettext("Agency"), agency),
            (gettext("Legal basis"), item.legal_basis),
            (gettext("Promised limit"),
             f"{item.promised_limit} {label(LIMIT_UNITS, item.promised_unit)}"),
            (gettext("Statutory limit"),
             f"{item.statutory_limit} {label(LIMIT_UNITS, item.statutory_unit)}"),
            (gettext("Fee (yuan)"), str(item.fee or 0)),
        ]),
        Heading(gettext("Materials to bring")),
        Table([gettext("Material"), gettext("Copies"), gettext("Original or copy"),
               gettext("Requirement"), gettext("Review points")], rows, [3, 0.8, 1.2, 1.6, 4]),
        Fields([(gettext("Where"), _centre_address(centre))]),
    ]
    return Printable(centre=_centre_name(centre, centre_code),
                     title=gettext("One-time notification letter"), date=today,
                     reference=item.code, blocks=blocks, filename=f"{item.code}-notification")


def material_checklist(case: c.Case, today: dt.date) -> Printable:
    """The case's own material list for the visitor at the coaching desk or in review: every
    material its items need, once, with the items that need it, whether it may be handed in
    later (容缺), what the clerk checks, and what has been handed in so far."""
    centre = _centre(case.centre)
    names = {item.code: item.name for item in _items(case)}
    rows = [[m.name, "、".join(names.get(code, code) for code in m.items or ()),
             label(MATERIAL_REQUIREMENTS, m.requirement)
             + (ngettext(" (within %(num)d working day)", " (within %(num)d working days)",
                         m.follow_up_days)
                if m.requirement == "tolerated" and m.follow_up_days else ""),
             "；".join(m.review_points or []), label(c.MATERIAL_STATES, m.state)]
            for m in case.materials]
    blocks = [
        _applicant(case),
        Fields([(gettext("Service items"), "、".join(names.get(code, code)
                                                   for code in case.items))]),
        Heading(gettext("Materials to bring")),
        Table([gettext("Material"), gettext("Needed by items"), gettext("Requirement"),
               gettext("Review points"), gettext("State")], rows, [3.8, 2, 1.5, 3.2, 1]),
        Fields([(gettext("Where"), _centre_address(centre))]),
    ]
    return Printable(centre=_centre_name(centre, case.centre),
                     title=gettext("Material checklist"), date=today, reference=case.number,
                     blocks=blocks, filename=f"{case.number}-materials")


def _centre_address(centre: ServiceCentre | None) -> str:
    if centre is None:
        return ""
    hours = "；".join(str(row) for row in centre.opening_hours)
    return "，".join(part for part in (centre.address, hours) if part)


def status_address(lookup: str, number: str) -> str:
    """What the receipt's QR code holds: the status-lookup address with the case number in it
    (``{number}`` in the configured address), or the case number alone."""
    if not lookup:
        return number
    return lookup.replace("{number}", number) if "{number}" in lookup else f"{lookup}{number}"


def acceptance_receipt(case: c.Case, today: dt.date, lookup: str = "") -> Printable:
    """The acceptance receipt: items, materials received, the promised completion time, window,
    clerk, where to collect and how to look up the status."""
    centre = _centre(case.centre)
    items = _items(case)
    catalogue = {}
    for item in items:
        for material in item.materials:
            catalogue.setdefault(material.name, material)
    received = []
    for row in case.materials:
        if row.state != c.RECEIVED:
            continue
        material = catalogue.get(row.name)
        received.append([row.name, str(material.copies) if material else "",
                         label(MATERIAL_FORMS, material.form) if material else ""])
    tolerated = [[m.name, str(m.promised_on or "")] for m in case.materials
                 if m.state == c.TOLERATED]
    window = case.window if isinstance(case.window, Window) else None
    blocks = [
        _applicant(case),
        Fields([
            (gettext("Accepted at"), c.format_local(case.accepted_at)),
            (gettext("Promised completion"), c.format_local(case.due_at)),
            (gettext("Window"), f"{window.counter} {window.name}" if window else ""),
            (gettext("Accepting clerk"), person(case.clerk)),
            (gettext("Results go"), label(c.DELIVERY_METHODS, case.delivery_method)),
        ]),
        Heading(gettext("Items")),
        Table([gettext("Code"), gettext("Service item")],
              [[item.code, item.name] for item in items], [1, 3]),
        Heading(gettext("Materials received")),
        Table([gettext("Material"), gettext("Copies"), gettext("Original or copy")], received,
              [4, 1, 1.5], empty=gettext("None")),
    ]
    if tolerated:
        blocks += [Heading(gettext("Materials accepted as missing (容缺), to hand in later")),
                   Table([gettext("Material"), gettext("Promised by")], tolerated, [4, 2])]
    blocks += [
        _delivery(case, centre),
        Qr(status_address(lookup, case.number), gettext(
            "To ask about the progress, give the case number %(number)s at the window or by "
            "telephone.", number=case.number)
            + (" " + gettext("Online: %(address)s", address=status_address(lookup, case.number))
               if lookup else "")),
        Signatures([gettext("Clerk's signature")]),
    ]
    return Printable(centre=_centre_name(centre, case.centre),
                     title=gettext("Acceptance receipt"),
                     date=_local_date(case.accepted_at, today), reference=case.number,
                     blocks=blocks, filename=f"{case.number}-receipt")


def _result_rows(task: c.SubTask) -> list[list[str]]:
    """One row per result, each seal on its own row so the recipient ticks them one by one."""
    rows = []
    for name in task.result_fields or []:
        value = getattr(task, name, None)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            rows += [[task.item_name, str(CATALOGUE[name].label), entry] for entry in value]
        else:
            rows.append([task.item_name, str(CATALOGUE[name].label), str(value)])
    if task.remarks:
        rows.append([task.item_name, gettext("Remarks"), task.remarks])
    return rows or [[task.item_name, gettext("Done"), ""]]


def delivery_checklist(case: c.Case, today: dt.date) -> Printable:
    """The gift pack (大礼包) from the sub-tasks' recorded results, with signature lines."""
    centre = _centre(case.centre)
    rows = []
    for task in case.subtasks:
        if task.status == c.DONE:
            rows += [[*row, "□"] for row in _result_rows(task)]
    blocks = [
        _applicant(case),
        Fields([(gettext("Unified social credit code"), case.credit_code or "")]),
        Heading(gettext("Results handed over")),
        Table([gettext("Item"), gettext("Result"), gettext("Value"), gettext("Received")],
              rows, [3, 2, 3, 1], empty=gettext("None")),
    ]
    if case.handover:
        extra = [line for line in case.handover.results
                 if not any(line.startswith(str(t.item_name)) for t in case.subtasks)]
        # Mailed results name where they went and the parcel; collected ones, who took them.
        sent = ([(gettext("Mailing address"), case.mail_address or ""),
                 (gettext("Tracking number"), case.handover.tracking_number or "")]
                if case.handover.method == "mail"
                else [(gettext("Collected by"), case.handover.recipient or "")])
        blocks.append(Fields([
            (gettext("Method"), label(c.DELIVERY_METHODS, case.handover.method)),
            *sent,
            (gettext("Time"), c.format_local(case.handover.at)),
            (gettext("Also handed over"), "、".join(extra)),
        ]))
    blocks.append(Signatures([gettext("Recipient's signature"), gettext("Clerk's signature")]))
    return Printable(centre=_centre_name(centre, case.centre),
                     title=gettext("Delivery checklist"),
                     date=_local_date(case.handover.at if case.handover else None, today),
                     reference=case.number, blocks=blocks, filename=f"{case.number}-delivery")
