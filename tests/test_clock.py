"""The screens' clock (``ONEWINDOW_NOW``): every screen reads the same moment and day, and what a
user does there is dated at it, so a demonstration pinned to a date is consistent."""

from __future__ import annotations

import datetime as dt
import re

from conftest import api_headers, client_for, csrf_token, module_demo_app
from mongoengine.errors import ValidationError
import prison
import pytest

from console import clock, demo_history
from console.audit.models import AuditEntry
from models import Window
from models import case as c
from models import lifecycle as life
from models.case import Case
from models.item import ServiceItem
from models.roster import RosterEntry
from models.staff import StaffMember

# Friday 20 November 2026, 09:30 in Luoyang, as stored (naive UTC).
PINNED = dt.datetime(2026, 11, 20, 1, 30)

app = module_demo_app(ONEWINDOW_NOW=PINNED.isoformat())
APPLICANT = {"company_name": "洛阳定时科技有限公司", "legal_rep_name": "王强",
             "legal_rep_id": "11010519491231002X", "phone": "13803791234",
             "address": "洛阳市洛龙区开元大道1号"}
APPROVER = life.Actor("ly_approver", frozenset({"Approver"}), "LY", "LY-AMR")


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


# Tuesday 10 November 2026 in Luoyang, as stored (naive UTC): a day that is not the real one.
TUESDAY_0900, TUESDAY_1005 = dt.datetime(2026, 11, 10, 1, 0), dt.datetime(2026, 11, 10, 2, 5)
AMR = "/api/v1/subtask/"


def _licence_case(app, name: str):
    """A licence-only case accepted at 09:00 on the Tuesday: the licence is due at 11:00."""
    clerk = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
    with app.app_context():
        window = Window.objects.get(centre="LY", code="W01")
        licence = ServiceItem.objects.get(code="LY-EO-REG")
        case = life.open_case(clerk, window=window, items=[licence], mode=c.SINGLE_ITEM,
                              applicant={**APPLICANT, "company_name": name}, now=TUESDAY_0900)
        life.start_review(case, clerk, now=TUESDAY_0900)
        life.record_materials(case, clerk, {row.name: (c.RECEIVED,) for row in case.materials},
                              now=TUESDAY_0900)
        return life.accept(case, clerk, now=TUESDAY_0900)


def _badge(page: str, key: str) -> str:
    row = page[page.index(f'data-subtask="{key}"'):]
    return re.search(r'class="label label-(\w+)"', row).group(1)


