"""Password policy: length, not the username, not a common password; in forms and the CLI."""

from __future__ import annotations

from conftest import client_for, demo_app, post_form
import pytest

from console import storage
from console.passwords import problems
from console.security.models import User


@pytest.fixture(scope="module")
def app():
    app = demo_app()
    yield app
    storage.disconnect()


@pytest.fixture(autouse=True)
def _no_connection_leaks():
    yield


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
