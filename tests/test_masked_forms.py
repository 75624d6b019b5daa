"""Edit forms show phones masked: unchanged they keep the stored value, a new value is checked
and replaces it, and the full value is an audited link for the roles allowed to see it."""

from __future__ import annotations

from conftest import client_for, csrf_token, module_demo_app
import pytest
from test_config_screens import form_fields

from console.audit.models import AuditEntry
from forms.validators import mask_phone
from models import Agency, StaffMember

app = module_demo_app()


def edit(client, url: str, changes: dict | None = None):
    """Open the edit form at ``url`` and post it back as a browser would, with ``changes``."""
    page = client.get(url).get_data(as_text=True)
    data = {**form_fields(page), "active": "y", **(changes or {})}
    return page, client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def staff_member() -> StaffMember:
    return StaffMember.objects(centre="LY", phone__ne=None).order_by("name").first()


def test_the_staff_form_shows_the_phone_masked_and_keeps_it_unchanged(app):
    staff = staff_member()
    client = client_for(app, "ly_admin")
    url = f"/staffmemberview/edit/{staff.pk}"
    page, saved = edit(client, url, {"name": staff.name + "（改）"})
    assert staff.phone not in page and mask_phone(staff.phone) in page
    assert saved.status_code == 302
    stored = StaffMember.objects.get(pk=staff.pk)
    assert stored.phone == staff.phone and stored.name == staff.name + "（改）"


def test_a_new_phone_is_checked_and_replaces_the_stored_one(app):
    staff = staff_member()
    client = client_for(app, "ly_admin")
    url = f"/staffmemberview/edit/{staff.pk}"
    _, refused = edit(client, url, {"phone": "12345"})
    assert refused.status_code == 200
    assert StaffMember.objects.get(pk=staff.pk).phone == staff.phone
    _, refused = edit(client, url, {"phone": "139****9999"})  # a masked value not its own
    assert refused.status_code == 200
    assert "Type the full number" in refused.get_data(as_text=True)
    assert StaffMember.objects.get(pk=staff.pk).phone == staff.phone
    _, saved = edit(client, url, {"phone": "139 1234 0000"})
    assert saved.status_code == 302
    assert StaffMember.objects.get(pk=staff.pk).phone == "13912340000"
    StaffMember.objects(pk=staff.pk).update(set__phone=staff.phone)


def test_a_masked_value_cannot_create_a_record(app):
    client = client_for(app, "ly_admin")
    url = "/staffmemberview/add"
    count = StaffMember.objects.count()
    response = client.post(url, data={
        "name": "新人", "role": "clerk", "phone": "139****0201", "active": "y",
        "csrf_token": csrf_token(client, url)})
    assert response.status_code == 200 and StaffMember.objects.count() == count


def test_the_liaison_rows_show_phones_masked_and_keep_them_unchanged(app):
    agency = Agency.objects(centre="LY", liaisons__0__exists=True).first()
    phones = [row.phone for row in agency.liaisons]
    client = client_for(app, "ly_admin")
    url = f"/agencyview/edit/{agency.pk}"
    page, saved = edit(client, url, {"name": agency.name + "（改）"})
    assert not any(phone in page for phone in phones)
    assert f"/agencyview/reveal/{agency.pk}/liaisons.phone" in page
    assert saved.status_code == 302
    stored = Agency.objects.get(pk=agency.pk)
    assert [row.phone for row in stored.liaisons] == phones
    assert stored.name == agency.name + "（改）"
    Agency.objects(pk=agency.pk).update(set__name=agency.name)


def test_the_form_links_to_the_full_value_and_viewing_it_is_recorded(app):
    staff = staff_member()
    client = client_for(app, "ly_admin")
    page = client.get(f"/staffmemberview/edit/{staff.pk}").get_data(as_text=True)
    link = f"/staffmemberview/reveal/{staff.pk}/phone"
    assert link in page
    before = AuditEntry.objects(kind="reveal", record=str(staff.pk)).count()
    shown = client.get(link)
    assert shown.status_code == 200 and staff.phone in shown.get_data(as_text=True)
    entry = AuditEntry.objects(kind="reveal", record=str(staff.pk)).order_by("-at").first()
    assert AuditEntry.objects(kind="reveal", record=str(staff.pk)).count() == before + 1
    assert entry.actor == "ly_admin"


@pytest.mark.parametrize("username", ["ly_complaints", "ly_supervisor", "ly_clerk"])
def test_roles_that_may_not_see_the_full_value_are_refused(app, username):
    staff = staff_member()
    agency = Agency.objects(centre="LY", liaisons__0__exists=True).first()
    client = client_for(app, username)
    before = AuditEntry.objects(kind="reveal").count()
    for url in (f"/staffmemberview/reveal/{staff.pk}/phone",
                f"/agencyview/reveal/{agency.pk}/liaisons.phone"):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert staff.phone not in response.get_data(as_text=True)
    assert AuditEntry.objects(kind="reveal").count() == before
    # Nor does another centre's administrator see this centre's numbers.
    assert client_for(app, "mj_admin").get(
        f"/staffmemberview/reveal/{staff.pk}/phone").status_code == 404