def test_the_agency_api_works_and_judges_at_the_pinned_moment(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    case = _licence_case(app, "洛阳准时科技有限公司")
    other = _licence_case(app, "洛阳迟到科技有限公司")
    task = case.subtasks[0]
    assert task.deadline == dt.datetime(2026, 11, 10, 3, 0)  # 11:00 in Luoyang
    client, headers = app.test_client(), api_headers(app, "ly_amr_system")
    url = f"{AMR}{case.number}/{task.key}"
    # 10:05, 65 of the 120 minutes used: normal, in the API as on the approver's case page.
    row = client.get(url, headers=headers).json["result"]
    page = client_for(app, "ly_approver").get(f"/cases/{case.pk}").get_data(as_text=True)
    assert row["deadline_state"] == c.NORMAL and _badge(page, task.key) == "success"
    started = client.post(f"{url}/start", headers=headers, json={"version": row["version"]})
    done = client.post(f"{url}/complete", headers=headers, json={
        "version": started.json["result"]["version"],
        "results": {"licence_number": "L-1110", "credit_code": "91410300MA9F12345E"}})
    assert done.status_code == 200, done.json
    assert done.json["result"]["finished_at"] == "2026-11-10T02:05:00Z"
    assert done.json["result"]["deadline_state"] == c.NORMAL
    with app.app_context():
        case.reload()
    assert case.subtasks[0].started_at == case.subtasks[0].finished_at == TUESDAY_1005
    assert case.state == c.READY and case.timeline[-1].at == case.changed_at == TUESDAY_1005
    with app.app_context():
        logged = AuditEntry.objects(record=str(case.pk)).order_by("-at").first()
    # The audit log says when it really happened, not the demonstration's moment.
    assert logged.actor == "ly_amr_system" and logged.at > TUESDAY_1005 + dt.timedelta(days=1)
    # One minute past the deadline the other case's licence is overdue, in both places.
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", "2026-11-10T03:01:00")
    overdue = client.get(AMR, headers=headers,
                         query_string={"q": prison.dumps({"overdue": True, "page_size": 100})})
    numbers = {row["case"] for row in overdue.json["result"]}
    assert other.number in numbers and case.number not in numbers
    page = client_for(app, "ly_approver").get(f"/cases/{other.pk}").get_data(as_text=True)
    assert _badge(page, other.subtasks[0].key) == "danger"


def test_online_intake_opens_the_case_at_the_pinned_moment(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    response = app.test_client().post("/api/v1/intake/", headers=api_headers(app, "ly_intake"),
                                      json={"client_key": "pinned-0001", "items": ["LY-EO-REG"],
                                            "mode": c.SINGLE_ITEM, "applicant": APPLICANT})
    assert response.status_code == 201, response.json
    assert response.json["number"].startswith("LY-20261110-")
    with app.app_context():
        case = Case.objects.get(centre="LY", number=response.json["number"])
    assert case.created_at == case.changed_at == TUESDAY_1005
    assert [event.at for event in case.timeline] == [TUESDAY_1005, TUESDAY_1005]


def test_papers_printed_carry_the_pinned_day(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    case = _licence_case(app, "洛阳出件科技有限公司")
    with app.app_context():
        life.start_subtask(case, APPROVER, case.subtasks[0].key, now=TUESDAY_1005)
        life.complete_subtask(case, APPROVER, case.subtasks[0].key, {
            "licence_number": "L-1111", "credit_code": "91410300MA9F12345E"}, "",
            now=TUESDAY_1005)
    clerk = client_for(app, "ly_clerk")
    # Ready, not yet handed over: the checklist is dated the day it is printed (the pinned one).
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", "2026-11-12T02:00:00")
    checklist = clerk.get(f"/printables/cases/{case.pk}/delivery/html").get_data(as_text=True)
    assert "2026-11-12" in checklist
    receipt = clerk.get(f"/printables/cases/{case.pk}/receipt/html").get_data(as_text=True)
    assert "2026-11-10" in receipt  # the receipt keeps the day of acceptance


# --- the rest of what read the real clock: each now at the pinned moment -----------------------

def test_the_demo_roster_is_the_week_of_the_pinned_day(app):
    # Loaded with the clock at Friday 20 November: the roster is that week's working days.
    with app.app_context():
        days = sorted({entry.date for entry in RosterEntry.objects(centre="LY")})
    assert days == [dt.date(2026, 11, day) for day in (16, 17, 18, 19, 20)]


def test_the_demo_history_ends_at_the_pinned_moment(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    with app.app_context():
        start, end = demo_history.span(12)
    assert end == TUESDAY_1005 and start == dt.datetime(2025, 11, 10, 2, 5)


def test_a_training_date_is_judged_against_the_pinned_day(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    with app.app_context():
        staff = StaffMember.objects(centre="LY").first()
        staff.trained_on = dt.date(2026, 11, 10)  # the pinned day itself: fine
        staff.validate()
        staff.trained_on = dt.date(2026, 11, 11)  # the day after: in the future there
        with pytest.raises(ValidationError, match="training date may not be in the future"):
            staff.validate()


def test_a_pdf_is_created_at_the_pinned_moment(app, monkeypatch):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    case = _licence_case(app, "洛阳文档科技有限公司")
    pdf = client_for(app, "ly_clerk").get(f"/printables/cases/{case.pk}/receipt/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert b"/CreationDate (D:20261110020500Z" in pdf.data


def test_the_roles_export_is_named_at_the_pinned_moment_in_china(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ONEWINDOW_NOW", TUESDAY_1005.isoformat())
    monkeypatch.chdir(tmp_path)
    with app.app_context():
        app.appbuilder.sm.export_roles()
    assert [path.name for path in tmp_path.iterdir()] == ["roles_export_20261110T100500.json"]
