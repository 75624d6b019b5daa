"""A finished case shows its result (done on time / done late, in grey), never the green
正常 of open work; the timeline names the agency of every sub-task event."""

from __future__ import annotations

import datetime as dt

from conftest import client_for, module_demo_app

from models import Case, ServiceItem, Window
from models import lifecycle as life

CLERK = life.Actor(username="ly_clerk", roles=frozenset({"Clerk"}), centre="LY")
ADMIN = life.Actor("admin", frozenset({"Admin"}))
# Monday 23 November 2026, 09:00 in Shanghai (01:00 UTC): a working day.
MONDAY_9AM = dt.datetime(2026, 11, 23, 1, 0)


app = module_demo_app()


def closed_case(company: str, done_after: dt.timedelta) -> Case:
    """A seal case accepted on Monday at 09:00, its sub-task done ``done_after`` later, then
    delivered and closed."""
    window = Window.objects.get(centre="LY", code="W01")
    case = life.open_case(CLERK, window=window, items=[ServiceItem.objects.get(
        code="LY-EO-SEAL")], mode="single_item", now=MONDAY_9AM, applicant={
            "company_name": company, "legal_rep_name": "王强",
            "legal_rep_id": "11010519491231002X", "phone": "13803791234",
            "address": "洛阳市"})
    life.start_review(case, CLERK, now=MONDAY_9AM)
    life.record_materials(case, CLERK, {
        row.name: (("tolerated", dt.date(2030, 1, 1)) if row.requirement == "tolerated"
                   else ("received", None)) for row in case.materials}, now=MONDAY_9AM)
    life.accept(case, CLERK, now=MONDAY_9AM)
    done = MONDAY_9AM + done_after
    for task in list(case.subtasks):
        life.complete_subtask(case, ADMIN, task.key, {"seals": ["公章"]}, now=done)
    life.deliver(case, CLERK, results=["印章"], recipient="王强", now=done)
    life.close(case, CLERK, method="call", note="满意", rating=5,
               now=done + dt.timedelta(minutes=10))
    return Case.objects.get(pk=case.pk)


def badges(page: str) -> str:
    return page[page.find("<h2>"):page.find("</h2>")]


def test_a_case_closed_on_time_shows_done_on_time_in_grey(app):
    case = closed_case("按时办结有限公司", dt.timedelta(minutes=30))
    assert case.state == "closed"
    clerk = client_for(app, "ly_clerk")
    clerk.get("/lang/zh_CN")
    head = badges(clerk.get(f"/cases/{case.pk}").get_data(as_text=True))
    assert "label-success" not in head and "正常" not in head
    assert 'class="label label-default" data-deadline="finished">按时办结' in head
    listed = clerk.get("/cases/?state=closed").get_data(as_text=True)
    row = listed[listed.find("按时办结有限公司"):]
    row = row[:row.find("</tr>")]
    assert "按时办结" in row and "label-success" not in row


def test_a_case_closed_late_shows_done_late(app):
    case = closed_case("超时办结有限公司", dt.timedelta(days=10))
    clerk = client_for(app, "ly_clerk")
    clerk.get("/lang/zh_CN")
    head = badges(clerk.get(f"/cases/{case.pk}").get_data(as_text=True))
    assert "超时办结" in head and "正常" not in head and "label-danger" not in head


def test_the_timeline_names_the_agency_of_a_sub_task_event(app):
    case = closed_case("时间线有限公司", dt.timedelta(minutes=30))
    task = case.subtasks[0]
    clerk = client_for(app, "ly_clerk")
    clerk.get("/lang/zh_CN")
    page = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    timeline = page[page.rfind("<table"):]
    assert f"子任务办结（{task.agency_name} · {task.item_name}）" in timeline
