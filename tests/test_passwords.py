"""Password policy: length, not the username, not a common password; in forms and the CLI."""

from __future__ import annotations

from conftest import client_for, module_demo_app, post_form
from flask_appbuilder.cli import fab
import pytest

from console.cli import DEMO_PASSWORD
from console.passwords import PasswordRefused, problems
from console.security.models import User

app = module_demo_app()


@pytest.mark.parametrize("password, reason", [
    ("short1!", "at least 10 characters"),
    ("wangfang-2026-x", "must not contain the username"),
    ("qwertyuiop", "too common"),
    ("password123", "too common"),
])
def test_refused_passwords(app, password, reason):
    with app.test_request_context():
        assert any(reason in text for text in problems(password, ["wangfang"]))


def test_a_good_password_passes(app):
    with app.test_request_context():
        assert problems("Luoyang-window-7f", ["wangfang"]) == []


def test_administrator_reset_refuses_a_weak_password(app):
    admin = client_for(app, "admin")
    user = User.objects.get(username="mj_clerk")
    before = user.password
    url = f"/resetpassword/form?pk={user.pk}"
    response = post_form(admin, url, {"password": "mj_clerk-pass", "conf_password":
                                      "mj_clerk-pass"})
    assert response.status_code == 200
    assert "must not contain the username" in response.get_data(as_text=True)
    assert User.objects.get(username="mj_clerk").password == before


def test_add_user_refuses_a_common_password(app):
    admin = client_for(app, "admin")
    count = User.objects.count()
    response = post_form(admin, "/users/add", {
        "first_name": "Li", "last_name": "Lei", "username": "lilei", "email": "li@example.cn",
        "active": "y", "password": "1234567890", "conf_password": "1234567890",
    })
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)
    assert User.objects.count() == count


def test_cli_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--centre", "LY", "--role", "Clerk", "--username", "ly_new",
        "--password", "ly_new12345", "--email", "ly_new@example.cn"])
    assert result.exit_code != 0
    assert "must not contain the username" in result.output
    assert not User.objects(username="ly_new").first()


def test_the_demo_logins_meet_the_policy(app):
    with app.test_request_context():
        assert problems(DEMO_PASSWORD, ["admin", "ly_clerk", "ly_admin"]) == []
    assert client_for(app, "admin").get("/").status_code in (200, 302)


def test_the_security_manager_refuses_a_weak_password_on_every_path(app):
    security = app.appbuilder.sm
    with app.app_context():
        with pytest.raises(PasswordRefused, match="too common"):
            security.add_user("weakling", "W", "K", "weak@example.cn",
                              security.find_role("Clerk"), "password123")
        assert not User.objects(username="weakling").first()
        user = User.objects.get(username="mj_clerk")
        with pytest.raises(PasswordRefused, match="at least 10 characters"):
            security.reset_password(user.id, "short")
        assert User.objects.get(username="mj_clerk").password == user.password


def test_fab_create_admin_and_reset_password_refuse_weak_passwords(app):
    runner = app.test_cli_runner()
    made = runner.invoke(fab, args=["create-admin", "--username", "root2", "--firstname",
                               "R", "--lastname", "T", "--email", "root2@example.cn",
                               "--password", "qwertyuiop"])
    assert made.exit_code != 0 and "too common" in made.output
    assert not User.objects(username="root2").first()
    before = User.objects.get(username="ly_clerk").password
    reset = runner.invoke(fab, args=["reset-password", "--username", "ly_clerk",
                                "--password", "ly_clerk-2026"])
    assert reset.exit_code != 0 and "must not contain the username" in reset.output
    assert User.objects.get(username="ly_clerk").password == before


def test_the_logins_screen_refuses_a_weak_password(app):
    admin = client_for(app, "ly_admin")
    response = post_form(admin, "/logins/new", {
        "username": "ly_weak", "centre": "LY", "staff": "", "role": "Clerk", "agency": "",
        "active": "y", "password": "12345678"})
    assert response.status_code == 200
    assert "at least 10 characters" in response.get_data(as_text=True)
    assert not User.objects(username="ly_weak").first()
