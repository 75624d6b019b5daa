"""Start-up checks: each refuses a broken configuration with a stable id and a useful hint."""

from __future__ import annotations

import logging
import uuid

from conftest import make_app
from mongoengine import Document, StringField
import pytest
from test_health import closed_port

from console import checks, create_app, storage
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.views import MongoModelView
from models import Window


class Stray(Document):
    """A centre-owned document nobody registered a scope for."""

    centre = StringField()
    meta = {"collection": "stray_for_checks"}


class TypoWindowView(MongoModelView):
    datamodel = MongoEngineInterface(Window)
    list_columns = ["code", "nmae"]


@pytest.fixture
def app():
    app = make_app()
    yield app
    storage.disconnect()


def test_the_console_passes_its_own_checks(app):
    with app.app_context():
        assert checks.run_checks(app) == []


def test_e001_a_centre_document_without_a_scope():
    found = checks.check_scopes([Stray])
    assert [message.id for message in found] == ["onewindow.E001"]
    assert "Stray" in found[0].message and "register_scope(Stray" in found[0].hint
    assert checks.check_scopes([Window]) == []


def test_e002_a_column_that_does_not_exist(app):
    with app.app_context():
        found = checks.check_view_columns([TypoWindowView()])
    assert [message.id for message in found] == ["onewindow.E002"]
    assert "'nmae'" in found[0].message and "name" in found[0].hint


def test_e003_a_role_rule_matching_no_view(app):
    with app.app_context():
        pairs = checks.permission_pairs(app.appbuilder)
    assert ("WindowView", "can_list") in pairs
    found = checks.check_role_rules(pairs, {"Clerk": [(r"WindowVeiw", r"can_list"),
                                                      (r"WindowView", r"can_list")]})
    assert [message.id for message in found] == ["onewindow.E003"]
    assert "WindowVeiw" in found[0].message


def test_a_failed_check_stops_the_start(monkeypatch):
    monkeypatch.setattr(checks, "_own_documents", lambda: [Stray])
    with pytest.raises(checks.ImproperlyConfigured, match="onewindow.E001"):
        make_app()
    storage.disconnect()


# --- W001: declared indexes missing (serving never creates them; `onewindow init` does) --------

def bare_app(uri: str, **overrides):
    """An app on a store nobody ran `onewindow init` on (make_app would create the indexes)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "ONEWINDOW_MONGODB_URI": uri,
                       **overrides})


def w001(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if "onewindow.W001" in record.getMessage()]


@pytest.mark.parametrize("store", ["memory", "embedded"])
def test_w001_the_first_request_names_missing_indexes_and_the_command(store, tmp_path, caplog):
    uri = f"embedded://{tmp_path}/store" if store == "embedded" else f"memory://{uuid.uuid4().hex}"
    app = bare_app(uri)
    try:
        with caplog.at_level(logging.WARNING):
            app.test_client().get("/login/")
            app.test_client().get("/login/")  # checked once per process, not per request
        found = w001(caplog)
        cases = [text for text in found if "集合 cases " in text]
        assert len(cases) == 1, found
        # In the console's default language (zh_CN), naming the index and the command.
        assert "(centre, number)" in cases[0] and "(centre, state, due_at)" in cases[0]
        assert "缺少" in cases[0] and "onewindow init" in cases[0]
        assert len(found) == len({text.splitlines()[0] for text in found})
        with app.app_context():
            assert {m.id for m in checks.check_indexes()} == {"onewindow.W001"}
            storage.ensure_indexes()  # what `onewindow init` does
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                assert checks.warn_missing_indexes(app) == []
            assert w001(caplog) == []
    finally:
        storage.disconnect()
    if store == "memory":
        return  # a mongomock store lives as long as its connection
    again = bare_app(uri)  # the next start on the same store, now initialised
    try:
        with caplog.at_level(logging.WARNING):
            assert again.test_client().get("/login/").status_code == 200
        assert w001(caplog) == []
    finally:
        storage.disconnect()


def test_w001_in_english_where_english_is_the_default(caplog):
    app = bare_app(f"memory://{uuid.uuid4().hex}", BABEL_DEFAULT_LOCALE="en")
    try:
        with caplog.at_level(logging.WARNING):
            app.test_client().get("/login/")
        complaints = [text for text in w001(caplog) if "collection complaints " in text]
        assert len(complaints) == 1
        assert "lacks 7 declared indexes: (centre, number); (centre, state, due_at)" in \
            complaints[0]
        assert "HINT: Run “onewindow init”" in complaints[0]
    finally:
        storage.disconnect()


def test_w001_is_skipped_while_the_database_does_not_answer(caplog):
    app = bare_app(f"mongodb://127.0.0.1:{closed_port()}/ow", ONEWINDOW_MONGODB_TIMEOUT_MS=200)
    try:
        with caplog.at_level(logging.WARNING):
            assert app.test_client().get("/healthz").status_code == 503
        assert w001(caplog) == []
    finally:
        storage.disconnect()
