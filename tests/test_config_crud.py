"""Every configuration screen creates, edits and deletes its document through real form posts
(CSRF on), embedded rows included, as the user a centre would give that job to."""

from __future__ import annotations

import datetime as dt

from conftest import client_for, flashes, module_demo_app, post_form
import pytest

from models import (
    Agency,
    CalendarOverride,
    RosterEntry,
    ServiceCentre,
    ServiceItem,
    StaffMember,
    Window,
)

app = module_demo_app()


post = post_form


def lookup(document, **query):
    return document.objects(**query).first()


def _agency_id():
    return str(Agency.objects.get(code="LY-AMR").pk)


def _window_id():
    return str(Window.objects.get(centre="LY", code="W01").pk)


# A roster day inside the range a roster may be recorded for (up to the end of next year): a
# Wednesday in mid-March of next year, clear of every holiday and of the demo's week.
_MARCH = dt.date(dt.date.today().year + 1, 3, 10)
ROSTER_DAY = f"{_MARCH + dt.timedelta(days=(2 - _MARCH.weekday()) % 7):%Y-%m-%d}"


def _staff_id():
    return str(StaffMember.objects(centre="LY", active=True, role="clerk").first().pk)


CASES = {
    "centre": ("admin", ServiceCentre, "servicecentreview", {
        "code": "XA", "name": "新安县政务服务中心", "level": "county",
        "region": "河南省洛阳市新安县", "helpers": "2", "self_service_computers": "5",
        "case_limit": "1", "case_limit_unit": "working_days",
        "opening_hours-0-weekday": "0", "opening_hours-0-opens": "09:00",
        "opening_hours-0-closes": "17:30",
    }, {"code": "XA"}, {"name": "新安县民之家"}),
    "agency": ("ly_admin", Agency, "agencyview", {
        "centre": "LY", "code": "LY-NEW", "name": "洛阳市烟草专卖局", "kind": "other",
        "liaisons-0-name": "赵敏", "liaisons-0-post": "科员", "liaisons-0-phone": "13903790999",
        "liaisons-1-name": "", "liaisons-1-phone": "",
    }, {"code": "LY-NEW"}, {"name": "洛阳市烟草专卖局（改）"}),
    "item": ("ly_admin", ServiceItem, "serviceitemview", {
        "centre": "LY", "code": "LY-EO-NEW", "name": "食品经营许可", "agency": _agency_id,
        "window_category": "enterprise_opening", "legal_basis": "《食品经营许可管理办法》第十条",
        "statutory_limit": "10", "statutory_unit": "working_days", "promised_limit": "5",
        "promised_unit": "working_days", "warning_percent": "80", "fee": "0",
        "materials-0-name": "食品经营许可申请书", "materials-0-copies": "1",
        "materials-0-form": "original", "materials-0-requirement": "required",
    }, {"code": "LY-EO-NEW"}, {"name": "食品经营许可（新办）"}),
    "window": ("ly_admin", Window, "windowview", {
        "centre": "LY", "code": "LY-T9", "counter": "T9", "name": "临时窗口",
        "kind": "enterprise_opening", "is_open": "y",
    }, {"code": "LY-T9"}, {"name": "临时窗口（改）"}),
    "staff": ("ly_admin", StaffMember, "staffmemberview", {
        "centre": "LY", "name": "钱七", "role": "helper", "phone": "13903790888", "active": "y",
    }, {"name": "钱七"}, {"phone": "13903790777"}),
    "roster": ("ly_admin", RosterEntry, "rosterentryview", {
        "centre": "LY", "date": ROSTER_DAY, "shift": "morning", "window": _window_id,
        "staff": _staff_id,
    }, {"date": ROSTER_DAY}, {"note": "调班"}),
    "calendar": ("ly_admin", CalendarOverride, "calendaroverrideview", {
        "centre": "LY", "date": "2031-02-08", "is_working_day": "y", "note": "春节调休上班",
    }, {"date": "2031-02-08"}, {"note": "春节调休"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_create_edit_delete(app, name):
    username, document, endpoint, form, key, change = CASES[name]
    form = {field: value() if callable(value) else value for field, value in form.items()}
    client = client_for(app, username)
    add_url = f"/{endpoint}/add"
    response = post(client, add_url, form, add_url)
    assert response.status_code == 302, (flashes(client), response.get_data(as_text=True)[-3000:])
    record = lookup(document, **key)
    assert record is not None, flashes(client)
    if name == "agency":
        assert [row.name for row in record.liaisons] == ["赵敏"]  # the blank row is ignored
    if name == "item":
        assert [row.name for row in record.materials] == ["食品经营许可申请书"]
    if hasattr(record, "centre") and name != "centre":
        assert record.centre == "LY"

    edit_url = f"/{endpoint}/edit/{record.pk}"
    response = post(client, edit_url, {**form, **change}, edit_url)
    assert response.status_code == 302, flashes(client)
    record.reload()
    for field, value in change.items():
        assert str(getattr(record, field)) == value

    response = post(client, f"/{endpoint}/delete/{record.pk}", {}, edit_url)
    assert response.status_code == 302
    assert lookup(document, **key) is None


def test_a_duplicate_calendar_day_is_refused_once_in_a_sentence_and_writes_nothing(app):
    client = client_for(app, "ly_admin")
    url = "/calendaroverrideview/add"
    form = {"centre": "LY", "date": "2031-12-08", "is_working_day": "y", "note": "首次"}
    assert post(client, url, form).status_code == 302
    before = [(row.pk, row.note) for row in CalendarOverride.objects(centre="LY")]
    response = post(client, url, {**form, "note": "重复", "is_working_day": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    sentence = "This centre already has a calendar change on 2031-12-08."
    assert page.count(sentence) == 1, page[-3000:]
    assert "Already exists." not in page
    assert [(row.pk, row.note) for row in CalendarOverride.objects(centre="LY")] == before
