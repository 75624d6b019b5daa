"""Sessions that end: logout, password change and deactivation end every session and token."""

from __future__ import annotations

from conftest import client_for, demo_app, login, post_form
import pytest

from console import storage
from console.cli import DEMO_PASSWORD
from console.security.models import User


@pytest.fixture
def app():
    app = demo_app()
    yield app
    storage.disconnect()


def signed_in(client) -> bool:
    response = client.get("/windowview/list/")
    return response.status_code == 200


def api_token(app, username="ly_admin", password=DEMO_PASSWORD, refresh=False):
    response = app.test_client().post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": refresh},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def api_works(app, token: str) -> bool:
    response = app.test_client().get(
        "/api/v1/menu/", headers={"Authorization": f"Bearer {token}"}
    )
    # A valid token reaches the permission check (200, or 403 for a role without the menu).
    assert response.status_code in (200, 401, 403)
    return response.status_code != 401


def test_logout_ends_a_copied_session_cookie(app):
    client = client_for(app, "ly_admin")
    copy = app.test_client()
    with client.session_transaction() as saved:
        stolen = dict(saved)
    with copy.session_transaction() as session:
        session.update(stolen)
    assert signed_in(copy)
    client.get("/logout/")
    assert not signed_in(copy)
    assert not signed_in(client)


def test_a_stale_cookie_does_not_end_the_current_session(app):
    old = client_for(app, "ly_admin")
    with old.session_transaction() as saved:
        stale = dict(saved)
    old.get("/logout/")
    current = client_for(app, "ly_admin")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stale)
    assert not signed_in(replay)
    assert signed_in(current)


def test_password_reset_by_an_administrator_ends_sessions_and_tokens(app):
    victim = client_for(app, "ly_clerk")
    token = api_token(app, "ly_clerk")["access_token"]
    assert api_works(app, token)
    admin = client_for(app, "admin")
    user = User.objects.get(username="ly_clerk")
    url = f"/resetpassword/form?pk={user.pk}"
    response = post_form(admin, url, {"password": "Luoyang-Clerk-2026",
                                      "conf_password": "Luoyang-Clerk-2026"})
    assert response.status_code == 302
    assert not signed_in(victim)
    assert not api_works(app, token)
    client_for_new = app.test_client()
    assert login(client_for_new, "ly_clerk", "Luoyang-Clerk-2026").status_code == 302
    assert signed_in(client_for_new)


def test_deactivation_ends_sessions(app):
    clerk = client_for(app, "ly_clerk")
    assert signed_in(clerk)
    user = User.objects.get(username="ly_clerk")
    user.active = False
    user.save()
    assert not signed_in(clerk)


def test_refresh_token_is_refused_after_logout(app):
    tokens = api_token(app, "ly_admin", refresh=True)
    client = app.test_client()
    refreshed = client.post("/api/v1/security/refresh",
                            headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert refreshed.status_code == 200
    browser = client_for(app, "ly_admin")
    browser.get("/logout/")
    again = client.post("/api/v1/security/refresh",
                        headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert again.status_code == 401


def test_token_lifetimes(app):
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"] <= 3600
    assert app.config["JWT_REFRESH_TOKEN_EXPIRES"] <= 24 * 3600


def test_changing_ones_own_password_ends_other_sessions_but_not_this_one(app):
    here = client_for(app, "ly_admin")
    elsewhere = client_for(app, "ly_admin")
    response = post_form(here, "/resetmypassword/form", {
        "password": "Luoyang-Admin-2026", "conf_password": "Luoyang-Admin-2026"})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)


def plain_fab_app(database: str):
    """A stock Flask-AppBuilder app on SQLAlchemy, whose users know nothing of session stamps."""
    from flask import Flask
    from flask_appbuilder import AppBuilder
    from flask_appbuilder.models.sqla.base import SQLA

    other = Flask("other")
    other.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", SECRET_KEY="other",
                        TESTING=True, WTF_CSRF_ENABLED=False)
    db = SQLA(other)
    with other.app_context():
        appbuilder = AppBuilder(other, db.session)
        db.create_all()
        sm = appbuilder.sm
        sm.add_user("boss", "B", "Oss", "boss@other.local", sm.find_role(sm.auth_role_admin),
                    DEMO_PASSWORD)
    return other


def test_apps_in_one_process_each_stamp_their_own_logins(tmp_path):
    """Each console app writes the stamp of its own logins only: a second console app and a
    stock FAB app in the same process log in, and every session stays valid."""
    uri = f"embedded://{tmp_path / 'store'}"
    first = demo_app(ONEWINDOW_MONGODB_URI=uri)
    from conftest import make_app

    second = make_app(uri)
    other = plain_fab_app(str(tmp_path / "other.sqlite"))
    try:
        clients = [client_for(first, "ly_admin"), client_for(second, "ly_clerk")]
        stranger = other.test_client()
        response = stranger.post("/login/", data={"username": "boss", "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "/login" not in response.location
        assert stranger.get("/users/list/").status_code == 200
        for client in clients:
            assert signed_in(client)
            with client.session_transaction() as session:
                assert session.get("_stamp")
    finally:
        storage.disconnect()
