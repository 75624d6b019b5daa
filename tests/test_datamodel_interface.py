"""MongoEngineInterface against mongomock: reads, writes, errors, scopes and column predicates."""

from __future__ import annotations

import datetime
import uuid

from datamodel_app import SampleAgency, SampleItem, SampleMaterial
from flask_appbuilder.exceptions import DatabaseException
import mongoengine
from mongoengine import Q
import mongomock
import pytest

from console import storage
from console.datamodel import (
    MongoEngineInterface,
    RecordError,
    ScopeError,
    UniqueError,
    register_scope,
    scoped,
    unregister_scope,
)
from console.datamodel.errors import NON_FIELD


@pytest.fixture
def mongo():
    mongoengine.connect(db=f"t{uuid.uuid4().hex}", mongo_client_class=mongomock.MongoClient)
    storage.ensure_indexes()  # as `onewindow init` would
    yield
    mongoengine.disconnect()


@pytest.fixture
def agencies(mongo):
    return [
        SampleAgency(name=name, centre=centre).save()
        for name, centre in [("市场监管局", "east"), ("公安局", "east"), ("税务局", "west")]
    ]


def make_items(agency, count, **extra):
    return [
        SampleItem(name=f"item{i:02d}", agency=agency, days=i, **extra).save() for i in range(count)
    ]


def test_model_name_and_columns():
    dm = MongoEngineInterface(SampleItem)
    assert dm.model_name == "SampleItem"
    assert dm.get_pk_name() == "id"
    columns = dm.get_columns_list()
    assert columns[0] == "id" and "materials" in columns
    assert "id" not in dm.get_user_columns_list()
    search = dm.get_search_columns_list()
    assert "name" in search and "agency" in search and "partners" in search
    assert "materials" not in search and "id" not in search
    order = dm.get_order_columns_list()
    assert "name" in order and "days" in order
    assert "agency" not in order and "materials" not in order
    assert dm.get_order_columns_list(["name", "agency"]) == ["name"]
    assert str(dm.get_label_columns()["name"]) == "Name"


def test_column_predicates():
    dm = MongoEngineInterface(SampleItem)
    assert dm.is_string("name") and not dm.is_text("name")
    assert dm.is_text("note")
    assert dm.is_integer("days") and dm.is_float("rating") and dm.is_numeric("fee")
    assert dm.is_boolean("active") and dm.is_date("published") and not dm.is_datetime("published")
    assert dm.is_datetime("updated")
    assert dm.is_object_id("id")
    assert not dm.is_json("note") and not dm.is_enum("level")
    assert dm.is_choice("level") and dm.choices("level")[0] == ("city", "市级")
    assert dm.is_relation("agency") and dm.is_relation_many_to_one("agency")
    assert dm.is_relation_many_to_many("partners") and not dm.is_relation_many_to_one("partners")
    assert not dm.is_relation_one_to_one("agency") and not dm.is_relation_one_to_many("agency")
    assert dm.is_embedded_list("materials") and not dm.is_relation("materials")
    assert dm.get_related_model("agency") is SampleAgency
    assert dm.get_related_model("partners") is SampleAgency
    assert dm.get_related_model("materials") is SampleMaterial
    assert not dm.is_nullable("name") and dm.is_nullable("days") and dm.is_nullable("active")
    assert dm.is_unique("code") and not dm.is_unique("name")
    assert dm.get_max_length("name") == 100 and dm.get_max_length("days") == -1
    assert dm.get_min_length("name") == -1
    assert dm.get_col_default("active") is True
    assert dm.get_col_default("materials") is None
    assert dm.is_pk("id") and not dm.is_pk_composite()
    assert MongoEngineInterface(SampleAgency).get_related_fk(SampleAgency) is None
    assert dm.get_related_fk(SampleAgency) == "agency"


def test_get_takes_url_strings(agencies):
    dm = MongoEngineInterface(SampleAgency)
    pk = dm.get_pk_value(agencies[0])
    assert isinstance(pk, str)
    assert dm.get(pk) == agencies[0]
    assert dm.get("notanid") is None
    assert dm.get("") is None
    assert dm.get(None) is None
    assert dm.get("0123456789abcdef01234567") is None
    assert dm.get_keys(agencies) == [str(a.pk) for a in agencies]


