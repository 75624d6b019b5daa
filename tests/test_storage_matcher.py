"""The compiled re-check (console/storage/matcher.py) answers every filter on every document
exactly as mongomock's matcher does, and answers the screens' plain filters without it."""

from __future__ import annotations

import datetime as dt

from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st
from litemongo._vendor.mongomock import filtering
import pytest

from console.storage import matcher

# Few values of each type, so that filters and documents meet often.
IDS = [ObjectId(f"{n:024x}") for n in range(2)]
MOMENTS = [dt.datetime(2026, 1, 1, 8), dt.datetime(2026, 1, 1, 8, 0, 0, 333)]
plain = st.sampled_from([0, 1, "", "a", "洛阳", *MOMENTS, *IDS])
scalars = st.sampled_from([None, 1.0, 0.5, True, False, "B",
                           MOMENTS[0].replace(tzinfo=dt.UTC)])
# Mostly plain values (what the compiled filter answers itself), else anything mongomock knows.
values = st.one_of(plain, plain, plain, scalars, st.lists(st.one_of(plain, scalars), max_size=3),
                   st.dictionaries(st.sampled_from(["d", "0"]), st.one_of(plain, scalars),
                                   max_size=2),
                   st.lists(st.dictionaries(st.sampled_from(["d"]), plain), max_size=2))
either = st.one_of(plain, plain, plain, scalars)
operators = st.dictionaries(
    st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"]),
    either, min_size=1, max_size=2).map(
    lambda ops: {k: ([v] if k in ("$in", "$nin") else v) for k, v in ops.items()})
conditions = st.one_of(either, operators, operators,
                       st.lists(either, max_size=3).map(lambda vs: {"$in": vs}),
                       st.lists(either, max_size=3).map(lambda vs: {"$nin": vs}))
filters = st.dictionaries(st.sampled_from(["a", "b", "a", "b", "c.d", "c.0", "_id", "a.d"]),
                          conditions, max_size=3)
# The screens' kind of filter: equality, $in and ranges on plain values only.
plain_conditions = st.one_of(
    plain,
    st.dictionaries(st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]), plain,
                    min_size=1, max_size=2),
    st.lists(plain, max_size=3).map(lambda vs: {"$in": vs}),
    st.lists(plain, max_size=3).map(lambda vs: {"$nin": vs}))
plain_filters = st.dictionaries(st.sampled_from(["a", "c.d", "_id"]), plain_conditions,
                                min_size=1, max_size=2)


def _outcome(check, spec, document):
    try:
        return check(spec, document)
    except Exception as error:  # mongomock refuses some filters; so must the compiled one
        return type(error)


def _mentioned(condition) -> list:
    """The values a condition names, for documents that hold them."""
    if not isinstance(condition, dict):
        return [condition]
    found = []
    for value in condition.values():
        found += value if isinstance(value, list) else [value]
    return found


def documents(spec: dict):
    """Documents whose values are mostly those ``spec`` names (at its paths and beside them)."""
    named = [value for condition in spec.values() for value in _mentioned(condition)]
    near = st.one_of(st.sampled_from(named), st.sampled_from(named), values) if named else values
    return st.fixed_dictionaries({}, optional={
        "a": near, "b": near, "_id": near,
        "c": st.one_of(st.fixed_dictionaries({}, optional={"d": near, "0": near}), near,
                       st.lists(st.fixed_dictionaries({}, optional={"d": near}), max_size=2))})


@settings(max_examples=4000, deadline=None)
@given(data=st.data(), kind=st.sampled_from([filters, plain_filters, plain_filters, plain_filters]))
def test_the_compiled_filter_answers_as_mongomock(data, kind):
    spec = data.draw(kind, label="filter")
    document = data.draw(documents(spec), label="document")
    assert _outcome(lambda s, d: matcher.compile_filter(s)(d), spec, document) == _outcome(
        filtering.filter_applies, spec, document)


SCREEN_FILTERS = [
    {"centre": "LY", "created_at": {"$gte": dt.datetime(2026, 4, 30, 16),
                                    "$lt": dt.datetime(2026, 5, 31, 16)}},
    {"centre": {"$in": ["LY", "MJ"]}, "state": {"$in": ["accepted", "ready"]},
     "_id": {"$ne": IDS[0]}},
    {"centre": "LY", "handover.at": {"$gte": dt.datetime(2026, 7, 1)}},
]
CASE = {"_id": IDS[1], "centre": "LY", "state": "accepted",
        "created_at": dt.datetime(2026, 5, 12, 2, 30), "handover": {"at": dt.datetime(2026, 8, 1)}}


@pytest.mark.parametrize("spec", SCREEN_FILTERS)
def test_plain_screen_filters_are_answered_without_mongomock(spec, monkeypatch):
    expected = filtering.filter_applies(spec, CASE)
    monkeypatch.setattr(filtering, "filter_applies",
                        lambda *args: pytest.fail("handed to mongomock"))
    assert matcher.compile_filter(spec)(CASE) is expected


@pytest.mark.parametrize("document", [
    {**CASE, "centre": ["LY"]},  # a list: mongomock decides (any element)
    {k: v for k, v in CASE.items() if k != "state"},  # missing
    {**CASE, "created_at": 20260512.5},  # a type compiled filters leave alone
])
def test_what_is_not_plain_is_left_to_mongomock(document, monkeypatch):
    asked = []
    real = filtering.filter_applies
    monkeypatch.setattr(filtering, "filter_applies",
                        lambda spec, doc: asked.append(doc) or real(spec, doc))
    spec = {"centre": "LY", "state": "accepted",
            "created_at": {"$gte": dt.datetime(2026, 5, 1)}}
    assert matcher.compile_filter(spec)(document) is real(spec, document)
    assert asked == [document]
