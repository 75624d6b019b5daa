"""The embedded store's planner answers exactly as mongomock does, order included, for generated
documents (nested, arrays, missing fields, mixed types, CJK) and generated queries and pages."""

from __future__ import annotations

import datetime as dt
import re

from bson import ObjectId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import mongomock
import pytest

from console.storage import planner
from console.storage.embedded import EmbeddedClient

INDEXES = [
    [("a", 1), ("n", 1)],
    [("g", 1), ("a", -1)],
    [("b", 1)],
    [("c.d", 1), ("g", 1)],
]

words = st.text(alphabet="abcAB洛阳市测试有限公司 ", max_size=4)
scalars = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 1)),
    st.booleans(),
    words,
    st.integers(0, 400).map(lambda h: dt.datetime(2026, 1, 1) + dt.timedelta(hours=h)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3),
                   st.dictionaries(st.sampled_from(["d", "e"]), scalars, max_size=2))
subdocs = st.one_of(
    st.fixed_dictionaries({}, optional={"d": values}),
    st.lists(st.fixed_dictionaries({}, optional={"d": scalars}), max_size=3),
    scalars,
)
documents = st.fixed_dictionaries(
    {"_id": st.binary(min_size=12, max_size=12).map(ObjectId),
     "g": st.sampled_from(["LY", "MJ", "洛阳"])},
    optional={"a": values, "b": st.lists(scalars, max_size=3), "c": subdocs, "e": scalars},
)


def condition(value_strategy):
    return st.one_of(
        value_strategy,
        value_strategy.map(lambda v: {"$eq": v}),
        st.lists(value_strategy, max_size=3).map(lambda vs: {"$in": vs}),
        st.tuples(st.sampled_from(["$gt", "$gte", "$lt", "$lte"]), value_strategy)
        .map(lambda p: {p[0]: p[1]}),
        st.tuples(st.sampled_from(["$gt", "$gte"]), value_strategy,
                  st.sampled_from(["$lt", "$lte"]), value_strategy)
        .map(lambda p: {p[0]: p[1], p[2]: p[3]}),
        st.tuples(words, st.booleans()).map(
            lambda p: re.compile(re.escape(p[0]), re.IGNORECASE if p[1] else 0)),
        st.tuples(words).map(lambda p: {"$regex": "^" + re.escape(p[0]), "$options": "i"}),
        value_strategy.map(lambda v: {"$ne": v}),
        st.booleans().map(lambda b: {"$exists": b}),
    )


plain_filters = st.dictionaries(st.sampled_from(["g", "a", "b", "c.d", "e", "n", "_id"]),
                                condition(scalars), max_size=3)
filters = st.one_of(
    plain_filters,
    # what the planner leaves to the re-check: $or beside indexed clauses, $and of clauses
    st.tuples(plain_filters, plain_filters, plain_filters).map(
        lambda p: {**p[0], "$or": [p[1] or {"g": "LY"}, p[2] or {"g": "MJ"}]}),
    st.tuples(plain_filters, plain_filters).map(lambda p: {"$and": [p[0], p[1]]}),
)
sorts = st.lists(st.tuples(st.sampled_from(["a", "g", "n", "c.d", "e", "_id"]),
                           st.sampled_from([1, -1])),
                 max_size=2, unique_by=lambda p: p[0])


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    embedded = EmbeddedClient(tmp_path_factory.mktemp("planner"))["db"]["things"]
    reference = mongomock.MongoClient()["db"]["things"]
    yield embedded, reference


def fill(stores, docs):
    for collection in stores:
        collection.drop()
        for keys in INDEXES:
            collection.create_index(keys)
        for n, doc in enumerate(docs):
            collection.insert_one({**doc, "n": n})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=st.lists(documents, max_size=25, unique_by=lambda d: d["_id"]), spec=filters,
       sort=sorts, skip=st.integers(0, 6), limit=st.integers(0, 6))
def test_planner_answers_as_mongomock(stores, docs, spec, sort, skip, limit):
    fill(stores, docs)
    embedded, reference = stores

    def run(collection):
        try:
            cursor = collection.find(spec, sort=sort or None, skip=skip, limit=limit)
            return ([doc["n"] for doc in cursor], collection.count_documents(spec),
                    collection.count_documents(spec, skip=skip, **({"limit": limit} if limit
                                                                     else {})))
        except Exception as error:  # both stores refuse the same queries
            return type(error).__name__, None

    assert run(embedded) == run(reference)


projections = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["a", "b", "c", "e", "g", "n"]),
                    st.sampled_from([1, True]), min_size=1, max_size=3),
    st.tuples(st.dictionaries(st.sampled_from(["a", "c", "g"]), st.just(1), min_size=1,
                              max_size=2), st.sampled_from([0, 1, False]))
    .map(lambda p: {**p[0], "_id": p[1]}),
    st.dictionaries(st.sampled_from(["a", "c.d", "g"]), st.just(1), min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from([0, False]), min_size=1,
                    max_size=2),
)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=st.lists(documents, max_size=8, unique_by=lambda d: d["_id"]), spec=plain_filters,
       projection=projections)
def test_projected_documents_are_mongomocks(stores, docs, spec, projection):
    """Plain inclusions are taken from the decoded document, every other shape is mongomock's
    own: either way the documents equal mongomock's, field for field."""
    fill(stores, docs)
    embedded, reference = stores

    def run(collection):
        try:
            return list(collection.find(spec, projection, sort=[("n", 1)]))
        except Exception as error:  # both stores refuse the same projections
            return type(error).__name__

    assert run(embedded) == run(reference)


