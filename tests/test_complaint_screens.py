"""Complaint, rating, rectification and review screens through real form posts (CSRF on), on the
demo centres: the path, the queue's order, and each refusal leaving everything as it was."""

from __future__ import annotations

import datetime as dt
import re

from conftest import DEMO_PASSWORDS, client_for, csrf_token, flashes, module_demo_app
from flask import Flask
from flask.testing import FlaskClient

from models import complaint as m
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.case import Case
from models.complaint import Complaint
from models.item import ServiceItem
from models.rating import Rating, Rectification
from models.review import Review
from models.staff import StaffMember
from models.window import Window

LY_CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), centre="LY")
LY_HANDLER = life.Actor("ly_complaints", frozenset({"ComplaintHandler"}), centre="LY")
ADMIN = life.Actor("admin", frozenset({"Admin"}))


def _mj_handler(app: Flask) -> None:
    """A complaint handler at MJ too, through the CLI."""
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--centre", "MJ", "--role", "ComplaintHandler", "--username",
        "mj_complaints", "--password", DEMO_PASSWORDS["mj_complaints"],
        "--email", "mj_complaints@example.org"])
    assert result.exit_code == 0, result.output


app = module_demo_app(_mj_handler)


def snapshot() -> list[dict]:
    return [doc.to_mongo().to_dict() for doc in Complaint.objects.order_by("number")]


def post(client: FlaskClient, url: str, form_url: str, **data) -> list[tuple[str, str]]:
    token = csrf_token(client, form_url)
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return flashes(client)


def act(client: FlaskClient, complaint: Complaint, action: str, **data):
    return post(client, f"/complaints/{complaint.pk}/act/{action}", "/complaints/new", **data)


def log_on_screen(client: FlaskClient, **overrides) -> Complaint | None:
    window = Window.objects.get(centre="LY", code="W01")
    data = {"channel": "hotline", "complainant_name": "张三",
            "complainant_phone": "13803791234", "subject_kind": "window",
            "window": str(window.pk), "category": "attitude", "description": "等候时间过长无人解释"}
    data.update(overrides)
    before = Complaint.objects.count()
    token = csrf_token(client, "/complaints/new")
    response = client.post("/complaints/new", data={**data, "csrf_token": token})
    if Complaint.objects.count() == before:
        return None
    assert response.status_code == 302
    return Complaint.objects.order_by("-id").first()


def delivered_case(company: str = "洛阳星河商贸有限公司") -> Case:
    window = Window.objects.get(centre="LY", code="W01")
    case = life.open_case(LY_CLERK, window=window, items=[ServiceItem.objects.get(
        code="LY-EO-SEAL")], mode="single_item", applicant={
            "company_name": company, "legal_rep_name": "王强",
                                        "legal_rep_id": "11010519491231002X",
                                        "phone": "13803791234", "address": "洛阳市"})
    life.start_review(case, LY_CLERK)
    life.record_materials(case, LY_CLERK, {
        row.name: (("tolerated", dt.date(2030, 1, 1)) if row.requirement == "tolerated"
                   else ("received", None)) for row in case.materials})
    life.accept(case, LY_CLERK)
    for task in list(case.subtasks):
        life.complete_subtask(case, ADMIN, task.key, {"seals": ["公章"]})
    life.deliver(case, LY_CLERK, results=["印章"], recipient="王强")
    return case


def test_the_path_through_the_screens(app):
    clerk = client_for(app, "ly_clerk")
    window = Window.objects.get(centre="LY", code="W01")
    assert f">{window}</option>" in clerk.get("/complaints/new").get_data(as_text=True)
    complaint = log_on_screen(clerk)
    assert complaint.state == m.RECEIVED and complaint.logged_by == "ly_clerk"
    assert complaint.number.startswith("LY-TS-")
    page = clerk.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    assert "13803791234" not in page and "138****1234" in page  # masked
    assert "Start investigating" not in page  # a clerk only logs

    handler = client_for(app, "ly_complaints")
    assert complaint.number in handler.get("/complaints/queue").get_data(as_text=True)
    assert ("success", "Done.") in act(handler, complaint, "investigate", note="调取录像")
    act(handler, complaint, "resolve", finding="属实", upheld="yes", measures="批评教育")
    act(handler, complaint, "close", informed_via="phone", satisfaction="4")
    complaint.reload()
    assert complaint.state == m.CLOSED and complaint.upheld and complaint.satisfaction == 4
    page = handler.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    assert "Investigation started" in page and "Complainant informed, closed" in page
    supervisor = client_for(app, "ly_supervisor")
    assert complaint.number in supervisor.get("/complaints/").get_data(as_text=True)


