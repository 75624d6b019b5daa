"""One mask for personal data on every surface: the same ID number (6+4) and phone (3+4) on
the case page, the printed documents (print view and PDF), the exports and the audit log. The
one exception, pinned in test_printables: the liaison list prints the agencies' liaisons' work
phones in full, since it exists so the window can call them."""

from __future__ import annotations

import csv
import io
import re

from conftest import client_for, module_demo_app, post_form
from test_case_screens import ID_NUMBER
from test_printables import accepted, pdftotext

from console.audit.log import mask_value
from console.audit.models import AuditEntry
from forms.validators import mask_id_number, mask_phone
from models.case import Case
from models.staff import StaffMember

PHONE = "13803791234"
MASKED_ID = "110105********002X"  # region code and last four: the issue's "ID 6+4"
MASKED_PHONE = "138****1234"


app = module_demo_app()


def test_the_rule():
    assert mask_id_number(ID_NUMBER) == MASKED_ID
    assert mask_id_number("11010519491231002x") == MASKED_ID  # check character upper-cased
    assert mask_phone(PHONE) == MASKED_PHONE == mask_phone("+86 138-0379-1234")
    assert mask_id_number("12345") == "*****" and mask_id_number("") == ""


def test_a_case_s_identifiers_are_masked_the_same_on_every_surface(app):
    clerk, case = accepted(app, company_name="脱敏一致测试有限公司")
    surfaces = {
        "screen": clerk.get(f"/cases/{case.pk}").get_data(as_text=True),
        "print view": clerk.get(f"/printables/cases/{case.pk}/receipt/html").get_data(
            as_text=True),
        "PDF": re.sub(r"\s+", "", pdftotext(
            clerk.get(f"/printables/cases/{case.pk}/receipt/pdf").data)),
        "export": clerk.get("/exports/cases.csv?state=all&q=脱敏一致").get_data(
            as_text=True),
        "audit log": " ".join(mask_value(Case._fields[name], name, value) for name, value in (
            ("legal_rep_id", ID_NUMBER), ("phone", PHONE))),
    }
    for surface, text in surfaces.items():
        assert MASKED_ID in text and MASKED_PHONE in text, surface
        assert ID_NUMBER not in text and PHONE not in text, surface
        assert "110***********002X" not in text, surface  # the old 3+4 screen mask


def test_a_staff_phone_is_masked_the_same_on_every_surface(app):
    admin = client_for(app, "ly_admin")
    staff = StaffMember.objects(centre="LY", active=True).order_by("name").first()
    data = {"name": staff.name, "role": staff.role, "phone": "13912345678", "active": "y"}
    if staff.agency:
        data["agency"] = str(staff.agency.pk)
    assert post_form(admin, f"/staffmemberview/edit/{staff.pk}", data).status_code == 302
    entry = AuditEntry.objects(kind="update", record=str(staff.pk)).order_by("-at").first()
    masked = "139****5678"
    export = list(csv.reader(io.StringIO(admin.get("/exports/staff.csv").get_data(
        as_text=True)[1:])))
    surfaces = {
        "screen": admin.get(f"/staffmemberview/show/{staff.pk}").get_data(as_text=True),
        "list": admin.get("/staffmemberview/list/?psize_StaffMemberView=100").get_data(
            as_text=True),
        "PDF": pdftotext(admin.get("/printables/lists/staff/pdf").data),
        "export": "\n".join(",".join(row) for row in export),
        "audit log": next(change.after for change in entry.changes if change.field == "phone"),
    }
    for surface, text in surfaces.items():
        assert masked in text and "13912345678" not in text, surface