def test_get_applies_filters(agencies):
    dm = MongoEngineInterface(SampleAgency)
    filters = dm.get_filters().add_filter("centre", dm.FilterEqual, "west")
    assert dm.get(str(agencies[0].pk), filters) is None
    assert dm.get(str(agencies[2].pk), filters) == agencies[2]


def test_query_pages_and_counts(agencies):
    make_items(agencies[0], 7)
    dm = MongoEngineInterface(SampleItem)
    count, page0 = dm.query(page=0, page_size=3)
    assert count == 7 and len(page0) == 3
    count, page2 = dm.query(page=2, page_size=3)
    assert count == 7 and [i.name for i in page2] == ["item06"]
    count, everything = dm.query()
    assert count == 7 and len(everything) == 7
    pages = [i.name for p in range(3) for i in dm.query("", "days", "desc", p, 3)[1]]
    assert pages == [f"item{i:02d}" for i in range(6, -1, -1)]


def test_ordering_asc_desc(agencies):
    dm = MongoEngineInterface(SampleAgency)
    assert [a.name for a in dm.query(None, "name", "asc")[1]] == sorted(a.name for a in agencies)
    assert [a.name for a in dm.query(None, "name", "desc")[1]] == sorted(
        (a.name for a in agencies), reverse=True
    )
    # An unknown or unsortable column is ignored instead of failing.
    assert dm.query(None, "nosuchfield", "asc")[0] == 3
    assert MongoEngineInterface(SampleItem).query(None, "materials", "desc")[0] == 0


def test_add_edit_delete(agencies):
    dm = MongoEngineInterface(SampleItem)
    item = dm.obj(name="开办企业", agency=agencies[0])
    dm.add(item)
    assert SampleItem.objects.count() == 1
    item.name = "企业开办"
    dm.edit(item)
    assert SampleItem.objects.get().name == "企业开办"
    dm.delete(item)
    assert SampleItem.objects.count() == 0


def test_add_invalid_raises_and_writes_nothing(agencies):
    dm = MongoEngineInterface(SampleAgency)
    with pytest.raises(DatabaseException) as info:
        dm.add(SampleAgency(name="x", code="abc"))
    assert isinstance(info.value, RecordError)
    assert "code" in info.value.messages
    assert SampleAgency.objects.count() == 3


def test_duplicate_unique_value(agencies):
    dm = MongoEngineInterface(SampleAgency)
    with pytest.raises(UniqueError) as info:
        dm.add(SampleAgency(name="公安局"))
    assert isinstance(info.value, DatabaseException)
    assert set(info.value.messages) == {"name"}
    assert SampleAgency.objects(name="公安局").count() == 1
    assert dm.unique_conflicts(SampleAgency(name="公安局")) == {"name": "Already exists."}
    assert dm.unique_conflicts(agencies[1]) == {}


def test_compound_unique_index(agencies):
    dm = MongoEngineInterface(SampleItem)
    dm.add(SampleItem(name="开办", agency=agencies[0]))
    dm.add(SampleItem(name="开办", agency=agencies[1]))
    twin = SampleItem(name="开办", agency=agencies[0])
    assert dm.unique_conflicts(twin) == {"agency": "Already exists.", "name": "Already exists."}
    with pytest.raises(UniqueError):
        dm.add(twin)
    assert SampleItem.objects.count() == 2


def test_edit_invalid_keeps_stored_document(agencies):
    dm = MongoEngineInterface(SampleItem)
    item = dm.obj(name="a", agency=agencies[0], materials=[SampleMaterial(name="营业执照")])
    dm.add(item)
    item.materials.append(SampleMaterial(name="x" * 41))
    with pytest.raises(RecordError) as info:
        dm.edit(item)
    assert info.value.messages == {"materials": {1: {"name": "The text is too long."}}}
    stored = SampleItem.objects.get()
    assert [m.name for m in stored.materials] == ["营业执照"]


