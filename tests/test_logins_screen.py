"""The logins screen through real form posts: a centre administrator manages only their own
centre's logins, with the centre roles only; refusals create nothing."""

from __future__ import annotations

from conftest import client_for, csrf_token, flashes, login, module_demo_app
import pytest

from console.cli import DEMO_PASSWORD
from console.security.models import User
from models.staff import StaffMember

app = module_demo_app()


def post(client, url: str, **data):
    token = csrf_token(client, url)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_centre_administrator_lists_only_their_centres_logins(app):
    page = client_for(app, "ly_admin").get("/logins/").get_data(as_text=True)
    assert 'data-username="ly_clerk"' in page and 'data-username="ly_amr_system"' in page
    assert "何静怡" in page  # the staff member's name beside the login
    assert 'data-username="mj_clerk"' not in page and 'data-username="admin"' not in page
    assert client_for(app, "ly_clerk").get("/logins/").status_code in (302, 403)


def test_a_centre_administrator_creates_a_login_tied_to_a_staff_member(app):
    admin = client_for(app, "ly_admin")
    staff = StaffMember.objects.get(centre="LY", name="孙浩")
    response = post(admin, "/logins/new", username="ly_sunhao", centre="LY", staff=str(staff.pk),
                    role="Clerk", agency="", active="y", password="sunhao1234")
    assert response.status_code == 302, flashes(admin)
    user = User.objects.get(username="ly_sunhao")
    assert user.centre == "LY" and [r.name for r in user.roles] == ["Clerk"]
    assert user.first_name == "孙浩" and staff.reload().username == "ly_sunhao"
    assert login(app.test_client(), "ly_sunhao", "sunhao1234").status_code == 302


@pytest.mark.parametrize("data", [
    {"role": "Admin"},  # never the super-administrator's role
    {"role": "Approver", "agency": ""},  # an approver needs an agency
    {"role": "Clerk", "agency": "LY-AMR"},  # a clerk belongs to no agency
    {"role": "Approver", "agency": "MJ-AMR"},  # another centre's agency
    {"role": "Clerk", "centre": "MJ"},  # another centre
    {"role": "Clerk", "staff": "x"},  # another centre's staff (below) or none
    {"role": "Clerk", "password": "short"},
])
def test_refused_logins_are_not_created(app, data):
    admin = client_for(app, "ly_admin")
    if data.get("staff") == "x":
        data = {**data, "staff": str(StaffMember.objects.get(centre="MJ", name="孙悦").pk)}
    before = User.objects.count()
    form = {"username": "ly_refused", "centre": "LY", "staff": "", "agency": "",
            "active": "y", "password": "refused1234", **data}
    response = post(admin, "/logins/new", **form)
    assert response.status_code == 200
    assert User.objects.count() == before


def test_other_centres_and_the_super_administrator_are_out_of_reach(app):
    admin = client_for(app, "ly_admin")
    for username in ("admin", "mj_clerk"):
        user = User.objects.get(username=username)
        assert admin.get(f"/logins/{user.pk}").status_code == 404
        token = csrf_token(admin, "/logins/new")
        response = admin.post(f"/logins/{user.pk}", data={
            "csrf_token": token, "role": "Clerk", "centre": "LY", "password": "taken12345"})
        assert response.status_code == 404
    assert [r.name for r in User.objects.get(username="admin").roles] == ["Admin"]


def test_deactivating_a_login_stops_it_signing_in(app):
    admin = client_for(app, "ly_admin")
    user = User.objects.get(username="ly_supervisor")
    response = post(admin, f"/logins/{user.pk}", username="ly_supervisor", centre="LY",
                    staff="", role="Supervisor", agency="", password="")
    assert response.status_code == 302, flashes(admin)
    assert not User.objects.get(username="ly_supervisor").active
    assert "/login" in login(app.test_client(), "ly_supervisor", DEMO_PASSWORD).location


def test_the_super_administrator_manages_every_centre(app):
    page = client_for(app, "admin").get("/logins/").get_data(as_text=True)
    assert 'data-username="mj_clerk"' in page and 'data-username="ly_clerk"' in page


def test_a_centre_role_without_a_centre_sees_nothing(app):
    """Made outside the screen (the screen and the CLI always give one): it sees no centre's
    records rather than every centre's."""
    security = app.appbuilder.sm
    with app.app_context():
        security.add_user("stray_clerk", "S", "C", "stray@example.org",
                          security.find_role("Clerk"), DEMO_PASSWORD)
    stray = app.test_client()
    assert login(stray, "stray_clerk", DEMO_PASSWORD).status_code == 302
    assert "企业开办综合窗口一" not in stray.get("/windowview/list/").get_data(as_text=True)
    page = client_for(app, "ly_clerk").get("/windowview/list/").get_data(as_text=True)
    assert "企业开办综合窗口一" in page
