"""Indexes come from ``onewindow init`` only: serving a store never declares one on first use
(on a large embedded store that was a full pass before the first page), and init creates every
index the documents declare."""

from __future__ import annotations

from console import create_app, storage
from models.case import Case
from models.window import Window


def app_on(folder):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "ONEWINDOW_MONGODB_URI": f"embedded://{folder}"})


def index_names(document) -> set[str]:
    return set(document._get_collection().index_information())


def test_serving_declares_no_index(tmp_path):
    app = app_on(tmp_path)
    try:
        assert app.test_client().get("/login/").status_code == 200
        assert Case.objects(centre="LY").count() == 0
        assert list(Window.objects(centre="LY")) == []
        assert index_names(Case) <= {"_id_"} and index_names(Window) <= {"_id_"}
    finally:
        storage.disconnect()


def test_init_creates_every_declared_index(tmp_path):
    app = app_on(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        declared = {"_".join(f"{field}_{direction}" for field, direction in spec["fields"])
                    for spec in Case._meta["index_specs"]}
        assert declared <= index_names(Case)
        assert "centre_1_company_name_1_state_1_created_at_-1" in declared
    finally:
        storage.disconnect()


def test_a_test_store_gets_its_indexes_from_the_helper(tmp_path):
    """What fixtures call instead of relying on first use: the same indexes as init."""
    storage.connect(storage.StorageSpec("embedded", str(tmp_path), "t"))
    try:
        assert index_names(Case) <= {"_id_"}
        collections, indexes = storage.ensure_indexes()
        assert collections >= 10 and indexes > collections
        assert "centre_1_open_agencies_1_due_at_1" in index_names(Case)
    finally:
        storage.disconnect()
