"""``/healthz`` and the page shown while the database is unreachable."""

from __future__ import annotations

import socket

from conftest import make_app

from console import storage


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_up_on_mongomock(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "up" and body["status"] == "ok"
    assert body["version"]
    assert body["storage"] == "memory"


def test_healthz_up_on_embedded_store(tmp_path):
    app = make_app(f"embedded://{tmp_path}/store")
    try:
        body = app.test_client().get("/healthz").get_json()
        assert body == {**body, "database": "up", "storage": "embedded"}
    finally:
        storage.disconnect()


def test_healthz_503_when_mongodb_unreachable():
    app = make_app(f"mongodb://127.0.0.1:{closed_port()}/ow", ONEWINDOW_MONGODB_TIMEOUT_MS=300)
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["database"] == "down"
    finally:
        storage.disconnect()


def test_pages_show_readable_error_when_database_down():
    app = make_app(f"mongodb://127.0.0.1:{closed_port()}/ow", ONEWINDOW_MONGODB_TIMEOUT_MS=300)
    try:
        response = app.test_client().get("/login/")
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "数据库" in page  # the message in the default language, zh_CN
        assert "Traceback" not in page
    finally:
        storage.disconnect()


def test_console_recovers_when_database_returns(app, client, monkeypatch):
    # The database drops out for one request, then answers again: no restart needed.
    real_ping = storage.ping
    monkeypatch.setattr(storage, "ping", lambda alias="default": False)
    assert client.get("/healthz").status_code == 503
    monkeypatch.setattr(storage, "ping", real_ping)
    assert client.get("/healthz").status_code == 200
