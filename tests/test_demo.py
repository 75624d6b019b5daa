"""The demo loader: realistic, valid, idempotent, and it names the logins to create."""

from __future__ import annotations

import datetime

import pytest
from test_models_factories import db  # noqa: F401

from console.demo import DemoReport, load_demo
from console.demo_data import STAFF
from models.agency import Agency
from models.choices import COMPREHENSIVE_CODES
from models.item import ServiceItem
from models.roster import RosterEntry
from models.staff import StaffMember
from models.window import Window

A_MONDAY = datetime.date(2024, 5, 13)


@pytest.fixture
def demo(db) -> DemoReport:  # noqa: F811
    return load_demo(today=A_MONDAY)


def test_load_twice_gives_identical_counts(demo):
    again = load_demo(today=A_MONDAY)
    assert again.counts == demo.counts
    assert set(again.created.values()) == {0}
    assert demo.created == demo.counts  # the first run created everything it reports


def test_progress_reports_every_step(db):  # noqa: F811
    seen = []
    load_demo(progress=lambda step, done, total: seen.append((step, done, total)),
              today=A_MONDAY)
    assert [done for _step, done, _total in seen] == [1, 2, 3, 4, 5, 6]
    assert seen[-1] == ("roster", 6, 6)


def test_city_centre_windows(demo):
    kinds = {w.kind for w in Window.objects(centre="LY")}
    assert COMPREHENSIVE_CODES <= kinds
    assert {"professional", "other_affairs"} <= kinds
    assert Window.objects(centre="LY", kind="enterprise_opening").count() >= 3
    assert Window.objects(centre="MJ", kind="enterprise_opening").count() >= 2


def test_enterprise_opening_items_and_materials(demo):
    eo_window = Window.objects.get(centre="LY", code="W01")
    names = " ".join(item.name for item in eo_window.items)
    for word in ("营业执照", "印章", "发票", "参保", "医疗保险", "公积金", "账户"):
        assert word in names
    for item in ServiceItem.objects:
        assert item.fee == 0 and item.materials
        for material in item.materials:
            assert material.review_points, material.name
    assert any(item.tolerated_materials for item in ServiceItem.objects)


def test_agencies_have_liaisons_and_bank_is_shared(demo):
    assert all(agency.liaisons for agency in Agency.objects)
    assert Agency.objects.get(code="PBC-LY").shared
    assert ServiceItem.objects.get(code="EO-BANK").centre is None
    mj_window = Window.objects.get(centre="MJ", code="W01")
    assert "EO-BANK" in {item.code for item in mj_window.items}


def test_staff_and_roster(demo):
    # every staff member of the demo's lists, once
    assert StaffMember.objects(centre="LY").count() == len(STAFF["LY"]) == 26
    assert StaffMember.objects(centre="MJ").count() == len(STAFF["MJ"]) == 15
    assert demo.roster_days["LY"] == [A_MONDAY + datetime.timedelta(days=n) for n in range(5)]
    assert RosterEntry.objects(centre="LY", date=A_MONDAY).count() > 5
    inactive = StaffMember.objects(active=False)
    assert inactive and not RosterEntry.objects(staff__in=inactive)


def test_roster_follows_holidays_and_make_up_days(db):  # noqa: F811
    report = load_demo(today=datetime.date(2024, 10, 2))  # National Day week
    assert report.roster_days["LY"] == [datetime.date(2024, 9, 30)]
    report = load_demo(today=datetime.date(2024, 5, 8))  # Saturday 11 May is a 调休 working day
    assert report.roster_days["MJ"][-1] == datetime.date(2024, 5, 11)


def test_suggested_logins_point_at_staff(demo):
    roles = {login.role for login in demo.logins}
    assert roles == {"Admin", "CentreAdmin", "Clerk", "Approver", "ComplaintHandler",
                     "Supervisor", "AgencySystem", "IntakeSystem"}
    for login in demo.logins:
        if login.staff:
            staff = StaffMember.objects.get(centre=login.centre, name=login.staff)
            assert staff.username == login.username
        if login.agency and login.staff:
            assert staff.agency.code == login.agency
