"""Factories and the mongomock fixture shared by the model tests (imported, not a test module)."""

from __future__ import annotations

import datetime

import mongoengine
import mongomock
import pytest

# Submodules, not the package: the editable install may present ``models`` as a namespace.
from models.agency import Agency, Liaison
from models.centre import ServiceCentre
from models.item import Material, ServiceItem
from models.roster import RosterEntry
from models.staff import StaffMember
from models.window import Window
from models.workcalendar import CalendarOverride


@pytest.fixture
def db():
    """A fresh mongomock database with every declared index."""
    mongoengine.connect(db="t", mongo_client_class=mongomock.MongoClient)
    for document in (ServiceCentre, Agency, ServiceItem, Window, StaffMember, RosterEntry,
                     CalendarOverride):
        document.ensure_indexes()
    yield
    mongoengine.disconnect()


def make_centre(code: str = "LY", **fields) -> ServiceCentre:
    fields.setdefault("name", f"{code} 政务服务中心")
    fields.setdefault("level", "city")
    fields.setdefault("region", "河南省洛阳市")
    return ServiceCentre(code=code, **fields).save()


def make_agency(code: str = "AMR", centre: str | None = "LY", **fields) -> Agency:
    fields.setdefault("name", "市场监督管理局")
    fields.setdefault("kind", "market_regulation")
    fields.setdefault("liaisons", [Liaison(name="陈明", post="科长", phone="13903790001")])
    return Agency(code=code, centre=centre, **fields).save()


def make_item(code: str = "EO-REG", agency: Agency | None = None, centre: str | None = "LY",
              **fields) -> ServiceItem:
    fields.setdefault("name", "企业设立登记")
    fields.setdefault("window_category", "enterprise_opening")
    fields.setdefault("legal_basis", "《中华人民共和国市场主体登记管理条例》第十九条")
    fields.setdefault("statutory_limit", 3)
    fields.setdefault("statutory_unit", "working_days")
    fields.setdefault("promised_limit", 2)
    fields.setdefault("promised_unit", "working_hours")
    fields.setdefault("materials", [Material(name="公司登记（备案）申请书",
                                             review_points=["法定代表人签字齐全"])])
    if agency is None:
        agency = Agency.objects(code="AMR", centre=centre).first() or make_agency(centre=centre)
    return ServiceItem(code=code, centre=centre, agency=agency, **fields).save()


def make_window(code: str = "W01", centre: str = "LY", **fields) -> Window:
    fields.setdefault("counter", code)
    fields.setdefault("name", "企业开办综合窗口")
    fields.setdefault("kind", "enterprise_opening")
    return Window(code=code, centre=centre, **fields).save()


def make_staff(name: str = "李娜", centre: str = "LY", **fields) -> StaffMember:
    fields.setdefault("role", "clerk")
    fields.setdefault("phone", "13903790101")
    return StaffMember(name=name, centre=centre, **fields).save()


def make_roster(window: Window, staff: StaffMember, shift: str = "full_day",
                date: datetime.date = datetime.date(2024, 5, 6), **fields) -> RosterEntry:
    return RosterEntry(centre=window.centre, window=window, staff=staff, shift=shift, date=date,
                       **fields).save()
