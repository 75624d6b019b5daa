"""``load_demo``: write the demo centres of console.demo_data, upserting by code (safe to rerun)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime

from mongoengine import Document

from console import clock
from console import demo_data as data
from models.agency import Agency, Liaison
from models.centre import OpeningHours, ServiceCentre
from models.item import Material, ServiceItem
from models.roster import RosterEntry
from models.staff import StaffMember
from models.window import Window
from models.workcalendar import week_of, work_calendar

Progress = Callable[[str, int, int], None]
STEPS = ("centres", "agencies", "items", "windows", "staff", "roster")


@dataclass(frozen=True)
class DemoLogin:
    """A login the security manager should create for the demo."""

    username: str
    role: str
    centre: str | None
    staff: str | None
    agency: str | None


@dataclass
class DemoReport:
    """What the demo contains after loading, and what this run added."""

    counts: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    roster_days: dict[str, list[datetime.date]] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def load_demo(progress: Progress | None = None,
              today: datetime.date | None = None) -> DemoReport:
    """Create or update the demo centres; ``progress(step, done, total)`` follows each step."""
    report = DemoReport(logins=[DemoLogin(*row) for row in data.DEMO_LOGINS])
    loaders = (_centres, _agencies, _items, _windows, _staff,
               lambda rep: _roster(rep, today or clock.today()))
    for done, (step, loader) in enumerate(zip(STEPS, loaders, strict=True), start=1):
        report.created[step] = loader(report)
        if progress:
            progress(step, done, len(STEPS))
    report.counts = {
        "centres": ServiceCentre.objects(code__in=_centre_codes()).count(),
        "agencies": Agency.objects(code__in=[row[1] for row in data.AGENCIES]).count(),
        "items": ServiceItem.objects(code__in=_item_codes()).count(),
        "windows": Window.objects(centre__in=_centre_codes()).count(),
        "staff": StaffMember.objects(centre__in=_centre_codes()).count(),
        "roster": RosterEntry.objects(centre__in=_centre_codes()).count(),
    }
    return report


def _upsert(document: type[Document], key: dict, values: dict) -> bool:
    """Find by ``key``, set ``values``, validate and save; True when newly created."""
    record = document.objects(**key).first()
    created = record is None
    record = record or document(**key)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return created


def _centre_codes() -> list[str]:
    return [row["code"] for row in data.CENTRES]


def _item_codes() -> list[str]:
    codes = [row["code"] for row in data.SHARED_ITEMS + data.LOCAL_ITEMS]
    return codes + [f"{centre}-{row['suffix']}"
                    for centre in _centre_codes() for row in data.ENTERPRISE_ITEMS]


def _centres(report: DemoReport) -> int:
    created = 0
    for row in data.CENTRES:
        hours = [OpeningHours(weekday=day, opens=opens, closes=closes, lunch_start=lunch_start,
                              lunch_end=lunch_end)
                 for day, opens, closes, lunch_start, lunch_end in row["opening_hours"]]
        values = {**row, "opening_hours": hours}
        created += _upsert(ServiceCentre, {"code": values.pop("code")}, values)
    return created


def _agencies(report: DemoReport) -> int:
    created = 0
    for centre, code, name, kind, liaisons in data.AGENCIES:
        rows = [Liaison(name=n, post=post, phone=phone, email=email)
                for n, post, phone, email in liaisons]
        created += _upsert(Agency, {"centre": centre, "code": code},
                           {"name": name, "kind": kind, "liaisons": rows})
    return created


def _item_values(row: dict, agency: Agency, centre: str | None = None) -> dict:
    blocking = set(row.get("blocking", []))
    materials = [
        Material(name=name, copies=copies, form=form, requirement=requirement,
                 review_points=points, follow_up_days=follow_up, template_note=note,
                 blocks_delivery=name in blocking)
        for name, copies, form, requirement, points, follow_up, note in row["materials"]
    ]
    # A centre's own items name the items they follow by suffix; shared ones by full code.
    after = [f"{centre}-{code}" if centre else code for code in row.get("after", [])]
    return {
        "name": row["name"], "agency": agency, "legal_basis": row["legal_basis"],
        "window_category": row.get("window_category", "enterprise_opening"),
        "statutory_limit": row["statutory"][0], "statutory_unit": row["statutory"][1],
        "promised_limit": row["promised"][0], "promised_unit": row["promised"][1],
        "warning_percent": row["warning"], "fee": 0, "materials": materials,
        "result_fields": row.get("results", []), "after_items": after,
    }


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _items(report: DemoReport) -> int:
    created = 0
    for row in data.SHARED_ITEMS:
        created += _upsert(ServiceItem, {"centre": None, "code": row["code"]},
                           _item_values(row, _agency(row["agency"])))
    for row in data.LOCAL_ITEMS:
        created += _upsert(ServiceItem, {"centre": row["centre"], "code": row["code"]},
                           _item_values(row, _agency(row["agency"])))
    for centre in _centre_codes():
        for row in data.ENTERPRISE_ITEMS:
            agency = _agency(f"{centre}-{row['agency']}")
            created += _upsert(ServiceItem, {"centre": centre, "code": f"{centre}-{row['suffix']}"},
                               _item_values(row, agency, centre))
    return created


def _enterprise_items(centre: str) -> list[ServiceItem]:
    """The enterprise-opening items a centre's windows take in: its own and the shared ones."""
    return list(ServiceItem.objects.visible_to(centre).filter(
        window_category="enterprise_opening"))


def _windows(report: DemoReport) -> int:
    created = 0
    for centre, rows in data.WINDOWS.items():
        for code, counter, name, kind, items, agency in rows:
            accepted = (_enterprise_items(centre) if items == "EO"
                        else [ServiceItem.objects.get(code=item) for item in items])
            created += _upsert(Window, {"centre": centre, "code": code}, {
                "counter": counter, "name": name, "kind": kind, "items": accepted,
                "agency": _agency(agency) if agency else None, "is_open": True,
            })
    return created


def _staff(report: DemoReport) -> int:
    usernames = {(login.centre, login.staff): login.username for login in report.logins}
    created = 0
    for centre, rows in data.STAFF.items():
        for name, agency_code, role, phone, trained_on, items, active in rows:
            agency = _agency(agency_code)
            if items == "EO":
                trained = _enterprise_items(centre)
            elif items == "AGENCY":
                trained = list(ServiceItem.objects(agency=agency))
            else:
                trained = []
            created += _upsert(StaffMember, {"centre": centre, "name": name}, {
                "agency": agency, "role": role, "phone": phone, "trained_on": trained_on,
                "items": trained, "active": active,
                "username": usernames.get((centre, name)),
            })
    return created


def _roster(report: DemoReport, today: datetime.date) -> int:
    created = 0
    for centre_code, pattern in data.ROSTER.items():
        calendar = work_calendar(centre_code)  # holidays and 调休 make-up days included
        days = [day for day in week_of(today) if calendar.is_working_day(day)]
        report.roster_days[centre_code] = days
        windows = {w.code: w for w in Window.objects(centre=centre_code)}
        staff = {s.name: s for s in StaffMember.objects(centre=centre_code)}
        for day in days:
            for window_code, name, shift in pattern:
                key = {"centre": centre_code, "date": day, "staff": staff[name], "shift": shift}
                created += _upsert(RosterEntry, key, {"window": windows[window_code]})
    return created