def test_refusals_on_the_screens_write_nothing(app):
    handler = client_for(app, "ly_complaints")
    complaint = cl.log_complaint(LY_HANDLER, centre="LY", channel="online", category="fees",
                                 description="收取了费用", subject=Window.objects.get(
                                     centre="LY", code="W02"), anonymous=True)
    before = snapshot()
    # A clerk resolving: the screen refuses (no permission to act).
    clerk = client_for(app, "ly_clerk")
    token = csrf_token(clerk, "/complaints/new")
    clerk.post(f"/complaints/{complaint.pk}/act/investigate", data={"csrf_token": token})
    assert snapshot() == before
    # A handler of another centre: not found at all.
    mj = client_for(app, "mj_complaints")
    assert mj.get(f"/complaints/{complaint.pk}").status_code == 404
    token = csrf_token(mj, "/complaints/new")
    assert mj.post(f"/complaints/{complaint.pk}/act/investigate",
                   data={"csrf_token": token}).status_code == 404
    assert complaint.number not in mj.get("/complaints/queue").get_data(as_text=True)
    assert snapshot() == before
    # Closing without a finding.
    messages = act(handler, complaint, "close", informed_via="phone")
    assert messages[0][0] == "danger" and "Not possible" in messages[0][1]
    act(handler, complaint, "investigate")
    before = snapshot()
    messages = act(handler, complaint, "resolve", finding="", upheld="yes")
    assert messages[0][0] == "danger" and "finding" in messages[0][1]
    assert snapshot() == before


def test_a_case_of_another_centre_is_refused_as_subject(app):
    mj_case = Case(number="MJ-20261101-0001", centre="MJ", company_name="孟津甲",
                   legal_rep_name="李四", legal_rep_id="11010519491231002X",
                   phone="13803791234", address="孟津", created_at=dt.datetime(2026, 11, 1))
    mj_case.save()
    handler = client_for(app, "ly_complaints")
    before = snapshot()
    token = csrf_token(handler, "/complaints/new")
    response = handler.post("/complaints/new", data={
        "csrf_token": token, "channel": "hotline", "subject_kind": "case",
        "case_number": mj_case.number, "category": "delay", "description": "超时",
        "anonymous": "y"})
    assert response.status_code == 200 and "same centre" in response.get_data(as_text=True)
    assert snapshot() == before
    # Another centre's window id posted by hand is not even a choice.
    mj_window = Window.objects.get(centre="MJ", code="W01")
    assert log_on_screen(handler, window=str(mj_window.pk)) is None
    assert snapshot() == before


def test_bad_input_is_named_and_writes_nothing(app):
    handler = client_for(app, "ly_complaints")
    before = snapshot()
    token = csrf_token(handler, "/complaints/new")
    response = handler.post("/complaints/new", data={
        "csrf_token": token, "channel": "hotline", "subject_kind": "window",
        "window": str(Window.objects.get(centre="LY", code="W01").pk), "category": "fees",
        "complainant_name": "张三", "complainant_phone": "1380379", "description": ""})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("help-block") >= 2  # phone and description
    assert snapshot() == before


def test_the_subject_staff_member_never_reads_it(app):
    # 马红梅 is the staff member behind the ly_complaints login; 郭晓燕 behind ly_admin.
    handler_self = StaffMember.objects.get(centre="LY", username="ly_complaints")
    admin_self = StaffMember.objects.get(centre="LY", username="ly_admin")
    about_handler = cl.log_complaint(LY_CLERK, centre="LY", channel="letter",
                                     category="attitude", description="推诿",
                                     subject=handler_self, complainant_name="李四")
    about_admin = cl.log_complaint(LY_CLERK, centre="LY", channel="letter",
                                   category="inconsistent", description="答复不一",
                                   subject=admin_self, complainant_name="李四")
    handler = client_for(app, "ly_complaints")
    admin = client_for(app, "ly_admin")
    for client, own, other in ((handler, about_handler, about_admin),
                               (admin, about_admin, about_handler)):
        assert client.get(f"/complaints/{own.pk}").status_code == 404
        assert own.number not in client.get("/complaints/?state=all").get_data(as_text=True)
        assert own.number not in client.get("/complaints/queue").get_data(as_text=True)
        assert client.get(f"/complaints/{other.pk}").status_code == 200
    token = csrf_token(handler, "/complaints/new")
    assert handler.post(f"/complaints/{about_handler.pk}/act/investigate",
                        data={"csrf_token": token}).status_code == 404
    assert Complaint.objects.get(id=about_handler.id).state == m.RECEIVED


