"""The agency API (/api/v1/subtask/) on the demo centres: tokens, what an agency account sees,
the version check, refusals with their status codes, and a whole chain driven by the agencies'
own systems with no super-administrator."""

from __future__ import annotations

import datetime as dt

from conftest import login, module_demo_app
from flask import Flask
from flask_jwt_extended import create_access_token
import prison
import pymongo.errors

from console.accounts import NewLogin, create_login
from console.cli import DEMO_PASSWORD
from models import Window
from models import case as c
from models import lifecycle as life
from models.case import Case

BASE = "/api/v1/subtask/"
CLERK = life.Actor("ly_clerk", frozenset({"Clerk"}), "LY")
MJ_CLERK = life.Actor("mj_clerk", frozenset({"Clerk"}), "MJ")
APPLICANT = {"company_name": "洛阳云帆科技有限公司", "legal_rep_name": "王强",
             "legal_rep_id": "11010519491231002X", "phone": "13803791234",
             "address": "洛阳市洛龙区开元大道218号"}
# The results each agency of the chain records (the items' declared result fields).
RESULTS = {
    "LY-AMR": {"licence_number": "L-0001", "credit_code": "91410300MA9F12345E"},
    "LY-PSB": {"seals": ["公章", "财务专用章", "发票专用章"]},
    "LY-TAX": {"invoice_count": 25, "ukey_serial": "UK-778899"},
    "LY-SI": {"registration_number": "SI-1"},
    "LY-MI": {"registration_number": "MI-1"},
    "LY-HF": {"registration_number": "HF-1"},
    "PBC-LY": {"bank_name": "中国工商银行洛阳分行", "account_number": "1705020109000012345"},
}
# 09:00 in Luoyang on Wednesday 6 May 2026, as stored (naive UTC).
A_WEDNESDAY = dt.datetime(2026, 5, 6, 1, 0)


def _system_logins(app: Flask) -> None:
    """One AgencySystem login per agency of the chain."""
    for agency in RESULTS:
        name = f"sys_{agency.lower().replace('-', '_')}"
        if not app.appbuilder.sm.find_user(username=name):
            create_login(app.appbuilder.sm, NewLogin(
                username=name, password="system1234", email=f"{name}@example.org",
                role="AgencySystem", centre="LY", agency=agency))


app = module_demo_app(_system_logins)


