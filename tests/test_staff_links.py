"""`onewindow init` unlinks staff members from logins of another centre or of none (set before
the staff screen refused them), names each one with the name masked, and finds none the second
time."""

from __future__ import annotations

from conftest import demo_app
import pytest

from console import storage
from console.security.models import User
from models.staff import StaffMember


@pytest.fixture
def app():
    app = demo_app()
    yield app
    storage.disconnect()


def test_init_unlinks_foreign_logins_once_and_masks_names(app):
    runner = app.test_cli_runner()
    with app.app_context():
        staff = StaffMember._get_collection()
        unlinked = list(StaffMember.objects(centre="LY", username=None).order_by("name")[:2])
        own = StaffMember.objects(centre="LY", username="ly_clerk").get()
        # An MJ login freed from its own staff member, then given to an LY one.
        mj_member = StaffMember.objects(centre="MJ", username__ne=None).order_by("name").first()
        mj_login = mj_member.username
        staff.update_one({"_id": mj_member.pk}, {"$unset": {"username": ""}})
        assert not StaffMember.objects(username="admin").count()
        # As the staff screen took them before it checked: an MJ login, the super-admin's.
        staff.update_one({"_id": unlinked[0].pk}, {"$set": {"username": mj_login}})
        staff.update_one({"_id": unlinked[1].pk}, {"$set": {"username": "admin"}})
        users = User.objects.count()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "staff unlinked from a login of another centre: 2" in first.output
    assert f"staff {unlinked[0].pk} ({unlinked[0].name[0]}" in first.output
    assert f"login '{mj_login}' of centre MJ unlinked" in first.output
    assert "login 'admin' of no centre unlinked" in first.output
    for member in unlinked:
        assert member.name not in first.output  # masked: the family name only
    with app.app_context():
        assert [StaffMember.objects.get(pk=m.pk).username for m in unlinked] == [None, None]
        assert StaffMember.objects.get(pk=own.pk).username == "ly_clerk"  # its own: kept
        assert User.objects.count() == users  # the logins stay
        assert "username" not in staff.find_one({"_id": unlinked[0].pk})
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "staff unlinked from a login of another centre: 0" in second.output
    assert "unlinked\n" not in second.output.split(": 0", 1)[-1]
