"""The screens' clock (``ONEWINDOW_NOW``): every screen reads the same moment and day, and what a
user does there is dated at it, so a demonstration pinned to a date is consistent."""

from __future__ import annotations

import datetime as dt

from conftest import client_for, csrf_token, module_demo_app

from console import clock
from models import Window
from models.case import Case

# Friday 20 November 2026, 09:30 in Luoyang, as stored (naive UTC).
PINNED = dt.datetime(2026, 11, 20, 1, 30)

app = module_demo_app(ONEWINDOW_NOW=PINNED.isoformat())


def test_now_and_today_are_the_pinned_moment_in_china(app):
    with app.app_context():
        assert clock.utcnow() == PINNED and clock.today() == dt.date(2026, 11, 20)
        # 01:30 on Saturday in Luoyang is still Friday in UTC: "today" is China's day.
        app.config["ONEWINDOW_NOW"] = "2026-11-20T17:30:00"
        try:
            assert clock.today() == dt.date(2026, 11, 21)
        finally:
            app.config["ONEWINDOW_NOW"] = PINNED.isoformat()


def test_a_case_opened_and_reviewed_on_the_screens_is_dated_at_the_pinned_moment(app):
    clerk = client_for(app, "ly_clerk")
    with app.app_context():
        window = Window.objects.get(centre="LY", code="W01")
    response = clerk.post("/cases/new", data={
        "window": str(window.pk), "items": ["LY-EO-REG"], "mode": "single_item",
        "channel": "window", "delivery_method": "window", "company_name": "洛阳定时科技有限公司",
        "legal_rep_name": "王强", "legal_rep_id": "11010519491231002X", "phone": "13803791234",
        "address": "洛阳市洛龙区开元大道1号", "csrf_token": csrf_token(clerk, "/cases/new")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        case = Case.objects.get(company_name="洛阳定时科技有限公司")
    assert case.created_at == PINNED and case.number.startswith("LY-20261120-")
    response = clerk.post(f"/cases/{case.pk}/act/start_review", data={
        "version": case.version, "note": "", "csrf_token": csrf_token(clerk, f"/cases/{case.pk}")})
    assert response.status_code == 302
    with app.app_context():
        case.reload()
    assert [event.at for event in case.timeline] == [PINNED, PINNED]
    assert case.changed_at == PINNED


def test_lists_and_files_default_to_the_pinned_day(app):
    admin = client_for(app, "ly_admin")
    week = admin.get("/roster/week/").get_data(as_text=True)
    assert "day=2026-11-13" in week and "day=2026-11-27" in week  # the week around 20 November
    export = admin.get("/exports/windows.csv")
    assert export.status_code == 200
    assert "windows-2026-11-20.csv" in export.headers["Content-Disposition"]