def test_page_after_recheck_is_the_page_mongomock_gives(stores):
    """A filter the key table can only narrow still pages after the re-check."""
    docs = [{"_id": ObjectId(), "g": "LY", "a": i % 7, "e": i % 2} for i in range(60)]
    fill(stores, docs)
    embedded, reference = stores
    spec = {"g": "LY", "e": {"$ne": 1}}
    chosen = planner.plan(embedded._store, spec, [("a", -1)])
    assert chosen.kind == "recheck" and chosen.order
    for skip in (0, 5, 28):
        got = [d["n"] for d in embedded.find(spec, sort=[("a", -1)], skip=skip, limit=5)]
        assert got == [d["n"] for d in reference.find(spec, sort=[("a", -1)], skip=skip,
                                                      limit=5)]
    assert embedded.count_documents(spec) == 30


def test_exact_plans_page_in_sql_and_count_from_keys(stores):
    docs = [{"_id": ObjectId(), "g": "LY" if i % 3 else "MJ", "a": i} for i in range(90)]
    fill(stores, docs)
    embedded, _ = stores
    chosen = planner.plan(embedded._store, {"g": "LY", "a": {"$gte": 10}}, [("a", -1)])
    assert (chosen.kind, chosen.table.paths) == ("exact", ("g", "a"))
    assert [d["a"] for d in embedded.find({"g": "LY", "a": {"$gte": 10}}, sort=[("a", -1)],
                                          limit=3)] == [89, 88, 86]
    assert embedded.count_documents({"g": "LY", "a": {"$gte": 10}}) == sum(
        1 for i in range(10, 90) if i % 3)


def test_unserved_query_is_logged_once_and_refused_in_strict_mode(stores, caplog):
    fill(stores, [{"_id": ObjectId(), "g": "LY", "e": 1}])
    embedded, _ = stores
    planner._logged.clear()
    with caplog.at_level("WARNING", logger="console.storage.planner"):
        assert len(list(embedded.find({"e": 1}))) == 1
        assert len(list(embedded.find({"e": 2}))) == 0
    assert [r.getMessage() for r in caplog.records] == [
        "embedded store: no declared index serves things find {e:eq} sort []; scanning"]
    with planner.strict(), pytest.raises(planner.ScanError, match=r"things find \{e:eq\}"):
        list(embedded.find({"e": 1}))
    with planner.strict():
        assert len(list(embedded.find({"g": "LY", "e": 1}))) == 1


def test_a_repeated_query_shape_tries_only_the_key_table_chosen_before(stores, monkeypatch):
    docs = [{"_id": ObjectId(), "g": "LY" if i % 2 else "MJ", "a": i % 5} for i in range(40)]
    fill(stores, docs)
    embedded, reference = stores
    tried: list[tuple[str, ...]] = []
    table_plan = planner._table_plan

    def counting(store, known, table, *args):
        tried.append(table.paths)
        return table_plan(store, known, table, *args)

    monkeypatch.setattr(planner, "_table_plan", counting)
    for centre, value in (("LY", 3), ("MJ", 1), ("LY", 0)):
        tried.clear()
        spec = {"g": centre, "a": {"$lte": value}}
        assert [d["n"] for d in embedded.find(spec, sort=[("a", -1)], limit=4)] == [
            d["n"] for d in reference.find(spec, sort=[("a", -1)], limit=4)]
        # The first time every key table is weighed; then only the one that served best.
        assert tried == ([("a", "n"), ("g", "a"), ("b",), ("c.d", "g")] if value == 3
                         else [("g", "a")])


def test_an_index_declared_later_serves_the_next_query_of_a_known_shape(stores):
    docs = [{"_id": ObjectId(), "g": "LY", "e": i % 3} for i in range(30)]
    fill(stores, docs)
    embedded, _ = stores
    assert planner.plan(embedded._store, {"g": "LY", "e": 1}).kind == "recheck"
    embedded.create_index([("g", 1), ("e", 1)])
    chosen = planner.plan(embedded._store, {"g": "LY", "e": 2})
    assert (chosen.kind, chosen.table.paths) == ("exact", ("g", "e"))
    assert embedded.count_documents({"g": "LY", "e": 2}) == 10


def test_a_contains_search_counts_its_matches_with_its_page_until_a_write(stores, monkeypatch):
    docs = [{"_id": ObjectId(), "g": "LY", "a": f"洛阳{'龙门' if i % 3 else '伊河'}{i}"}
            for i in range(60)]
    fill(stores, docs)
    embedded, reference = stores
    spec = {"g": "LY", "a": re.compile("龙门")}
    counts: list[str] = []
    execute = embedded._store.execute

    def spying(sql, params=()):
        if sql.startswith("SELECT COUNT(*)"):
            counts.append(sql)
        return execute(sql, params)

    monkeypatch.setattr(embedded._store, "execute", spying)
    page = [d["n"] for d in embedded.find(spec, sort=[("n", -1)], limit=5)]
    assert page == [d["n"] for d in reference.find(spec, sort=[("n", -1)], limit=5)]
    assert embedded.count_documents(spec) == 40 and counts == []  # counted with the page
    # Any write since (here, one more match), and the count is taken again.
    for collection in stores:
        collection.insert_one({"_id": ObjectId(), "g": "LY", "a": "龙门新店", "n": 99})
    assert embedded.count_documents(spec) == reference.count_documents(spec) == 41
    assert len(counts) == 1
    # Another filter is never answered with this one's total.
    assert embedded.count_documents({"g": "LY", "a": re.compile("伊河")}) == 20
