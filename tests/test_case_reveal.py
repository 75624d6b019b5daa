"""Resident ID numbers and phones on case pages: masked, with an audited link to the full value
for the centre's clerks only."""

from __future__ import annotations

from conftest import client_for, module_demo_app
import pytest
from tests_support import open_case_for

from console.audit.models import AuditEntry
from forms.validators import mask_id_number

app = module_demo_app()


@pytest.fixture(scope="module")
def case(app):
    with app.app_context():
        return open_case_for("LY")


def test_the_clerk_sees_the_id_masked_and_the_full_value_is_recorded(app, case):
    clerk = client_for(app, "ly_clerk")
    page = clerk.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert case.legal_rep_id not in page and mask_id_number(case.legal_rep_id) in page
    link = f"/cases/{case.pk}/reveal/legal_rep_id"
    assert link in page
    shown = clerk.get(link)
    assert shown.status_code == 200 and case.legal_rep_id in shown.get_data(as_text=True)
    entry = AuditEntry.objects(kind="reveal", record=str(case.pk)).order_by("-at").first()
    assert entry.actor == "ly_clerk" and "legal_rep_id" in entry.summary
    assert clerk.get(f"/cases/{case.pk}/reveal/company_name").status_code == 404


@pytest.mark.parametrize("username", ["ly_approver", "ly_tax", "ly_supervisor", "ly_admin"])
def test_other_roles_never_get_the_full_id(app, case, username):
    client = client_for(app, username)
    before = AuditEntry.objects(kind="reveal", record=str(case.pk)).count()
    page = client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert f"/cases/{case.pk}/reveal/" not in page
    for column in ("legal_rep_id", "phone"):
        response = client.get(f"/cases/{case.pk}/reveal/{column}")
        assert response.status_code in (302, 403)
        assert case.legal_rep_id not in response.get_data(as_text=True)
    assert AuditEntry.objects(kind="reveal", record=str(case.pk)).count() == before


def test_another_centres_clerk_gets_nothing(app, case):
    response = client_for(app, "mj_clerk").get(f"/cases/{case.pk}/reveal/legal_rep_id")
    assert response.status_code == 404
    assert case.legal_rep_id not in response.get_data(as_text=True)
