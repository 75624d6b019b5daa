"""The console's list fields read like MongoEngine's: changes to a read list are saved, and a list
that may hold references still loads them; only reference-free lists skip the look-up."""

from __future__ import annotations

import datetime as dt

from conftest import client_for, module_demo_app
from mongoengine import Document, ReferenceField, StringField
from mongoengine.base import BaseList, EmbeddedDocumentList
from test_case_screens import open_case

from models import Agency, Case, ServiceItem
from models import case as c
from models.lists import EmbeddedDocumentListField, ListField, holds_no_references

app = module_demo_app()


class Bundle(Document):
    """A document made for this test: a list of references to agencies."""

    name = StringField()
    agencies = ListField(ReferenceField(Agency))
    meta = {"collection": "test_list_bundles"}


def test_only_reference_free_lists_skip_the_look_up():
    assert holds_no_references(Case._fields["materials"])
    assert holds_no_references(Case._fields["timeline"])
    assert holds_no_references(ServiceItem._fields["materials"])
    assert not holds_no_references(Bundle._fields["agencies"])
    assert not holds_no_references(ListField())  # items of any type: left to MongoEngine
    assert isinstance(Case._fields["subtasks"], EmbeddedDocumentListField)


def test_a_read_case_keeps_track_of_changes_to_its_lists(app):
    with app.app_context():
        case = Case.objects(pk=open_case(client_for(app, "ly_clerk")).pk).first()
        assert type(case.timeline) is EmbeddedDocumentList
        assert type(case.materials[0].items) is BaseList
        before = len(case.timeline)
        case.timeline.append(c.TimelineEvent(at=dt.datetime(2026, 11, 24, 2, 0), actor="ly_clerk",
                                             action="note", note="电话已告知"))
        case.materials[0].review_points.append("复印件须加盖公章")
        assert "timeline" in case._get_changed_fields()
        case.save(validate=False)
        again = Case.objects(pk=case.pk).first()
        assert len(again.timeline) == before + 1 and again.timeline[-1].note == "电话已告知"
        assert again.materials[0].review_points[-1] == "复印件须加盖公章"


def test_a_list_of_references_still_loads_the_documents(app):
    with app.app_context():
        agencies = list(Agency.objects(centre="LY")[:2])
        Bundle(name="LY", agencies=agencies).save()
        bundle = Bundle.objects(name="LY").first()
        assert [type(a) for a in bundle.agencies] == [Agency, Agency]
        assert [a.name for a in bundle.agencies] == [a.name for a in agencies]
