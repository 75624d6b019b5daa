"""Permissions kept per process are never stale: a permission withdrawn from a role is refused on
the very next request, whether it was withdrawn by the security manager, by saving the role (as
the roles screen does), by another app instance on the same store or by another process; and the
navigation menu rendered once per set of roles is exactly Flask-AppBuilder's."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from conftest import client_for, demo_app, make_app
from flask import g
from flask_login import login_user
import pytest

from console import storage
from console.demo_data import DEMO_LOGINS
from console.security.menu import menu_html
from console.security.models import Role, User


@pytest.fixture
def app():
    app = demo_app()
    yield app
    storage.disconnect()


def may_list_cases(client) -> bool:
    response = client.get("/cases/")
    # A page the user's roles do not grant is refused in the console layout.
    assert response.status_code in (200, 403), response.status_code
    return response.status_code == 200


def case_list_grant(app):
    sm = app.appbuilder.sm
    return sm.find_role("Clerk"), sm.find_permission_view_menu("can_list", "CaseView")


def test_a_permission_withdrawn_by_the_manager_is_refused_on_the_next_request(app):
    clerk = client_for(app, "ly_clerk")
    assert may_list_cases(clerk)
    with app.app_context():
        role, grant = case_list_grant(app)
        app.appbuilder.sm.del_permission_role(role, grant)
    assert not may_list_cases(clerk)
    with app.app_context():
        role, grant = case_list_grant(app)
        app.appbuilder.sm.add_permission_role(role, grant)
    assert may_list_cases(clerk)


def test_a_role_saved_without_the_permission_is_refused_on_the_next_request(app):
    """The roles screen saves the role document: that write changes the stamp as well."""
    clerk = client_for(app, "ly_clerk")
    assert may_list_cases(clerk)
    with app.app_context():
        role, grant = case_list_grant(app)
        role.permissions = [pv for pv in role.permissions if pv.pk != grant.pk]
        role.save()
    assert not may_list_cases(clerk)


def test_the_roles_screen_withdraws_a_permission_for_the_next_request(app):
    clerk = client_for(app, "ly_clerk")
    admin = client_for(app, "admin")
    assert may_list_cases(clerk)
    with app.app_context():
        role, grant = case_list_grant(app)
        kept = [str(pv.pk) for pv in role.permissions if pv.pk != grant.pk]
    form = admin.get(f"/roles/edit/{role.pk}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = admin.post(f"/roles/edit/{role.pk}",
                          data={"name": "Clerk", "permissions": kept, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert grant not in Role.objects.get(pk=role.pk).permissions
    assert not may_list_cases(clerk)


def test_a_user_given_another_role_is_seen_on_the_next_request(app):
    """Roles are read from the user's own record on every request."""
    supervisor = client_for(app, "ly_supervisor")
    assert supervisor.get("/cases/new").status_code == 403
    with app.app_context():
        user = User.objects.get(username="ly_supervisor")
        user.roles = [*user.roles, app.appbuilder.sm.find_role("Clerk")]
        app.appbuilder.sm.update_user(user)
    assert supervisor.get("/cases/new").status_code == 200


def test_another_app_instance_on_the_same_store_withdraws_for_this_one(tmp_path):
    uri = f"embedded://{tmp_path}"
    serving = demo_app(ONEWINDOW_MONGODB_URI=uri)
    clerk = client_for(serving, "ly_clerk")
    assert may_list_cases(clerk)
    other = make_app(uri)  # a second worker's app on the same store, in this process
    try:
        with other.app_context():
            role, grant = case_list_grant(other)
            other.appbuilder.sm.del_permission_role(role, grant)
        assert not may_list_cases(clerk)
    finally:
        storage.disconnect()


WITHDRAW = textwrap.dedent("""
    import sys
    from console import create_app
    app = create_app({"ONEWINDOW_MONGODB_URI": sys.argv[1], "SECRET_KEY": "other-worker"})
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Clerk")
        grant = sm.find_permission_view_menu("can_list", "CaseView")
        if sys.argv[2] == "withdraw":
            sm.del_permission_role(role, grant)
        else:
            sm.add_permission_role(role, grant)
""")


def test_another_process_withdraws_for_every_worker(tmp_path):
    uri = f"embedded://{tmp_path}"
    app = demo_app(ONEWINDOW_MONGODB_URI=uri)
    try:
        clerk = client_for(app, "ly_clerk")
        assert may_list_cases(clerk)
        for change, allowed in (("withdraw", False), ("grant", True)):
            subprocess.run([sys.executable, "-c", WITHDRAW, uri, change], check=True,
                           capture_output=True, timeout=120)
            assert may_list_cases(clerk) is allowed
    finally:
        storage.disconnect()


def squeeze(html: str) -> str:
    return re.sub(r"\s+", "", html)


def test_the_menu_is_flask_appbuilders_for_every_login(app):
    """The menu kept per set of roles shows exactly the entries FAB's own template, asking
    entry by entry, shows each demo login."""
    loader = app.blueprints["appbuilder"].jinja_loader
    fab_menu = app.jinja_env.from_string(
        loader.get_source(app.jinja_env, "appbuilder/navbar_menu.html")[0])
    for username, *_ in DEMO_LOGINS:
        with app.test_request_context("/"):
            user = User.objects.get(username=username)
            login_user(user)
            g.user = user
            expected = fab_menu.render(menu=app.appbuilder.menu, appbuilder=app.appbuilder)
            assert squeeze(str(menu_html())) == squeeze(expected), username
            assert squeeze(str(menu_html())) == squeeze(expected), username  # from the cache


def test_a_withdrawn_menu_entry_leaves_the_menu_on_the_next_request(app):
    clerk = client_for(app, "ly_clerk")
    link = 'tabindex="-1" href="/cases/new"'  # the menu's link, not the page's button
    assert link in clerk.get("/cases/").get_data(as_text=True)
    with app.app_context():
        sm = app.appbuilder.sm
        sm.del_permission_role(sm.find_role("Clerk"),
                               sm.find_permission_view_menu("menu_access", "Open a case"))
    assert link not in clerk.get("/cases/").get_data(as_text=True)
