"""The ``onewindow`` command: ``init`` is idempotent, on mongomock and on a persistent store."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import make_app
from mongoengine.base import _document_registry

from console import cli, storage


def snapshot(app):
    """Every collection's indexes, the roles and the permission count."""
    with app.app_context():
        indexes = {}
        for document in _document_registry.values():
            if document._meta.get("abstract") or not hasattr(document, "_get_collection"):
                continue
            info = document._get_collection().index_information()
            indexes[document._get_collection_name()] = sorted(
                (name, tuple(spec["key"]), bool(spec.get("unique"))) for name, spec in info.items()
            )
        security = app.appbuilder.sm
        roles = sorted(
            (role.name, sorted(str(pv) for pv in role.permissions))
            for role in security.get_all_roles()
        )
        return indexes, roles, security.permissionview_model.objects.count()


def test_init_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "name-search keys: 0" in first.output  # no case to correct on a fresh store
    before = snapshot(app)
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert snapshot(app) == before
    indexes, roles, permissions = before
    assert "Admin" in {name for name, _ in roles}
    assert permissions > 0
    assert any(len(specs) > 1 for specs in indexes.values())  # declared indexes exist


def test_init_on_embedded_store_across_restarts(tmp_path):
    uri = f"embedded://{tmp_path}/store"
    app = make_app(uri)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    before = snapshot(app)
    storage.disconnect()
    app = make_app(uri)  # a restart: new app, same files
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert snapshot(app) == before
    storage.disconnect()


def test_console_script_is_a_flask_group_with_our_verbs():
    result = CliRunner().invoke(cli.main, ["--help"])
    assert result.exit_code == 0
    for verb in ("init", "serve", "run", "fab"):
        assert verb in result.output
