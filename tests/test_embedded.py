"""Embedded documents read the direct way are the documents MongoEngine's constructor builds:
same values, defaults, owners, change tracking and display helpers, for every stored case,
complaint, item, centre and schedule of a demo history."""

from __future__ import annotations

import datetime as dt
import weakref

from conftest import module_demo_app
from mongoengine import Document, EmbeddedDocument, EmbeddedDocumentField, IntField, StringField
from mongoengine.base import BaseDict, BaseList
import pytest

from models import Case, Complaint, ServiceCentre, ServiceItem
from models import case as c
from models.embedded import PlainEmbedded
from models.lists import EmbeddedDocumentListField, ListField
from models.official_schedule import OfficialSchedule, load_schedule


def with_history(app):
    # A fixed end: the history (and whether it holds a complaint) is the same at any hour.
    app.config["ONEWINDOW_NOW"] = "2026-11-24T02:00:00"
    try:
        result = app.test_cli_runner().invoke(
            args=["load-demo", "--history", "--cases", "150", "--months", "2", "--workers", "1"])
    finally:
        app.config.pop("ONEWINDOW_NOW")
    assert result.exit_code == 0, result.output
    load_schedule("date,status,name\n2027-01-01,holiday,元旦\n2027-02-07,workday,春节\n", 2027,
                  now=dt.datetime(2026, 11, 24, 2, 0))


app = module_demo_app(with_history)
DOCUMENTS = (Case, Complaint, ServiceItem, ServiceCentre, OfficialSchedule)


def constructor_way(document: type[Document], raw: dict) -> Document:
    """The document as MongoEngine's own constructor builds it."""
    saved = {cls: cls.__dict__.get("_plain_fields") for cls in PlainEmbedded.__subclasses__()}
    try:
        for cls in saved:
            type.__setattr__(cls, "_plain_fields", ())
        return document._from_son(raw)
    finally:
        for cls, fields in saved.items():
            type.__setattr__(cls, "_plain_fields", fields)


def same_state(fast, slow, owner=None, path="") -> None:
    assert type(fast) is type(slow), path
    if isinstance(fast, EmbeddedDocument):
        for attribute in ("_initialised", "_created", "_changed_fields", "_dynamic_fields",
                          "_cls"):
            assert getattr(fast, attribute) == getattr(slow, attribute), f"{path}.{attribute}"
        if owner is None:
            assert fast._instance is None and slow._instance is None
        else:
            assert type(fast._instance) is weakref.ProxyType, path
            assert fast._instance._data is owner._data, path
        for name, field in fast._fields.items():
            if field.choices:
                assert getattr(fast, f"get_{name}_display")() == \
                    getattr(slow, f"get_{name}_display")(), f"{path}.{name}"
    if isinstance(fast, (Document, EmbeddedDocument)):
        assert fast._data.keys() == slow._data.keys(), path
        for name in fast._data:
            # An embedded document's owner is the document holding it, directly or in a list.
            same_state(fast._data[name], slow._data[name], fast, f"{path}.{name}")
    elif isinstance(fast, (list, tuple, BaseList)):
        assert len(fast) == len(slow), path
        for index, (one, other) in enumerate(zip(fast, slow, strict=True)):
            same_state(one, other, owner, f"{path}[{index}]")
    elif isinstance(fast, (dict, BaseDict)):
        assert fast == slow, path
    else:
        assert fast == slow, path


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.__name__)
def test_every_stored_document_is_built_as_mongoengine_builds_it(app, document):
    with app.app_context():
        raws = list(document._get_collection().find())
        assert raws, document.__name__
        for raw in raws:
            fast, slow = document._from_son(raw), constructor_way(document, raw)
            same_state(fast, slow)
            assert fast.to_mongo() == slow.to_mongo()


def test_a_change_to_an_embedded_row_is_saved(app):
    with app.app_context():
        raw = Case._get_collection().find_one({"state": c.ACCEPTED})
        case = Case._from_son(raw)
        task = case.subtasks[0]
        assert task.get_status_display()
        task.remarks = "窗口已电话通知申请人"
        assert case._get_changed_fields() == ["subtasks.0.remarks"]
        case.save(validate=False)
        again = Case.objects(pk=case.pk).first()
        assert again.subtasks[0].remarks == "窗口已电话通知申请人"


def test_a_stored_key_no_field_declares_takes_mongoengines_way(app):
    with app.app_context():
        raw = Case._get_collection().find_one({"state": c.ACCEPTED})
        raw["timeline"][0]["legacy"] = "x"
        with pytest.raises(Exception, match="legacy"):
            Case._from_son(raw)


class Inner(PlainEmbedded):
    """Embedded documents made for this test: defaults, choices and nesting."""

    kind = StringField(default="原件", choices=[("原件", "Original"), ("复印件", "Copy")])
    copies = IntField(default=lambda: 1)
    note = StringField(null=True, default="none given")


class Outer(PlainEmbedded):
    inner = EmbeddedDocumentField(Inner)
    rows = EmbeddedDocumentListField(Inner)
    tags = ListField(StringField())


class Holder(Document):
    outer = EmbeddedDocumentField(Outer)
    meta = {"collection": "test_embedded_holders"}


@pytest.mark.parametrize("stored", [
    {"outer": {"inner": {}, "rows": [{}, {"kind": "复印件", "copies": 3}], "tags": ["a"]}},
    {"outer": {"inner": {"kind": None, "copies": None, "note": None}, "rows": []}},
    {"outer": {}},
], ids=["missing", "stored-none", "empty"])
def test_defaults_and_nested_documents_are_mongoengines(stored):
    fast, slow = Holder._from_son(stored), constructor_way(Holder, stored)
    same_state(fast, slow)
    assert fast.to_mongo() == slow.to_mongo()
