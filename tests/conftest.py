"""Fixtures shared by the whole suite: apps on mongomock (default) or the embedded store,
their test clients, and a login helper that posts real forms with their CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import re
import uuid

from flask import Flask
from flask.testing import FlaskClient
import pymongo.errors
import pytest

from console import create_app, storage
from console.cli import DEMO_PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(uri: str | None = None, **overrides) -> Flask:
    """An app on its own store: a fresh mongomock database unless ``uri`` names one."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
        "ONEWINDOW_MONGODB_URI": uri or f"memory://{uuid.uuid4().hex}",
    }
    config.update(overrides)
    app = create_app(config)
    # Indexes come from `onewindow init` only; a test store gets them here, as init would (a
    # server the test made unreachable gets none: the app starts without its database).
    try:
        storage.ensure_indexes()
    except pymongo.errors.PyMongoError:
        pass
    return app


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form served at ``url``."""
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no csrf_token in the page at {url} (status {page.status_code})"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, form_url: str | None = None):
    """Post ``data`` to ``url`` with the CSRF token of the form at ``form_url`` (or ``url``)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def login(client: FlaskClient, username: str, password: str):
    """Log in through the real login form."""
    token = csrf_token(client, "/login/")
    return client.post(
        "/login/",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


# Every demo login has DEMO_PASSWORD; logins tests create themselves have their own (these must
# pass the password policy too).
DEMO_PASSWORDS = {"mj_complaints": "Mengjin-Complaints-2026"}


def demo_app(**overrides) -> Flask:
    """An app with `onewindow init` and `onewindow load-demo` done (centres LY and MJ)."""
    app = make_app(**{"BABEL_DEFAULT_LOCALE": "en", **overrides})
    runner = app.test_cli_runner()
    for step in (["init"], ["load-demo"]):
        result = runner.invoke(args=step)
        assert result.exit_code == 0, result.output
    return app


def client_for(app: Flask, username: str) -> FlaskClient:
    """A test client logged in as one of the demo logins."""
    client = app.test_client()
    response = login(client, username, DEMO_PASSWORDS.get(username, DEMO_PASSWORD))
    assert response.status_code == 302 and "/login" not in response.location
    return client


def page_at(app: Flask, username: str, url: str, now) -> str:
    """The page ``url`` as ``username`` sees it with the clock pinned at ``now`` (naive UTC)."""
    app.config["ONEWINDOW_NOW"] = now
    try:
        response = client_for(app, username).get(url)
    finally:
        app.config["ONEWINDOW_NOW"] = None
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def api_headers(app: Flask, username: str) -> dict[str, str]:
    """The bearer-token header of one of the demo logins, for the REST API."""
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": DEMO_PASSWORDS.get(username, DEMO_PASSWORD),
        "provider": "db"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def flashes(client: FlaskClient) -> list[tuple[str, str]]:
    """The flashed (category, message) pairs not yet shown, taken off the session."""
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


@pytest.fixture
def app() -> Flask:
    app = make_app()
    yield app
    storage.disconnect()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture(autouse=True, scope="session")
def _indexes_from_init_only():
    """As in a serving process, no document class creates its indexes on first use, whatever
    the order the tests run in: fixtures create them as `onewindow init` does."""
    storage.manual_indexes()


# The modules whose tests share one connected store at the moment (see `shared_store`).
_SHARING: set[str] = set()


@contextlib.contextmanager
def shared_store(request: pytest.FixtureRequest) -> Iterator[None]:
    """Inside a module-scoped fixture: the tests of ``request``'s module keep the connection the
    fixture made (the no-leak check leaves it alone) until the fixture ends, which disconnects."""
    module = request.module.__name__
    _SHARING.add(module)
    try:
        yield
    finally:
        _SHARING.discard(module)
        storage.disconnect()


def module_demo_app(setup: Callable[[Flask], None] | None = None, **overrides):
    """A module-scoped ``app`` fixture: one `demo_app(**overrides)`, then ``setup(app)`` in an app
    context, shared by every test of the module (and its store: tests see each other's writes in
    file order, never another module's). Declare it as ``app = module_demo_app()``."""

    @pytest.fixture(scope="module")
    def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
        made = demo_app(**overrides)
        with shared_store(request):
            if setup is not None:
                with made.app_context():
                    setup(made)
            yield made

    return app


@pytest.fixture(autouse=True)
def _no_connection_leaks(request: pytest.FixtureRequest):
    """Each test starts and ends without a registered database connection, except in a module
    whose tests share one store (`shared_store`)."""
    if request.module.__name__ in _SHARING:
        yield
        return
    storage.disconnect()
    yield
    if request.module.__name__ not in _SHARING:
        storage.disconnect()
