"""The audit log: screen and API writes with before → after (personal data masked), lifecycle
actions, logins, full-identifier views; append-only; a scoped, filterable, exportable screen."""

from __future__ import annotations

import csv
import io

from conftest import client_for, csrf_token, login, module_demo_app, post_form
import pytest

from console.audit.models import AppendOnlyError, AuditEntry
from console.cli import DEMO_PASSWORD
from models import Agency, ServiceItem, StaffMember, Window

app = module_demo_app()


def latest(**query) -> AuditEntry:
    entry = AuditEntry.objects(**query).order_by("-at").first()
    assert entry is not None, f"no audit entry for {query}"
    return entry


def test_add_edit_delete_on_a_screen_are_recorded_with_before_and_after(app):
    client = client_for(app, "ly_admin")
    form = {"code": "LY-AUD", "counter": "Z1", "name": "审计窗口", "kind": "enterprise_opening",
            "is_open": "y"}
    assert post_form(client, "/windowview/add", form).status_code == 302
    window = Window.objects.get(code="LY-AUD")
    created = latest(kind="create", document="Window", record=str(window.pk))
    assert (created.actor, created.centre, created.address) == ("ly_admin", "LY", "127.0.0.1")
    post_form(client, f"/windowview/edit/{window.pk}", {**form, "name": "改名窗口"})
    changed = latest(kind="update", record=str(window.pk))
    name = next(change for change in changed.changes if change.field == "name")
    assert (name.before, name.after) == ("审计窗口", "改名窗口")
    token = csrf_token(client, "/windowview/add")
    client.post(f"/windowview/delete/{window.pk}", data={"csrf_token": token})
    assert latest(kind="delete", record=str(window.pk)).changes


def test_personal_data_is_masked_in_the_changes(app):
    client = client_for(app, "ly_admin")
    staff = StaffMember.objects(centre="LY").first()
    old_phone = staff.phone
    data = {"name": staff.name, "role": staff.role, "phone": "13912345678", "active": "y"}
    if staff.agency:
        data["agency"] = str(staff.agency.pk) if hasattr(staff.agency, "pk") else staff.agency
    post_form(client, f"/staffmemberview/edit/{staff.pk}", data)
    entry = latest(kind="update", record=str(staff.pk))
    phone = next(change for change in entry.changes if change.field == "phone")
    assert phone.after == "139****5678" and old_phone not in phone.before
    assert "13912345678" not in str(entry.to_mongo())


def test_lifecycle_actions_are_recorded(app):
    from tests_support import open_case_for

    case = open_case_for("LY")
    entry = latest(kind="action", record=str(case.pk))
    assert entry.centre == "LY" and "open" in entry.summary and entry.actor == "ly_clerk"


def test_logins_are_recorded_success_and_failure(app):
    client = app.test_client()
    login(client, "ly_supervisor", "wrong-password")
    assert latest(kind="login_failed", actor="ly_supervisor").centre == "LY"
    login(client, "nobody-here", "wrong-password")
    assert latest(kind="login_failed", actor="nobody-here")
    login(client, "ly_supervisor", DEMO_PASSWORD)
    assert latest(kind="login", actor="ly_supervisor").address == "127.0.0.1"
    app.test_client().post("/api/v1/security/login", json={
        "username": "mj_admin", "password": DEMO_PASSWORD, "provider": "db"})
    assert latest(kind="login", actor="mj_admin").centre == "MJ"


def test_liaison_phones_are_masked_and_revealing_one_is_recorded(app):
    agency = Agency.objects(centre="LY", liaisons__0__exists=True).first() or \
        Agency.objects(liaisons__0__exists=True).first()
    phone = agency.liaisons[0].phone
    clerk = client_for(app, "ly_clerk")
    for url in ("/agencyview/list/", f"/agencyview/show/{agency.pk}"):
        page = clerk.get(url).get_data(as_text=True)
        assert phone not in page
    assert clerk.get(f"/agencyview/reveal/{agency.pk}/liaisons.phone").status_code in (302, 403)
    admin = client_for(app, "ly_admin")
    shown = admin.get(f"/agencyview/reveal/{agency.pk}/liaisons.phone")
    assert shown.status_code == 200 and phone in shown.get_data(as_text=True)
    entry = latest(kind="reveal", record=str(agency.pk))
    assert entry.actor == "ly_admin"
    assert admin.get(f"/agencyview/reveal/{agency.pk}/code").status_code == 404


def test_show_pages_offer_the_full_value_only_to_roles_allowed_to_see_it(app):
    staff = StaffMember.objects(centre="LY").first()
    link = f"/staffmemberview/reveal/{staff.pk}/phone"
    admin_page = client_for(app, "ly_admin").get(f"/staffmemberview/show/{staff.pk}")
    assert link in admin_page.get_data(as_text=True)
    assert staff.phone not in admin_page.get_data(as_text=True)
    complaints = client_for(app, "ly_complaints").get(f"/staffmemberview/show/{staff.pk}")
    assert complaints.status_code == 200
    assert link not in complaints.get_data(as_text=True)
    assert staff.phone not in complaints.get_data(as_text=True)


def test_the_log_is_append_only(app):
    with app.app_context():
        entry = AuditEntry.objects.first()
        entry.summary = "tampered"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects(pk=entry.pk).update(set__summary="x")
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/audit")}
    assert not any(part in rule for rule in rules for part in ("/add", "/edit", "/delete"))


def test_the_screen_is_scoped_filterable_and_exportable(app):
    post_form(client_for(app, "mj_admin"), "/windowview/add", {
        "code": "MJ-AUD", "counter": "Z2", "name": "孟津审计", "kind": "enterprise_opening",
        "is_open": "y"})
    ly_admin = client_for(app, "ly_admin")
    page = ly_admin.get("/audit/list/?psize_AuditLogView=100").get_data(as_text=True)
    assert "ly_admin" in page and "mj_admin" not in page
    supervisor = client_for(app, "ly_supervisor")
    assert supervisor.get("/audit/list/").status_code == 200
    assert client_for(app, "ly_clerk").get("/audit/list/").status_code in (302, 403)
    export = ly_admin.get("/audit/export/?_flt_0_kind=login")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    body = export.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) > 1 and all(row[4] in ("Signed in", "登录") for row in rows[1:])
    assert all(row[1] == "LY" for row in rows[1:])


def test_shared_records_changed_by_the_super_administrator_are_recorded(app):
    admin = client_for(app, "admin")
    item = ServiceItem.objects(centre=None).first()
    before = AuditEntry.objects(record=str(item.pk)).count()
    admin.get(f"/serviceitemview/show/{item.pk}")
    assert AuditEntry.objects(record=str(item.pk)).count() == before
