"""Start-up checks: each refuses a broken configuration with a stable id and a useful hint."""

from __future__ import annotations

from conftest import make_app
from mongoengine import Document, StringField
import pytest

from console import checks, storage
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