def test_validation_errors_collects_everything(agencies):
    dm = MongoEngineInterface(SampleAgency)
    errors = dm.validation_errors(SampleAgency(name="税务局", code="12"))
    assert set(errors) == {"name", "code"}


def test_delete_refused_when_referenced(agencies):
    make_items(agencies[0], 1)
    dm = MongoEngineInterface(SampleAgency)
    with pytest.raises(RecordError) as info:
        dm.delete(agencies[0])
    assert NON_FIELD in info.value.messages
    assert SampleAgency.objects.count() == 3
    dm.delete(agencies[1])
    assert SampleAgency.objects.count() == 2


def test_registered_scope_restricts_every_read(agencies):
    east = MongoEngineInterface(SampleAgency)
    west_only = {"centre": "west"}
    with scoped(SampleAgency, lambda doc: west_only):
        assert [a.name for a in east.query()[1]] == ["税务局"]
        assert east.query()[0] == 1
        assert east.get(str(agencies[0].pk)) is None
        assert east.get(str(agencies[2].pk)) == agencies[2]
        # FAB's related select boxes and relation filters go through related interfaces.
        items = MongoEngineInterface(SampleItem)
        assert [a.name for a in items.get_related_interface("agency").query()[1]] == ["税务局"]
        assert items.get_related_obj("agency", str(agencies[0].pk)) is None
    assert east.query()[0] == 3


def test_scope_is_evaluated_per_query(agencies):
    current = {"centre": "east"}
    dm = MongoEngineInterface(SampleAgency, scope=lambda doc: dict(current))
    assert dm.query()[0] == 2
    current["centre"] = "west"
    assert dm.query()[0] == 1


def test_scope_kinds(agencies):
    dm = MongoEngineInterface(SampleAgency, scope=lambda doc: Q(name="公安局"))
    assert [a.name for a in dm.query()[1]] == ["公安局"]
    assert MongoEngineInterface(SampleAgency, scope=lambda doc: False).query() == (0, [])
    assert MongoEngineInterface(SampleAgency, scope=lambda doc: None).query()[0] == 3


def test_scopes_only_narrow(agencies):
    register_scope(SampleAgency, lambda doc: {"centre": "east"})
    try:
        dm = MongoEngineInterface(SampleAgency, scope=lambda doc: {"name": "税务局"})
        assert dm.query()[0] == 0
    finally:
        unregister_scope(SampleAgency)


def test_mapping_scope_confines_writes(agencies):
    dm = MongoEngineInterface(SampleAgency, scope=lambda doc: {"centre": "east"})
    stamped = SampleAgency(name="人社局")
    dm.add(stamped)
    assert SampleAgency.objects.get(name="人社局").centre == "east"
    with pytest.raises(ScopeError):
        dm.add(SampleAgency(name="医保局", centre="west"))
    assert SampleAgency.objects(name="医保局").count() == 0
    item = dm.get(str(stamped.pk))
    item.centre = "west"
    with pytest.raises(ScopeError):
        dm.edit(item)
    assert SampleAgency.objects.get(name="人社局").centre == "east"


def test_values_for_lists(agencies):
    item = make_items(agencies[0], 1, published=datetime.date(2024, 5, 1))[0]
    dm = MongoEngineInterface(SampleItem)
    values = list(dm.get_values([item], ["name", "agency"]))
    assert values == [{"name": "item00", "agency": agencies[0]}]
    assert dm.get_values_item(item, ["days"]) == [0]


def test_query_loads_only_the_selected_columns(agencies):
    make_items(agencies[0], 3, materials=[SampleMaterial(name="营业执照")])
    dm = MongoEngineInterface(SampleItem)
    count, rows = dm.query(select_columns=["name", "days"], order_column="name",
                           order_direction="asc", page=0, page_size=2)
    assert count == 3 and [row.name for row in rows] == ["item00", "item01"]
    assert rows[1].days == 1 and rows[1].materials == []  # not read: the list doesn't show it
    _, whole = dm.query(order_column="name", order_direction="asc", page=0, page_size=2)
    assert whole[1].materials[0].name == "营业执照"