def test_queue_shows_overdue_first_then_soonest_deadline(app):
    window = Window.objects.get(centre="LY", code="W03")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    made = {}
    for name, days_ago in (("fresh", 0), ("old", 30), ("older", 60), ("middle", 3)):
        made[name] = cl.log_complaint(
            LY_HANDLER, centre="LY", channel="window", category="facilities",
            description=name, subject=window, anonymous=True,
            received_at=now - dt.timedelta(days=days_ago), now=now)
    page = client_for(app, "ly_complaints").get("/complaints/queue").get_data(as_text=True)
    positions = {name: page.index(c.number) for name, c in made.items()}
    assert positions["older"] < positions["old"] < positions["middle"] < positions["fresh"]
    assert page.count("Overdue") >= 2
    overdue = client_for(app, "ly_complaints").get("/complaints/?overdue=1").get_data(
        as_text=True)
    assert made["old"].number in overdue and made["fresh"].number not in overdue


def test_rating_screen_opens_a_rectification_closed_on_its_screen(app):
    case = delivered_case()
    clerk = client_for(app, "ly_clerk")
    assert client_for(app, "mj_clerk").get(f"/ratings/case/{case.pk}").status_code == 404
    messages = post(clerk, f"/ratings/case/{case.pk}", f"/ratings/case/{case.pk}",
                    score="1", comment="窗口要求额外材料")
    assert ("success", f"Rating of {case.number} recorded.") in messages
    rating = Rating.objects.get(case=case)
    assert rating.score == 1 and rating.recorded_by == "ly_clerk"
    assert StaffMember.objects.get(id=rating.staff.id).username == "ly_clerk"
    task = Rectification.objects.get(rating=rating)
    # Rating twice is refused.
    token = csrf_token(clerk, "/complaints/new")
    clerk.post(f"/ratings/case/{case.pk}", data={"csrf_token": token, "score": "5"})
    assert Rating.objects(case=case).count() == 1 and Rating.objects.get(case=case).score == 1

    handler = client_for(app, "ly_complaints")
    assert task.number in handler.get("/rectifications/").get_data(as_text=True)
    url = f"/rectifications/{task.pk}"
    messages = post(handler, f"{url}/act/close", url, measures="重新培训材料清单", callback_note="")
    assert messages[0][0] == "danger" and "Call the applicant back" in messages[0][1]
    assert Rectification.objects.get(id=task.id).state == "open"
    # The clerk may not close it.
    token = csrf_token(clerk, "/complaints/new")
    clerk.post(f"{url}/act/close", data={"csrf_token": token, "measures": "x",
                                         "callback_note": "y"})
    assert Rectification.objects.get(id=task.id).state == "open"
    post(handler, f"{url}/act/close", url, measures="重新培训材料清单", callback_note="申请人认可")
    assert Rectification.objects.get(id=task.id).state == "closed"


def test_the_case_page_shows_the_rating_and_offers_it_only_to_who_may_record_it(app):
    case = delivered_case("洛阳评价测试有限公司")
    clerk, supervisor = client_for(app, "ly_clerk"), client_for(app, "ly_supervisor")
    assert "Record the applicant" in clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Record the applicant" not in supervisor.get(f"/cases/{case.pk}").get_data(as_text=True)
    life.close(case, LY_CLERK, method="call", note="很满意", rating=5)
    html = supervisor.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Very satisfied" in html and "很满意" in html


def test_review_screen_keeps_a_review(app):
    handler = client_for(app, "ly_complaints")
    today = dt.date.today()
    url = f"/reviews/new?start={today - dt.timedelta(days=7)}&end={today + dt.timedelta(days=1)}"
    page = handler.get(url).get_data(as_text=True)
    assert "Per window" in page and "企业开办综合窗口" in page
    messages = post(handler, "/reviews/new", url, start=str(today - dt.timedelta(days=7)),
                    end=str(today + dt.timedelta(days=1)), conclusion="态度类投诉偏多",
                    measures="开展服务礼仪培训")
    assert ("success", "Review kept.") in messages
    review = Review.objects.get(centre="LY")
    assert review.reviewer == "ly_complaints" and review.windows
    supervisor = client_for(app, "ly_supervisor")
    assert "态度类投诉偏多" in supervisor.get(f"/reviews/{review.pk}").get_data(as_text=True)
    # A supervisor reads but does not keep reviews; another centre does not see it.
    token = csrf_token(handler, "/complaints/new")
    supervisor.post("/reviews/new", data={"csrf_token": token, "start": str(today),
                                          "end": str(today), "conclusion": "x", "measures": "y"})
    assert Review.objects.count() == 1
    assert client_for(app, "mj_complaints").get(f"/reviews/{review.pk}").status_code == 404


