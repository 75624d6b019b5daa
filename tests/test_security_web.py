"""FAB's security screens and CLI on MongoSecurityManager, through the real app, real forms with
their CSRF tokens, and (where persistence matters) the embedded store across a restart."""

from __future__ import annotations

from conftest import csrf_token, login, make_app
from flask import Flask
from flask.testing import FlaskClient
import mongomock
import pytest

from console import cli, storage
from console.cli import DEMO_PASSWORD
from console.security.models import (
    Group,
    Permission,
    PermissionView,
    Role,
    User,
    ViewMenu,
)
from models import ServiceCentre

ADMIN = {"username": "admin", "password": "Adm1n-pass", "email": "admin@example.cn"}


def run(app: Flask, *args: str) -> str:
    """``onewindow <args>`` against ``app`` (FAB's ``fab`` group comes from its entry point, which
    only the console script's FlaskGroup loads, not ``app.cli``)."""
    result = app.test_cli_runner().invoke(cli.main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def create_admin(app: Flask) -> None:
    output = run(
        app, "fab", "create-admin", "--username", ADMIN["username"], "--firstname", "Admin",
        "--lastname", "User", "--email", ADMIN["email"], "--password", ADMIN["password"],
    )
    assert "Admin User admin created" in output


def provisioned_app(uri: str | None = None) -> Flask:
    """An app whose permissions exist (``onewindow init``) and that has an administrator."""
    app = make_app(uri)
    run(app, "init")
    create_admin(app)
    return app


def post_form(client: FlaskClient, url: str, data: dict, form_url: str | None = None):
    """Post ``data`` to ``url`` with the CSRF token of the form page (``form_url`` or ``url``)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def snapshot() -> dict:
    """Everything the security collections hold, to prove that nothing was written."""
    documents = (User, Role, Group, Permission, ViewMenu, PermissionView)
    return {
        document.__name__: sorted(map(str, document.objects.as_pymongo()))
        for document in documents
    }


def logout(client: FlaskClient) -> None:
    client.get("/logout/")


def pk_of(document) -> str:
    return str(document.pk)


# ---------------------------------------------------------------- sign-in and access


def test_admin_signs_in_after_a_restart_and_a_restricted_role_is_refused(tmp_path):
    uri = f"embedded://{tmp_path}/store"
    provisioned_app(uri)
    storage.disconnect()

    app = make_app(uri)  # a restart on the same folder
    try:
        client = app.test_client()
        signed_in = login(client, ADMIN["username"], ADMIN["password"])
        assert signed_in.status_code == 302
        assert "/login" not in signed_in.headers["Location"]
        page = client.get("/users/list/")
        assert page.status_code == 200 and ADMIN["email"] in page.get_data(as_text=True)

        # The administrator creates, through the screens, a role that may only list groups…
        with app.app_context():
            pv = app.appbuilder.sm.find_permission_view_menu("can_list", "UserGroupModelView")
            assert pv is not None
        response = post_form(
            client, "/roles/add", {"name": "Group reader", "permissions": pk_of(pv)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        role = Role.objects.get(name="Group reader")
        assert role.permissions == [pv]

        # … and a user holding it (every user but the super-administrator works for a centre).
        with app.app_context():
            ServiceCentre(code="LY", name="洛阳市民之家", level="city", region="洛阳市").save()
        response = post_form(
            client,
            "/users/add",
            {
                "first_name": "Zhang",
                "last_name": "Wei",
                "username": "zhangwei",
                "active": "y",
                "email": "zhangwei@example.cn",
                "roles": pk_of(role),
                "centre": "LY",
                "password": "Reader-pass1",
                "conf_password": "Reader-pass1",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        reader = User.objects.get(username="zhangwei")
        assert reader.roles == [role] and reader.password != "Reader-pass1"
        logout(client)

        # The reader may open no form, so keep the token of the sign-in form for the posts.
        token = csrf_token(client, "/login/")
        assert login(client, "zhangwei", "Reader-pass1").status_code == 302
        assert client.get("/groups/list/").status_code == 200
        before = snapshot()
        for url in ("/users/list/", "/roles/list/", "/groups/add", "/permissions/list/",
                    f"/users/show/{pk_of(reader)}", "/users/userinfo/"):
            assert client.get(url).status_code == 403, url
        # Writes are refused (403, not a CSRF 400) and nothing changes.
        refused = [
            client.post("/groups/add", data={"name": "x", "csrf_token": token}),
            client.post(f"/roles/delete/{pk_of(role)}", data={"csrf_token": token}),
            client.post(f"/users/edit/{pk_of(reader)}", data={
                "first_name": "Z", "last_name": "W", "username": "zhangwei",
                "email": "zhangwei@example.cn", "roles": pk_of(Role.objects.get(name="Admin")),
                "csrf_token": token,
            }),
        ]
        assert [response.status_code for response in refused] == [403, 403, 403]
        assert snapshot() == before
        logout(client)

        # Signed out, a protected screen sends the browser to the sign-in form.
        response = client.get("/users/list/")
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    finally:
        storage.disconnect()


@pytest.fixture
def admin_app() -> Flask:
    app = provisioned_app()
    yield app
    storage.disconnect()


@pytest.fixture
def admin_client(admin_app: Flask) -> FlaskClient:
    client = admin_app.test_client()
    assert login(client, ADMIN["username"], ADMIN["password"]).status_code == 302
    return client


def test_wrong_password_is_refused_and_counted(admin_app):
    client = admin_app.test_client()
    response = login(client, ADMIN["username"], "wrong-password")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert client.get("/users/list/").status_code == 302  # still signed out
    assert User.objects.get(username="admin").fail_login_count == 1
    assert login(client, "nobody", "wrong-password").status_code == 302
    assert login(client, ADMIN["username"], ADMIN["password"]).status_code == 302
    admin = User.objects.get(username="admin")
    assert (admin.fail_login_count, admin.login_count) == (0, 1)


def test_login_form_requires_its_csrf_token(admin_app):
    client = admin_app.test_client()
    client.get("/login/")
    response = client.post(
        "/login/", data={"username": ADMIN["username"], "password": ADMIN["password"]}
    )
    assert response.status_code in (200, 400)
    assert client.get("/users/list/").status_code == 302
    assert User.objects.get(username="admin").login_count == 0


def test_admin_resets_a_password_and_users_reset_their_own(admin_app, admin_client):
    with admin_app.app_context():
        clerk = admin_app.appbuilder.sm.add_user(
            "clerk", "Li", "Na", "clerk@example.cn",
            admin_app.appbuilder.sm.find_role("Admin"), DEMO_PASSWORD,
        )
    url = f"/resetpassword/form?pk={pk_of(clerk)}"
    response = post_form(
        admin_client, url, {"password": "New-pass-19", "conf_password": "New-pass-19"}
    )
    assert response.status_code == 302
    logout(admin_client)
    assert "/login/" in login(admin_client, "clerk", DEMO_PASSWORD).headers["Location"]
    assert "/login/" not in login(admin_client, "clerk", "New-pass-19").headers["Location"]

    response = post_form(
        admin_client, "/resetmypassword/form",
        {"password": "Own-pass-19", "conf_password": "Own-pass-19"},
    )
    assert response.status_code == 302
    logout(admin_client)
    assert "/login/" not in login(admin_client, "clerk", "Own-pass-19").headers["Location"]


def test_security_screens_render(admin_app, admin_client):
    admin = User.objects.get(username="admin")
    for url in (
        "/users/list/", "/users/add", f"/users/show/{pk_of(admin)}", f"/users/edit/{pk_of(admin)}",
        "/users/userinfo/", "/roles/list/", "/roles/add", "/groups/list/", "/groups/add",
        "/permissions/list/", "/viewmenus/list/", "/permissionviews/list/",
        "/resetmypassword/form", f"/resetpassword/form?pk={pk_of(admin)}",
        "/userinfoeditview/form",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    role = Role.objects.get(name="Admin")
    assert admin_client.get(f"/roles/show/{pk_of(role)}").status_code == 200
    assert admin_client.get("/users/show/not-an-id").status_code == 404


def test_admin_edits_a_user_and_manages_groups(admin_app, admin_client):
    admin_role = Role.objects.get(name="Admin")
    response = post_form(admin_client, "/groups/add", {
        "name": "window", "label": "Window clerks", "description": "Front desk",
        "roles": pk_of(admin_role),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    group = Group.objects.get(name="window")
    admin = User.objects.get(username="admin")

    url = f"/users/edit/{pk_of(admin)}"
    response = post_form(admin_client, url, {
        "first_name": "Chief", "last_name": "Admin", "username": "admin", "active": "y",
        "email": ADMIN["email"], "roles": pk_of(admin_role), "groups": pk_of(group),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    admin.reload()
    assert admin.first_name == "Chief" and admin.groups == [group]
    assert admin.changed_by == admin
    assert group.users == [admin]
    show = admin_client.get(f"/groups/show/{pk_of(group)}").get_data(as_text=True)
    assert "Chief Admin" in show or "admin" in show

    # A group with members cannot be deleted from its screen.
    token = csrf_token(admin_client, "/groups/add")
    admin_client.post(f"/groups/delete/{pk_of(group)}", data={"csrf_token": token})
    assert Group.objects(pk=group.pk).count() == 1

    # The group's "Users" box writes membership onto the users.
    response = post_form(admin_client, f"/groups/edit/{pk_of(group)}", {
        "name": "window", "label": "Window clerks", "description": "", "users": [],
        "roles": pk_of(admin_role),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    assert User.objects.get(username="admin").groups == []
    token = csrf_token(admin_client, "/groups/add")
    admin_client.post(f"/groups/delete/{pk_of(group)}", data={"csrf_token": token})
    assert Group.objects(pk=group.pk).count() == 0


def test_role_with_users_cannot_be_deleted(admin_client):
    role = Role.objects.get(name="Admin")
    token = csrf_token(admin_client, "/roles/add")
    admin_client.post(f"/roles/delete/{pk_of(role)}", data={"csrf_token": token})
    assert Role.objects(pk=role.pk).count() == 1


# ---------------------------------------------------------------- CLI


def test_fab_cli_commands(admin_app, tmp_path):
    output = run(
        admin_app, "fab", "create-user", "--role", "Public", "--username", "wu",
        "--firstname", "Wu", "--lastname", "Gang", "--email", "wu@example.cn",
        "--password", DEMO_PASSWORD,
    )
    assert "User wu created" in output
    output = run(
        admin_app, "fab", "create-user", "--role", "Nope", "--username", "x",
        "--firstname", "x", "--lastname", "x", "--email", "x@example.cn", "--password", "x",
    )
    assert "Role not found" in output
    output = run(
        admin_app, "fab", "create-admin", "--username", "admin", "--firstname", "A",
        "--lastname", "B", "--email", "other@example.cn", "--password", "x",
    )
    assert "already exists" in output
    assert User.objects.count() == 2

    output = run(admin_app, "fab", "list-users")
    assert "username:admin" in output and "username:wu" in output and "[Public]" in output

    assert "reseted" in run(
        admin_app, "fab", "reset-password", "--username", "wu", "--password", "new-" + DEMO_PASSWORD
    )
    client = admin_app.test_client()
    assert "/login/" not in login(client, "wu", "new-" + DEMO_PASSWORD).headers["Location"]

    # A view-menu no view or menu uses any more is removed with its grants.
    with admin_app.app_context():
        sm = admin_app.appbuilder.sm
        stale = sm.add_permission_view_menu("can_list", "RemovedView")
        sm.add_permission_role(sm.find_role("Admin"), stale)
    assert "Finished security cleanup" in run(admin_app, "fab", "security-cleanup")
    assert ViewMenu.objects(name="RemovedView").count() == 0
    assert stale not in Role.objects.get(name="Admin").permissions
    assert PermissionView.objects(view_menu__ne=None).count() > 0

    path = tmp_path / "roles.json"
    run(admin_app, "fab", "export-roles", "--path", str(path))
    run(admin_app, "fab", "import-roles", "--path", str(path))
    assert '"name": "Admin"' in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- per-request cache


def test_a_page_reads_permissions_once(admin_app, admin_client, monkeypatch):
    """The list page checks many permissions (menu, buttons, actions); all those checks
    together read the roles and grants once, not once per check."""
    reads: list[str] = []
    original_find = mongomock.collection.Collection.find

    def find(self, *args, **kwargs):
        reads.append(self.name)
        return original_find(self, *args, **kwargs)

    monkeypatch.setattr(mongomock.collection.Collection, "find", find)
    manager_class = type(admin_app.appbuilder.sm)
    checks: list[str] = []
    reads_in_checks: list[str] = []

    def counted(name):
        original = getattr(manager_class, name)

        def check(self, *args, **kwargs):
            checks.append(name)
            before = len(reads)
            try:
                return original(self, *args, **kwargs)
            finally:
                reads_in_checks.extend(reads[before:])

        monkeypatch.setattr(manager_class, name, check)

    for name in ("has_access", "get_user_menu_access", "is_item_public"):
        counted(name)

    assert admin_client.get("/users/list/").status_code == 200
    assert checks.count("has_access") >= 10
    # Roles of the user, their grants (roles, permission-views, permissions, view-menus),
    # and the public role for the is_item_public checks: each read once.
    assert len(reads_in_checks) <= 8, reads_in_checks
    assert reads_in_checks.count("ab_permission_view") <= 2


def test_statistics_profile_edit_and_role_copy(admin_app, admin_client):
    # FAB's login-count charts (Google Charts from the internet) are not registered.
    assert admin_client.get("/userstatschartview/chart/").status_code == 404
    response = post_form(
        admin_client, "/userinfoeditview/form", {"first_name": "Big", "last_name": "Boss"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin").get_full_name() == "Big Boss"

    role = Role.objects.get(name="Admin")
    token = csrf_token(admin_client, "/roles/add")
    response = admin_client.post(
        "/roles/action_post",
        data={"action": "copyrole", "rowid": [pk_of(role)], "csrf_token": token},
    )
    assert response.status_code == 302
    assert Role.objects.get(name="Admin copy").permissions == role.permissions


def test_registration_requests_screen(tmp_path):
    app = make_app(AUTH_USER_REGISTRATION=True, AUTH_USER_REGISTRATION_ROLE="Public")
    try:
        run(app, "init")
        create_admin(app)
        with app.app_context():
            app.appbuilder.sm.add_register_user("new", "New", "Comer", "new@example.cn", "pw")
        client = app.test_client()
        assert login(client, ADMIN["username"], ADMIN["password"]).status_code == 302
        page = client.get("/registeruser/list/")
        assert page.status_code == 200 and "new@example.cn" in page.get_data(as_text=True)
    finally:
        storage.disconnect()


def _username_value(page: str) -> str | None:
    import re

    field = re.search(r'<input[^>]*name="username"[^>]*>', page)
    assert field, "no username field on the login page"
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else None


def _input(page: str, name: str) -> str:
    import re

    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_a_failed_login_shows_the_form_again_with_the_username_but_not_the_password(admin_app):
    client = admin_app.test_client()
    response = login(client, ADMIN["username"], "wrong-password")
    # Still FAB's redirect back to the form: the rate limit counts it as a failure.
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _username_value(page) == ADMIN["username"]
    assert "wrong-password" not in page
    # The cursor starts in the password box, not in the kept username (tests/browser/test_login).
    assert "autofocus" in _input(page, "password") and "autofocus" not in _input(page, "username")
    assert "无效的用户名或密码" in page  # the failure, in the default language
    # Only once: the next visit to the form starts empty again.
    fresh = client.get("/login/").get_data(as_text=True)
    assert not _username_value(fresh)
    assert "autofocus" in _input(fresh, "username") and "autofocus" not in _input(fresh, "password")


def test_the_kept_username_does_not_tell_whether_the_login_exists(admin_app):
    pages = {}
    for username in (ADMIN["username"], "nobody-here"):
        client = admin_app.test_client()
        location = login(client, username, "wrong-password").headers["Location"]
        page = client.get(location).get_data(as_text=True)
        assert _username_value(page) == username
        pages[username] = _username_value(page), "无效的用户名或密码" in page
    assert pages[ADMIN["username"]][1] == pages["nobody-here"][1] is True


def test_a_signed_in_user_never_sees_an_earlier_typed_username(admin_app):
    client = admin_app.test_client()
    token = csrf_token(client, "/login/")
    client.post("/login/", data={"username": "nobody-here", "password": "wrong-password",
                                 "csrf_token": token})
    # Signed in straight away, without showing the form in between.
    signed_in = client.post("/login/", data={**ADMIN, "csrf_token": token})
    assert signed_in.status_code == 302 and "/login/" not in signed_in.headers["Location"]
    logout(client)
    assert not _username_value(client.get("/login/").get_data(as_text=True))