def token(app: Flask, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db"})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def system(app: Flask, agency: str) -> dict[str, str]:
    return token(app, f"sys_{agency.lower().replace('-', '_')}", "system1234")


def accepted_case(centre: str = "LY", now: dt.datetime | None = None) -> Case:
    """A full-chain case accepted at the centre's first window, every material received."""
    clerk = CLERK if centre == "LY" else MJ_CLERK
    window = Window.objects.get(centre=centre, code="W01")
    case = life.open_case(clerk, window=window, items=life.chain_items(window),
                          applicant=APPLICANT, mode=c.FULL_CHAIN, now=now)
    life.start_review(case, clerk, now=now)
    life.record_materials(case, clerk, {row.name: (c.RECEIVED,) for row in case.materials},
                          now=now)
    return life.accept(case, clerk, now=now)


def task_of(case: Case, agency: str) -> c.SubTask:
    return next(task for task in case.subtasks if task.agency == agency)


def url(case: Case, task: c.SubTask, action: str = "") -> str:
    return f"{BASE}{case.number}/{task.key}" + (f"/{action}" if action else "")


def q(**args) -> dict:
    return {"q": prison.dumps(args)}


def snapshot(case: Case) -> dict:
    return Case.objects.get(pk=case.pk).to_mongo().to_dict()


def test_a_token_is_required_and_a_bad_one_is_401(app):
    client = app.test_client()
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, headers={"Authorization": "Bearer not.a.token"}).status_code == 401
    forged = token(app, "ly_amr_system")["Authorization"][:-4] + "AAAA"
    assert client.get(BASE, headers={"Authorization": forged}).status_code == 401
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="ly_amr_system")
        expired = create_access_token(identity=str(user.id),
                                      expires_delta=dt.timedelta(seconds=-60))
    response = client.get(BASE, headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and response.json["message"]
    assert client.get(BASE, headers=token(app, "ly_amr_system")).status_code == 200


def test_the_session_cookie_alone_cannot_write(app):
    with app.app_context():
        case = accepted_case()
    task = task_of(case, "LY-AMR")
    browser = app.test_client()
    assert login(browser, "ly_approver", DEMO_PASSWORD).status_code == 302
    before = snapshot(case)
    response = browser.post(url(case, task, "start"), json={"version": case.version})
    assert response.status_code == 401
    assert snapshot(case) == before


def test_an_agency_sees_and_changes_only_its_own_sub_tasks(app):
    with app.app_context():
        case = accepted_case()
        theirs = accepted_case("MJ")
    amr, psb = task_of(case, "LY-AMR"), task_of(case, "LY-PSB")
    headers = system(app, "LY-AMR")
    client = app.test_client()
    listed = client.get(BASE, headers=headers, query_string=q(page_size=100)).json
    assert listed["count"] >= 1 and {row["agency"] for row in listed["result"]} == {"LY-AMR"}
    assert theirs.number not in {row["case"] for row in listed["result"]}
    row = client.get(url(case, amr), headers=headers).json["result"]
    assert row["status"] == c.PENDING and row["actions"] == ["start", "request-supplement",
                                                             "complete", "reject"]
    assert "legal_rep_id" not in row and APPLICANT["phone"] not in str(row)  # no personal data
    # Another agency's sub-task, another centre's case: as unknown as a missing one.
    assert client.get(url(case, psb), headers=headers).status_code == 404
    mj_task = task_of(theirs, "MJ-AMR")
    assert client.get(url(theirs, mj_task), headers=headers).status_code == 404
    before = snapshot(case)
    response = client.post(url(case, psb, "reject"), headers=headers,
                           json={"version": case.version, "reason": "x"})
    assert response.status_code == 404 and snapshot(case) == before
    # The intake account reads no cases here (only the status endpoint).
    assert client.get(BASE, headers=token(app, "ly_intake")).status_code == 403
    # A clerk has no business with the agencies' API.
    assert client.get(BASE, headers=token(app, "ly_clerk")).status_code == 403


def test_a_stale_version_is_409_and_writes_nothing(app):
    with app.app_context():
        case = accepted_case()
    task = task_of(case, "LY-AMR")
    headers, client = system(app, "LY-AMR"), app.test_client()
    version = client.get(url(case, task), headers=headers).json["result"]["version"]
    with app.app_context():  # the approver starts it on the screen meanwhile
        life.start_subtask(Case.objects.get(pk=case.pk), life.Actor(
            "ly_approver", frozenset({"Approver"}), "LY", "LY-AMR"), task.key)
    before = snapshot(case)
    response = client.post(url(case, task, "request-supplement"), headers=headers,
                           json={"version": version, "reason": "股东签字不全"})
    assert response.status_code == 409 and "changed" in response.json["message"]
    assert snapshot(case) == before
    fresh = client.get(url(case, task), headers=headers).json["result"]
    assert fresh["version"] == version + 1 and fresh["status"] == c.IN_PROGRESS
    response = client.post(url(case, task, "request-supplement"), headers=headers,
                           json={"version": fresh["version"], "reason": "股东签字不全"})
    assert response.status_code == 200 and response.json["result"]["status"] == c.SUPPLEMENT
    stored = Case.objects.get(pk=case.pk)
    assert stored.timeline[-1].actor == "sys_ly_amr" and stored.timeline[-1].note == "股东签字不全"


def test_refusals_have_their_status_and_field_messages(app):
    with app.app_context():
        case = accepted_case()
    amr, seal = task_of(case, "LY-AMR"), task_of(case, "LY-PSB")
    headers, client = system(app, "LY-AMR"), app.test_client()
    before = snapshot(case)
    post = client.post
    assert post(url(case, amr, "start"), headers=headers, data="{",
                content_type="application/json").status_code == 400
    assert post(url(case, amr, "start"), headers=headers, json=[1]).status_code == 400
    missing = post(url(case, amr, "start"), headers=headers, json={})
    assert missing.status_code == 422 and "version" in missing.json["message"]
    typed = post(url(case, amr, "start"), headers=headers, json={"version": "1"})
    assert typed.status_code == 422 and "version" in typed.json["message"]
    no_reason = post(url(case, amr, "reject"), headers=headers, json={"version": case.version})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["message"]
    results = post(url(case, amr, "complete"), headers=headers,
                   json={"version": case.version, "results": {"licence_number": "L-1",
                                                               "invoice_count": 3}})
    assert results.status_code == 422 and "results" in results.json["message"]
    huge = post(url(case, amr, "start"), headers=headers,
                json={"version": case.version, "note": "字" * 70_000})
    assert huge.status_code == 413
    assert post(url(case, amr, "fly"), headers=headers,
                json={"version": case.version}).status_code == 404
    assert client.get(BASE, headers=headers, query_string={"q": "(page:"}).status_code == 400
    assert client.get(BASE, headers=headers,
                      query_string=q(page_size=1000)).status_code == 400
    assert client.get(BASE, headers=headers,
                      query_string=q(changed_since="yesterday")).status_code == 400
    # The seal waits for the licence: the transition table refuses, with its reason.
    psb = system(app, "LY-PSB")
    waiting = post(url(case, seal, "start"), headers=psb, json={"version": case.version})
    assert waiting.status_code == 422 and "waits for" in waiting.json["message"]
    assert snapshot(case) == before


def test_the_database_down_is_503(app, monkeypatch):
    headers = system(app, "LY-AMR")

    class Down:
        @staticmethod
        def objects(**_kwargs):
            raise pymongo.errors.ServerSelectionTimeoutError("no servers")

    monkeypatch.setattr("console.api.agency.Case", Down)
    response = app.test_client().get(f"{BASE}LY-1/abc", headers=headers)
    assert response.status_code == 503 and response.json["message"]


def test_overdue_and_changed_since_filters(app):
    with app.app_context():
        late = accepted_case(now=A_WEDNESDAY)
        fresh = accepted_case()
    headers, client = system(app, "LY-AMR"), app.test_client()
    overdue = client.get(BASE, headers=headers, query_string=q(overdue=True, page_size=100))
    numbers = {row["case"] for row in overdue.json["result"]}
    assert late.number in numbers and fresh.number not in numbers
    row = next(row for row in overdue.json["result"] if row["case"] == late.number)
    # Accepted 09:00 on 6 May in Luoyang, the licence promised in two open hours: due 11:00.
    assert row["deadline"] == "2026-05-06T03:00:00Z" and row["deadline_state"] == c.OVERDUE
    since = (fresh.changed_at - dt.timedelta(seconds=1)).isoformat() + "Z"
    changed = client.get(BASE, headers=headers, query_string=q(changed_since=since))
    numbers = {row["case"] for row in changed.json["result"]}
    assert fresh.number in numbers and late.number not in numbers
    paged = client.get(BASE, headers=headers, query_string=q(page=0, page_size=1)).json
    assert len(paged["result"]) == 1 and paged["count"] >= 2


def test_a_whole_chain_through_each_agency_system(app):
    """No super-administrator: each agency's own system starts and completes its sub-task."""
    with app.app_context():
        case = accepted_case()
    client = app.test_client()
    order = ["LY-AMR", *[agency for agency in RESULTS if agency != "LY-AMR"]]
    for agency in order:
        headers = system(app, agency)
        task = task_of(case, agency)
        current = client.get(url(case, task), headers=headers).json["result"]
        started = client.post(url(case, task, "start"), headers=headers,
                              json={"version": current["version"]})
        assert started.status_code == 200, started.json
        done = client.post(url(case, task, "complete"), headers=headers, json={
            "version": started.json["result"]["version"], "results": RESULTS[agency]})
        assert done.status_code == 200, done.json
        assert done.json["result"]["status"] == c.DONE
    case.reload()
    assert case.state == c.READY and case.credit_code == "91410300MA9F12345E"
    actors = {event.actor for event in case.timeline if event.subtask}
    assert actors == {f"sys_{a.lower().replace('-', '_')}" for a in RESULTS}
    with app.app_context():
        life.deliver(case, CLERK, recipient="王强")
    assert Case.objects.get(pk=case.pk).state == c.DELIVERED


def test_a_shared_agencys_system_serves_every_centre(app):
    """The bank (a shared agency) has one system for LY and MJ; it still sees only its own."""
    with app.app_context():
        ours, theirs = accepted_case(), accepted_case("MJ")
    headers, client = token(app, "pbc_system"), app.test_client()
    listed = client.get(BASE, headers=headers, query_string=q(page_size=100)).json["result"]
    assert {ours.number, theirs.number} <= {row["case"] for row in listed}
    assert {row["agency"] for row in listed} == {"PBC-LY"}
    bank = task_of(theirs, "PBC-LY")
    assert client.get(url(theirs, bank), headers=headers).json["result"]["status"] == c.WAITING
    assert client.get(url(ours, task_of(ours, "LY-AMR")), headers=headers).status_code == 404


def test_a_login_without_its_provider_is_400_naming_it_not_a_500(app):
    client = app.test_client()
    response = client.post("/api/v1/security/login", json={
        "username": "ly_amr_system", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "provider" in response.json["message"]
    chinese = client.post("/api/v1/security/login", headers={"Accept-Language": "zh-CN"},
                          json={"username": "ly_amr_system", "password": DEMO_PASSWORD})
    assert chinese.status_code == 400


def test_refusals_are_json_sentences_in_the_requests_language(app):
    """A body without Content-Type was Werkzeug's 415 HTML page, a login of the wrong role got
    FAB's English "Forbidden", and field messages were marshmallow's English."""
    from flask_babel import force_locale

    from console.api.common import translated

    with app.app_context():
        case = accepted_case()
    amr = task_of(case, "LY-AMR")
    headers, client = system(app, "LY-AMR"), app.test_client()
    before = snapshot(case)
    bare = client.post(url(case, amr, "start"), headers=headers, data="version=1")
    assert bare.status_code == 400 and "Content-Type: application/json" in bare.json["message"]
    for name in ("ly_clerk", "ly_supervisor", "ly_intake"):
        refused = client.get(BASE, headers=token(app, name))
        assert refused.status_code == 403
        assert refused.json["message"] == "This account may not use this part of the API."
    assert snapshot(case) == before
    with app.test_request_context(), force_locale("zh_CN"):
        assert translated({"version": ["Missing data for required field."],
                           "reason": ["Length must be between 1 and 1000."],
                           "applicant": {"phone": ["Not a valid string."]},
                           "odd": ["Something marshmallow says that we do not know."]}) == {
            "version": ["缺少必填字段。"], "reason": ["长度须在 1 到 1000 之间。"],
            "applicant": {"phone": ["不是有效的字符串。"]},
            "odd": ["Something marshmallow says that we do not know."]}
