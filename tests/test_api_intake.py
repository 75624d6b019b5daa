"""Online intake (一表填报), the public status look-up and the online guide, on the demo centres."""

from __future__ import annotations

import re

from conftest import client_for, module_demo_app
from flask import Flask
import pytest

from console.api import public
from console.cli import DEMO_PASSWORD
from models import case as c
from models.case import Case

APPLICANT = {"company_name": "洛阳青禾餐饮管理有限公司", "legal_rep_name": "李梅",
             "legal_rep_id": "11010519491231002X", "phone": "13803795678",
             "address": "洛阳市西工区中州中路100号"}


app = module_demo_app()


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    """The module's tests share one app and store; the look-up limits start afresh."""
    public.reset_limits(app)


def token(app: Flask, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db"})
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def form(key: str, **overrides) -> dict:
    return {"client_key": key, "mode": "partial_chain", "items": ["LY-EO-REG", "LY-EO-SEAL"],
            "applicant": APPLICANT, "materials": ["公司章程", "法定代表人身份证明"], **overrides}


def test_one_form_makes_one_case_in_window_review_even_when_retried(app):
    client, headers = app.test_client(), token(app, "ly_intake")
    before = Case.objects.count()
    first = client.post("/api/v1/intake/", json=form("k-00000001"), headers=headers)
    assert first.status_code == 201, first.json
    case = Case.objects.get(centre="LY", number=first.json["number"])
    assert case.state == c.REVIEW and case.channel == "online" and case.window.code == "W01"
    assert [e.actor for e in case.timeline] == ["ly_intake", "ly_intake"]
    assert "公司章程" in case.timeline[-1].note
    again = client.post("/api/v1/intake/", json=form("k-00000001"), headers=headers)
    assert again.status_code == 200 and again.json["number"] == case.number
    assert Case.objects.count() == before + 1
    # The same key for another form is refused; nothing is opened.
    other = client.post("/api/v1/intake/", json=form("k-00000001", mode="full_chain"),
                        headers=headers)
    assert other.status_code == 409 and Case.objects.count() == before + 1


def test_bad_forms_are_refused_with_field_messages_and_open_nothing(app):
    client, headers = app.test_client(), token(app, "ly_intake")
    before = Case.objects.count()
    missing = client.post("/api/v1/intake/", json={"client_key": "k-00000002"}, headers=headers)
    assert missing.status_code == 422
    assert {"items", "applicant"} <= set(missing.json["message"])
    unknown = client.post("/api/v1/intake/", json=form("k-00000003", items=["NOPE"]),
                          headers=headers)
    assert unknown.status_code == 422 and "items" in unknown.json["message"]
    bad_id = client.post("/api/v1/intake/", headers=headers, json=form(
        "k-00000004", applicant={**APPLICANT, "legal_rep_id": "110105194912310021"}))
    assert bad_id.status_code == 422
    # A refused form leaves its key free: the corrected form goes through.
    fixed = client.post("/api/v1/intake/", json=form("k-00000004"), headers=headers)
    assert fixed.status_code == 201
    assert Case.objects.count() == before + 1


def test_only_the_intake_account_submits(app):
    client = app.test_client()
    assert client.post("/api/v1/intake/", json=form("k-00000005")).status_code == 401
    response = client.post("/api/v1/intake/", json=form("k-00000005"),
                           headers=token(app, "ly_amr_system"))
    assert response.status_code == 403


def test_status_by_number_and_phone_digits_tells_nothing_more(app):
    client = app.test_client()
    created = client.post("/api/v1/intake/", json=form("k-00000006"),
                          headers=token(app, "ly_intake")).json
    number = created["number"]
    found = client.get(f"/api/v1/status/{number}", query_string={"code": "5678"})
    assert found.status_code == 200
    status = found.json["result"]
    assert status["state"] == c.REVIEW and status["collect_at"]["window"] == "W01"
    text = str(status)
    assert APPLICANT["phone"] not in text and APPLICANT["legal_rep_name"] not in text
    wrong = client.get(f"/api/v1/status/{number}", query_string={"code": "0000"})
    unknown = client.get("/api/v1/status/LY-20990101-9999", query_string={"code": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json == unknown.json


def test_status_is_rate_limited(app):
    client = app.test_client()
    answers = [client.get("/api/v1/status/LY-1", query_string={"code": "1234"}).status_code
               for _ in range(12)]
    assert answers[:10] == [404] * 10 and answers[-1] == 429


def test_the_guide_lists_items_with_materials_and_windows_with_hours(app):
    client = app.test_client()
    items = client.get("/api/v1/guide/LY/items").json["result"]
    registration = next(item for item in items if item["code"] == "LY-EO-REG")
    assert registration["materials"] and registration["fee"] == "0"
    assert not any(item["code"].startswith("MJ-") for item in items)
    windows = client.get("/api/v1/guide/LY/windows").json
    assert windows["opening_hours"] and any(w["code"] == "W01" for w in windows["windows"])
    assert client.get("/api/v1/guide/XX/windows").status_code == 404


def test_the_public_status_page_at_the_centre(app):
    created = app.test_client().post("/api/v1/intake/", json=form("k-00000007"),
                                     headers=token(app, "ly_intake")).json
    visitor = app.test_client()  # nobody signed in
    page = visitor.get("/status/")
    assert page.status_code == 200
    token_value = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    found = visitor.post("/status/", data={"number": created["number"], "code": "5678",
                                           "csrf_token": token_value.group(1)})
    text = found.get_data(as_text=True)
    assert 'id="status"' in text and "Window review" in text and "A01" in text  # the counter
    assert APPLICANT["phone"] not in text and APPLICANT["legal_rep_name"] not in text
    wrong = visitor.post("/status/", data={"number": created["number"], "code": "0000",
                                           "csrf_token": token_value.group(1)})
    unknown = visitor.post("/status/", data={"number": "LY-20990101-0001", "code": "5678",
                                             "csrf_token": token_value.group(1)})
    assert 'id="status"' not in wrong.get_data(as_text=True)
    assert "No case matches" in wrong.get_data(as_text=True)
    assert "No case matches" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("document,fields", [
    ("console.api.intake.IntakeKey", ("centre", "key")),  # the client key's reservation
    ("models.case.Case", ("centre", "number")),  # status, agency API look-ups
    ("models.case.Case", ("centre", "subtasks.agency")),  # the agency's list
    ("models.window.Window", ("centre", "is_open")),  # the guide, intake's window
    ("models.staff.StaffMember", ("username",)),  # the login's staff member
    ("console.security.models.User", ("centre",)),  # the logins screen
])
def test_the_new_queries_are_served_by_declared_indexes(document, fields):
    import importlib

    module, name = document.rsplit(".", 1)
    specs = getattr(importlib.import_module(module), name)._meta.get("index_specs") or []
    prefixes = [tuple(field for field, _ in spec["fields"])[: len(fields)] for spec in specs]
    assert fields in prefixes


def test_a_case_opened_online_names_the_program_not_a_login_as_its_clerk(app):
    """Its page says "Online intake (ly_intake)" / 网上申报（ly_intake）: no staff member opened
    it, and a bare login means nothing to the clerk who takes it over."""
    created = app.test_client().post("/api/v1/intake/", json=form("k-00000009"),
                                     headers=token(app, "ly_intake"))
    with app.app_context():
        case = Case.objects.get(centre="LY", number=created.json["number"])
    clerk = client_for(app, "ly_clerk")
    page = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "<th>Accepting clerk</th><td>Online intake (ly_intake)</td>" in page
    assert page.count("Online intake (ly_intake)") == 3  # and its two timeline events
    clerk.get("/lang/zh_CN")
    chinese = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "<th>受理人</th><td>网上申报（ly_intake）</td>" in chinese
