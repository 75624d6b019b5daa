"""Search filters: literal text matching, typed values, relations and the REST operator lookup."""

from __future__ import annotations

import datetime
from decimal import Decimal
import uuid

from datamodel_app import SampleAgency, SampleItem
from flask_appbuilder.exceptions import InvalidOperationFilterFABException
from flask_appbuilder.models.filters import map_args_filter
import mongoengine
import mongomock
import pytest

from console.datamodel import MongoEngineInterface, scoped
from console.datamodel import filters as flt

TRICKY = [".*", "$ne", '{"$gt": ""}', "a+b", "(x)", "[abc]", "^start", "end$", "back\\slash"]


@pytest.fixture
def mongo():
    mongoengine.connect(db=f"t{uuid.uuid4().hex}", mongo_client_class=mongomock.MongoClient)
    yield
    mongoengine.disconnect()


@pytest.fixture
def agencies(mongo):
    names = ["plain", "other"] + [f"x{t}y" for t in TRICKY]
    return {name: SampleAgency(name=name).save() for name in names}


def names(dm, filters):
    return sorted(a.name for a in dm.query(filters)[1])


def search(dm, col, filter_class, value):
    return names(dm, dm.get_filters().add_filter(col, filter_class, value))


def test_arg_names_are_distinct():
    classes = [getattr(flt, name) for name in flt.__all__ if name.startswith("Filter")]
    arg_names = [klass.arg_name for klass in classes]
    assert len(arg_names) == len(set(arg_names))


@pytest.mark.parametrize("text", TRICKY)
def test_contains_matches_literally(agencies, text):
    dm = MongoEngineInterface(SampleAgency)
    assert search(dm, "name", flt.FilterContains, text) == [f"x{text}y"]
    everything_else = sorted(n for n in agencies if n != f"x{text}y")
    assert search(dm, "name", flt.FilterNotContains, text) == everything_else


@pytest.mark.parametrize("text", TRICKY)
def test_starts_ends_equal_match_literally(agencies, text):
    dm = MongoEngineInterface(SampleAgency)
    assert search(dm, "name", flt.FilterStartsWith, f"x{text}") == [f"x{text}y"]
    assert search(dm, "name", flt.FilterEndsWith, f"{text}y") == [f"x{text}y"]
    assert search(dm, "name", flt.FilterEqual, f"x{text}y") == [f"x{text}y"]
    assert search(dm, "name", flt.FilterEqual, text) == []


def test_text_filters_ignore_case_and_blank(agencies):
    dm = MongoEngineInterface(SampleAgency)
    assert search(dm, "name", flt.FilterContains, "PLA") == ["plain"]
    assert len(search(dm, "name", flt.FilterContains, "")) == len(agencies)


@pytest.mark.parametrize("value", [{"$gt": ""}, {"$ne": None}, {"$regex": ".*"}])
def test_structured_values_never_become_operators(agencies, value):
    dm = MongoEngineInterface(SampleAgency)
    for filter_class in (flt.FilterEqual, flt.FilterContains, flt.FilterNotEqual):
        assert search(dm, "name", filter_class, value) == []
    # FAB's apply_all spreads a list over the filter; each element is still only text.
    assert search(dm, "name", flt.FilterEqual, ["plain", {"$gt": ""}]) == []
    assert search(dm, "name", flt.FilterEqual, ["plain"]) == ["plain"]


@pytest.fixture
def items(mongo):
    agency = SampleAgency(name="a").save()
    rows = [
        dict(
            name="one",
            days=1,
            rating=1.5,
            fee=Decimal("10.5"),
            active=True,
            published=datetime.date(2024, 5, 1),
            updated=datetime.datetime(2024, 5, 1, 9, 30),
            level="city",
        ),
        dict(
            name="two",
            days=2,
            rating=2.5,
            fee=Decimal("20"),
            active=False,
            published=datetime.date(2024, 6, 1),
            updated=datetime.datetime(2024, 6, 1, 23, 0),
            level="district",
        ),
        dict(
            name="three",
            days=3,
            rating=3.5,
            fee=Decimal("30"),
            active=True,
            published=datetime.date(2024, 7, 1),
            updated=datetime.datetime(2024, 7, 2, 0, 0),
            level="city",
        ),
    ]
    return [SampleItem(agency=agency, **row).save() for row in rows]