def test_list_filters_and_bad_values(app):
    window = Window.objects.get(centre="LY", code="W04")
    fees = cl.log_complaint(LY_HANDLER, centre="LY", channel="letter", category="fees",
                            description="多收费", subject=window, anonymous=True)
    handler = client_for(app, "ly_complaints")
    listed = handler.get(f"/complaints/?category=fees&window={window.pk}").get_data(
        as_text=True)
    assert fees.number in listed and "1 found" in listed
    other = handler.get("/complaints/?category=attitude").get_data(as_text=True)
    assert fees.number not in other
    assert fees.number in handler.get(f"/complaints/?q={fees.number}").get_data(as_text=True)
    response = handler.get("/complaints/?state=lost&category=noise&from=yesterday")
    page = response.get_data(as_text=True)  # each bad value named, none a 500
    assert response.status_code == 200
    assert "Unknown state “lost” ignored." in page and "Unknown value “noise” ignored." in page
    assert "“yesterday” is not a date" in page


def test_the_action_forms_selects_carry_visible_labels(app):
    # A select shows no placeholder: without a label, "Upheld" and the two closing choices read
    # only "—" on the page.
    handler = client_for(app, "ly_complaints")
    complaint = log_on_screen(handler, complainant_name="李四")
    act(handler, complaint, "investigate", note="调取录像")
    page = handler.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    labelled = r'<label for="resolve-upheld">Upheld</label>\s*<select[^>]*id="resolve-upheld"'
    assert re.search(labelled, page), page[page.find("upheld") - 300:page.find("upheld") + 200]
    act(handler, complaint, "resolve", finding="属实", upheld="yes", measures="批评教育")
    page = handler.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    for name, label in (("informed_via", "Complainant informed by"),
                        ("satisfaction", "Complainant's satisfaction")):
        assert f'<label for="close-{name}">{label}</label>' in page, name


def test_complaint_pages_name_people_not_logins(app):
    clerk = client_for(app, "ly_clerk")
    complaint = log_on_screen(clerk, complainant_name="王五")
    handler = client_for(app, "ly_complaints")
    act(handler, complaint, "investigate", note="调取录像")
    page = handler.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    names = {row.username: row.name for row in StaffMember.objects(
        username__in=["ly_clerk", "ly_complaints"])}
    # Logged by the clerk, handled by the complaint handler; the timeline names both.
    assert f"<td>{names['ly_clerk']}</td>" in page and f"<td>{names['ly_complaints']}</td>" in page
    assert ">ly_clerk<" not in page and ">ly_complaints<" not in page
    listed = handler.get("/complaints/?state=open").get_data(as_text=True)
    assert f"<td>{names['ly_complaints']}</td>" in listed and "<td>ly_complaints</td>" not in listed


def test_a_complaint_is_assigned_only_to_a_handler_of_its_centre(app):
    """The handler was a login typed by hand: another centre's login, a clerk's or a typo was
    taken and named on the complaint."""
    clerk, handler = client_for(app, "ly_clerk"), client_for(app, "ly_complaints")
    complaint = log_on_screen(clerk)
    page = handler.get(f"/complaints/{complaint.pk}").get_data(as_text=True)
    assert 'value="ly_complaints"' in page and 'value="ly_admin"' in page
    assert 'value="mj_complaints"' not in page and 'value="ly_clerk"' not in page
    before = snapshot()
    for login in ("mj_complaints", "mj_admin", "ly_clerk", "admin", "nobody"):
        shown = act(handler, complaint, "assign", handler=login, version=complaint.version)
        assert [kind for kind, _ in shown] == ["danger"], (login, shown)
    assert snapshot() == before
    shown = act(handler, complaint, "assign", handler="ly_admin", version=complaint.version)
    assert ("success", "Done.") in shown
    assert Complaint.objects.get(pk=complaint.pk).handler == "ly_admin"


def test_a_receipt_date_years_back_or_ahead_is_refused_on_the_form_in_chinese(app):
    """A complaint received six years ago was logged, overdue at once."""
    handler = client_for(app, "ly_complaints")
    handler.get("/lang/zh_CN")
    app.config["ONEWINDOW_NOW"] = dt.datetime(2026, 11, 23, 16, 5)  # 24 Nov 00:05 in China
    try:
        before = snapshot()
        for typed, text in (("2020-11-23 09:00", "不得早于 2026-08-26"),
                            ("2026-11-24 00:06", "不能晚于当前时间")):
            token = csrf_token(handler, "/complaints/new")
            response = handler.post("/complaints/new", data={
                "csrf_token": token, "channel": "letter", "subject_kind": "window",
                "window": str(Window.objects.get(centre="LY", code="W01").pk),
                "category": "attitude", "anonymous": "y", "description": "来信反映",
                "received_at": typed})
            assert response.status_code == 200 and text in response.get_data(as_text=True)
            assert snapshot() == before
        complaint = log_on_screen(handler, received_at="2026-08-26 00:00")
        assert complaint is not None and complaint.received_at == dt.datetime(2026, 8, 25, 16)
    finally:
        app.config["ONEWINDOW_NOW"] = None
        handler.get("/lang/en")
