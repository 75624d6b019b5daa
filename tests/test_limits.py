"""Login rate limits shared by all workers, a translated lockout, request size limits."""

from __future__ import annotations

import tempfile

from conftest import csrf_token, demo_app, login, make_app
import pytest

from console import storage
from console.cli import DEMO_PASSWORD
from console.limits import ConsoleStorage


@pytest.fixture
def app():
    app = demo_app(ONEWINDOW_LOGIN_RATE_LIMIT="3 per 15 minutes")
    yield app
    storage.disconnect()


def test_failed_logins_lock_the_address_out_even_for_the_right_password(app):
    client = app.test_client()
    for _ in range(3):
        assert login(client, "ly_admin", "wrong-password").status_code == 302
    locked = login(client, "ly_admin", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.get_data(as_text=True)
    # Nobody signed in.
    assert client.get("/windowview/list/").status_code in (302, 401, 403)


def test_successful_logins_do_not_count(app):
    client = app.test_client()
    for _ in range(5):
        assert "/login" not in login(client, "ly_admin", DEMO_PASSWORD).location
        client.get("/logout/")


def test_api_login_is_limited_too_and_answers_in_the_users_language(app):
    client = app.test_client()
    client.get("/lang/zh_CN")
    body = {"username": "ly_admin", "password": "nope", "provider": "db"}
    for _ in range(3):
        assert client.post("/api/v1/security/login", json=body).status_code == 401
    body["password"] = DEMO_PASSWORD
    locked = client.post("/api/v1/security/login", json=body)
    assert locked.status_code == 429
    message = locked.get_json()["message"]
    assert "登录失败次数过多" in message


def test_lockout_is_per_address(app):
    for _ in range(3):
        login(app.test_client(), "ly_admin", "wrong-password")
    other = app.test_client()
    response = other.post("/login/", environ_base={"REMOTE_ADDR": "10.1.2.3"}, data={
        "username": "ly_admin", "password": DEMO_PASSWORD,
        "csrf_token": csrf_token(other, "/login/")})
    assert response.status_code == 302 and "/login" not in response.location


def test_counters_are_shared_by_processes_on_the_embedded_store():
    """Two apps (two workers) on one embedded store see one count."""
    folder = tempfile.mkdtemp()
    first = make_app(f"embedded://{folder}")
    try:
        with first.app_context():
            counter = ConsoleStorage()
            counter.clear("k")
            counter.incr("k", 60)
            counter.incr("k", 60)
        storage.disconnect()
        second = make_app(f"embedded://{folder}")
        with second.app_context():
            assert ConsoleStorage().get("k") == 2
            assert ConsoleStorage().incr("k", 60) == 3
    finally:
        storage.disconnect()


def test_an_expired_window_starts_again():
    app = make_app()
    try:
        with app.app_context():
            counter = ConsoleStorage()
            counter.incr("w", 0)
            assert counter.get("w") == 0
            assert counter.incr("w", 60) == 1
    finally:
        storage.disconnect()


def test_a_huge_request_is_refused_before_anything_reads_it(app):
    client = app.test_client()
    client.get("/lang/zh_CN")
    response = client.post("/login/", data={"username": "x" * (20 * 1024 * 1024),
                                            "password": "p"})
    assert response.status_code == 413
    assert "太大" in response.get_data(as_text=True)


def test_an_overlong_login_field_is_refused_without_checking_a_password(app):
    client = app.test_client()
    token = csrf_token(client, "/login/")
    response = client.post("/login/", data={"username": "u" * 5000, "password": "p" * 5000,
                                            "csrf_token": token})
    assert response.status_code in (200, 302, 400)
    assert client.get("/windowview/list/").status_code != 200


def test_api_login_while_the_database_is_down_is_a_503_not_a_500():
    app = make_app("mongodb://127.0.0.1:9/onewindow", ONEWINDOW_MONGODB_TIMEOUT_MS=200,
                   TESTING=False)
    try:
        response = app.test_client().post("/api/v1/security/login", json={
            "username": "ly_admin", "password": DEMO_PASSWORD, "provider": "db"})
        assert response.status_code == 503
        assert "数据库" in response.get_json()["message"]  # the default language: Chinese
    finally:
        storage.disconnect()


@pytest.mark.parametrize("store", ["mongomock", "embedded"])
def test_counters_of_run_out_windows_are_dropped_by_a_ttl_index(store):
    """Counters carry ``expire_at`` under a TTL index (``onewindow init`` and the first write
    create it); MongoDB's monitor, and the embedded store on its next read, drop the expired."""
    from mongoengine.connection import get_db

    from console.limits import COLLECTION, TTL_INDEX

    folder = tempfile.mkdtemp()
    app = make_app(f"embedded://{folder}" if store == "embedded" else None)
    try:
        assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
        with app.app_context():
            index = get_db()[COLLECTION].index_information()[TTL_INDEX]
            assert index["key"] == [("expire_at", 1)] and index["expireAfterSeconds"] == 0
            counter = ConsoleStorage()
            counter.incr("gone", 0)  # a window that has already run out
            counter.incr("kept", 600)
            left = {row["_id"] for row in get_db()[COLLECTION].find({})}
            assert left == {"kept"}
        if store == "embedded":
            storage.disconnect()
            reopened = make_app(f"embedded://{folder}")
            with reopened.app_context():
                assert TTL_INDEX in get_db()[COLLECTION].index_information()
    finally:
        storage.disconnect()


@pytest.mark.parametrize("send", [
    {"data": "username=ly_admin&password=x", "content_type": "text/plain"},
    {"data": "{not json", "content_type": "application/json"},
    {"json": ["ly_admin", "x"]},
    {"json": {"username": "ly_admin", "provider": "db"}},
    {"json": {"password": "x", "provider": "db"}},
    {"json": {"username": 12, "password": "x", "provider": "db"}},
    {"json": {"username": "ly_admin", "password": ["x"], "provider": "db"}},
    {"json": {"username": "ly_admin", "password": "x"}},
    {"json": {"username": "ly_admin", "password": "x", "provider": "db", "refresh": "yes"}},
    {"json": {"username": "ly_admin", "password": "x", "provider": "db", "admin": True}},
])
def test_a_malformed_api_login_is_a_400_in_the_requests_language_not_a_guess(app, send):
    """A body that is not a username and a password is refused without counting toward the
    lockout: after more of them than the limit, the right password still signs in."""
    client = app.test_client()
    client.get("/lang/zh_CN")
    for _ in range(4):
        response = client.post("/api/v1/security/login", **send)
        assert response.status_code == 400
        message = response.get_json()["message"]
        assert isinstance(message, dict) and message
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text)
                   for texts in message.values() for text in texts), message
    signed_in = client.post("/api/v1/security/login", json={
        "username": "ly_admin", "password": DEMO_PASSWORD, "provider": "db"})
    assert signed_in.status_code == 200 and "access_token" in signed_in.get_json()


def test_a_locked_out_address_is_refused_even_a_malformed_login(app):
    client = app.test_client()
    for _ in range(3):
        assert client.post("/api/v1/security/login", json={
            "username": "ly_admin", "password": "wrong", "provider": "db"}).status_code == 401
    assert client.post("/api/v1/security/login", json={"username": 1}).status_code == 429