@pytest.mark.parametrize(
    "col, filter_class, value, expected",
    [
        ("days", flt.FilterEqual, "2", ["two"]),
        ("days", flt.FilterGreater, "1", ["three", "two"]),
        ("days", flt.FilterSmaller, " 3 ", ["one", "two"]),
        ("days", flt.FilterNotEqual, 2, ["one", "three"]),
        ("days", flt.FilterIn, ["1", "3", "junk"], ["one", "three"]),
        ("days", flt.FilterEqual, "abc", []),
        ("days", flt.FilterGreater, "1.5", []),
        ("days", flt.FilterEqual, True, []),
        ("days", flt.FilterEqual, "", ["one", "three", "two"]),
        ("rating", flt.FilterGreater, "2", ["three", "two"]),
        ("rating", flt.FilterGreater, "nan", []),
        ("fee", flt.FilterSmaller, "20.01", ["one", "two"]),
        ("fee", flt.FilterEqual, "x", []),
        ("active", flt.FilterEqual, "y", ["one", "three"]),
        ("active", flt.FilterEqual, False, ["two"]),
        ("active", flt.FilterEqual, "maybe", []),
        ("published", flt.FilterEqual, "2024-06-01", ["two"]),
        ("published", flt.FilterGreater, "2024/06/01", ["three"]),
        ("published", flt.FilterSmaller, "not a date", []),
        ("updated", flt.FilterEqual, "2024-06-01", ["two"]),
        ("updated", flt.FilterEqual, "2024-06-01 23:00", ["two"]),
        ("updated", flt.FilterGreater, "2024-07-01T12:00:00", ["three"]),
        ("level", flt.FilterEqual, "city", ["one", "three"]),
        ("level", flt.FilterNotEqual, "city", ["two"]),
    ],
)
def test_typed_filters(items, col, filter_class, value, expected):
    dm = MongoEngineInterface(SampleItem)
    assert search(dm, col, filter_class, value) == expected


def test_converter_dispatch():
    dm = MongoEngineInterface(SampleItem)
    converter = dm.filter_converter_class(dm)
    assert converter.filters_for("name")[0] is flt.FilterContains
    assert flt.FilterContains not in converter.filters_for("level")
    assert flt.FilterGreater in converter.filters_for("days")
    assert converter.filters_for("agency")[0] is flt.FilterRelationOneToManyEqual
    assert converter.filters_for("partners") == [flt.FilterRelationManyToManyEqual]
    assert converter.filters_for("materials") == []
    assert converter.filters_for("id") == [flt.FilterEqual, flt.FilterNotEqual]


@pytest.fixture
def related(mongo):
    a, b, c = (
        SampleAgency(name=n, centre=centre).save()
        for n, centre in [("a", "east"), ("b", "east"), ("c", "west")]
    )
    SampleItem(name="i1", agency=a, partners=[b, c]).save()
    SampleItem(name="i2", agency=b, partners=[c]).save()
    SampleItem(name="i3", agency=c, partners=[]).save()
    return a, b, c


def test_relation_filters(related):
    a, b, c = related
    dm = MongoEngineInterface(SampleItem)
    assert search(dm, "agency", flt.FilterRelationOneToManyEqual, str(a.pk)) == ["i1"]
    assert search(dm, "agency", flt.FilterRelationOneToManyNotEqual, str(a.pk)) == ["i2", "i3"]
    assert search(dm, "partners", flt.FilterRelationManyToManyEqual, str(c.pk)) == ["i1", "i2"]
    assert search(dm, "partners", flt.FilterRelationManyToManyEqual, [str(b.pk), str(c.pk)]) == [
        "i1"
    ]
    assert search(dm, "agency", flt.FilterRelationOneToManyEqual, "notanid") == []
    assert search(dm, "agency", flt.FilterRelationOneToManyEqual, {"$ne": None}) == []


def test_relation_filters_respect_the_related_scope(related):
    a, b, c = related
    dm = MongoEngineInterface(SampleItem)
    with scoped(SampleAgency, lambda doc: {"centre": "east"}):
        assert search(dm, "agency", flt.FilterRelationOneToManyEqual, str(c.pk)) == []
        assert search(dm, "agency", flt.FilterRelationOneToManyEqual, str(b.pk)) == ["i2"]


def test_rest_filters_resolve_operators_per_column(items):
    dm = MongoEngineInterface(SampleItem)
    # Another backend registering "eq" last must not matter.
    map_args_filter["eq"] = object
    filters = dm.get_filters(["name", "days"])
    filters.rest_add_filters([{"col": "days", "opr": "eq", "value": 3}])
    assert names(dm, filters) == ["three"]
    with pytest.raises(InvalidOperationFilterFABException):
        dm.get_filters(["name", "days"]).rest_add_filters(
            [{"col": "days", "opr": "ct", "value": "3"}]
        )
