"""Key tables of the embedded store: written with their documents, multikey rows, built for old
files, never out of step with the documents across processes, and no full decode to answer."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import textwrap

from litemongo import sqlite_store
import pytest

from console.storage import embedded, planner
from console.storage import keys as k
from console.storage.embedded import EmbeddedClient
from console.storage.keytables import KeyTable


@pytest.fixture
def cases(tmp_path):
    collection = EmbeddedClient(tmp_path)["db"]["cases"]
    collection.create_index([("centre", 1), ("state", 1), ("created_at", -1)])
    collection.create_index([("centre", 1), ("open_agencies", 1)])
    return collection


def key_rows(collection, keys: list) -> list[tuple]:
    table = KeyTable.for_index("_".join(f"{p}_{d}" for p, d in keys),
                               {"key": keys})
    return collection._store.execute(
        f'SELECT id, {", ".join(table.columns())} FROM "{table.table}" ORDER BY r, rowid'
    ).fetchall()


def test_keys_are_written_updated_and_deleted_with_the_document(cases):
    when = dt.datetime(2026, 11, 23, 9, 30, 0, 123456)
    cases.insert_one({"_id": "c1", "centre": "LY", "state": "accepted", "created_at": when,
                      "open_agencies": ["LY-AMR", "LY-TAX"]})
    millis = k.micros(when.replace(microsecond=123000))  # the stored (BSON) precision
    assert key_rows(cases, [("centre", 1), ("state", 1), ("created_at", -1)]) == [
        ("s:c1", k.STRING, "LY", k.STRING, "accepted", k.DATE, millis)]
    # one row per element of a multikey path
    assert key_rows(cases, [("centre", 1), ("open_agencies", 1)]) == [
        ("s:c1", k.STRING, "LY", k.STRING, "LY-AMR"), ("s:c1", k.STRING, "LY", k.STRING, "LY-TAX")]
    cases.update_one({"_id": "c1"}, {"$set": {"open_agencies": [], "state": "closed"}})
    assert key_rows(cases, [("centre", 1), ("open_agencies", 1)]) == [
        ("s:c1", k.STRING, "LY", k.ARRAY, None)]
    assert key_rows(cases, [("centre", 1), ("state", 1), ("created_at", -1)])[0][4] == "closed"
    cases.delete_one({"_id": "c1"})
    assert key_rows(cases, [("centre", 1), ("open_agencies", 1)]) == []


def test_a_refused_write_leaves_no_keys(cases):
    cases.create_index([("number", 1)], unique=True)
    cases.insert_one({"_id": 1, "centre": "LY", "number": "LY-1"})
    with pytest.raises(Exception, match="Duplicate"):
        cases.insert_one({"_id": 2, "centre": "MJ", "number": "LY-1"})
    assert [row[0] for row in key_rows(cases, [("number", 1)])] == ["n:1"]
    assert cases.count_documents({"centre": "MJ"}) == 0


def test_a_store_written_before_key_tables_gets_them_built(tmp_path, monkeypatch):
    legacy = sqlite_store.ServerStore(tmp_path)["db"]["cases"]
    legacy.create_index("centre_1_state_1", {"key": [("centre", 1), ("state", 1)]})
    for n in range(5):
        legacy[n] = {"_id": n, "centre": "LY", "state": "open" if n % 2 else "closed"}
    legacy.close()
    # read a couple of documents at a time (a big store is never held in memory whole)
    monkeypatch.setattr(embedded, "BUILD_BATCH", 2)
    collection = EmbeddedClient(tmp_path)["db"]["cases"]
    assert planner.plan(collection._store, {"centre": "LY", "state": "open"}).kind == "exact"
    assert [d["_id"] for d in collection.find({"centre": "LY", "state": "open"})] == [1, 3]
    assert collection.count_documents({"centre": "LY", "state": "closed"}) == 3


def test_answers_decode_only_the_page(cases, monkeypatch):
    cases.insert_many([
        {"centre": "LY", "state": "accepted" if n % 5 == 0 else "closed",
         "created_at": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=n)} for n in range(400)])
    fresh = EmbeddedClient(cases._store._path.parent.parent)["db"]["cases"]  # as after a restart
    documents = fresh._store._documents
    decoded = []
    original = documents._decode_doc
    monkeypatch.setattr(documents, "_decode_doc", lambda blob: decoded.append(1) or original(blob))
    page = list(fresh.find({"centre": "LY", "state": {"$in": ["accepted", "review"]}},
                           sort=[("created_at", -1)], limit=25))
    assert len(page) == 25 and page[0]["created_at"] == dt.datetime(2026, 1, 1, 6, 35)
    assert fresh.count_documents({"centre": "LY", "state": "closed"}) == 320
    assert len(decoded) == 25


def test_declaring_an_existing_index_again_reads_no_document(cases, monkeypatch):
    """MongoEngine declares every index on first use in each process: on a large store that
    was a uniqueness pass over every decoded document before the first page."""
    cases.create_index([("number", 1)], unique=True)
    cases.insert_many([{"number": f"LY-{n}", "centre": "LY"} for n in range(50)])
    fresh = EmbeddedClient(cases._store._path.parent.parent)["db"]["cases"]
    documents = fresh._store._documents
    monkeypatch.setattr(documents, "_decode_doc", lambda blob: pytest.fail("decoded"))
    assert fresh.create_index([("number", 1)], unique=True) == "number_1"
    with pytest.raises(Exception, match="already exists with different options"):
        fresh.create_index([("number", 1)], unique=False)


WRITER = textwrap.dedent("""
    import sys
    from console.storage.embedded import EmbeddedClient
    collection = EmbeddedClient(sys.argv[1])["db"]["cases"]
    me = sys.argv[2]
    for n in range(int(sys.argv[3])):
        key = f"{me}-{n % 7}"
        collection.update_one({"_id": key}, {"$set": {
            "centre": "LY", "state": ("accepted", "closed")[n % 2],
            "open_agencies": [f"A{n % 3}", f"A{(n + 1) % 3}"]}}, upsert=True)
        if n % 5 == 4:
            collection.delete_one({"_id": f"{me}-{(n + 3) % 7}"})
""")


def test_readers_never_see_a_key_without_its_document(cases, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name, "150"],
                                env=env) for name in ("w1", "w2")]
    store = cases._store
    tables = store.key_tables()
    checks = 0
    while any(writer.poll() is None for writer in writers) or checks < 5:
        with store.snapshot():
            documents = {row[0] for row in store.execute("SELECT _id FROM documents")}
            for table in tables:
                keyed = {row[0] for row in store.execute(f'SELECT id FROM "{table.table}"')}
                assert keyed == documents
        for document in cases.find({"centre": "LY", "open_agencies": "A1"}):
            assert "A1" in document["open_agencies"]
        checks += 1
    assert all(writer.wait(60) == 0 for writer in writers)
    assert checks >= 5


def test_a_contains_search_is_answered_from_the_keys(tmp_path, monkeypatch):
    """The case list's company-name search: a count and a page, decoding only the page."""
    collection = EmbeddedClient(tmp_path)["db"]["cases"]
    collection.create_index([("centre", 1), ("company_name", 1), ("state", 1),
                             ("created_at", -1)])
    collection.insert_many([
        {"centre": "LY", "state": "closed", "company_name": f"洛阳{('龙门', '牡丹')[n % 2]}{n}公司",
         "created_at": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=n)} for n in range(300)])
    documents = collection._store._documents
    decoded = []
    original = documents._decode_doc
    monkeypatch.setattr(documents, "_decode_doc", lambda blob: decoded.append(1) or original(blob))
    search = {"centre": "LY", "company_name": re.compile(re.escape("龙门"), re.IGNORECASE)}
    with planner.strict():
        assert collection.count_documents(search) == 150
        assert not decoded
        page = list(collection.find(search, sort=[("created_at", -1)], limit=10))
    assert [d["company_name"] for d in page[:2]] == ["洛阳龙门298公司", "洛阳龙门296公司"]
    assert len(decoded) == 10


def test_a_projected_page_is_read_once(cases, monkeypatch):
    """mongomock adds ``_id`` to the projection while copying: the page must not be fetched
    again for every document because of it."""
    cases.insert_many([{"centre": "LY", "state": "closed", "x": n,
                        "created_at": dt.datetime(2026, 1, 1, 0, n)} for n in range(30)])
    calls = []
    original = planner.find
    monkeypatch.setattr(planner, "find", lambda *a, **kw: calls.append(1) or original(*a, **kw))
    rows = list(cases.find({"centre": "LY", "state": "closed"}, {"x": 1},
                           sort=[("created_at", -1)], limit=25))
    assert len(rows) == 25 and set(rows[0]) == {"_id", "x"} and len(calls) == 1


def test_a_literal_is_matched_with_sql_and_other_patterns_with_python():
    assert planner._literal(re.escape("洛阳(龙门)")) == "洛阳(龙门)"
    assert planner._literal(r"\d+") is None and planner._literal("a.b") is None
    assert "instr" in planner._regex("t", "v", re.compile("龙门", re.IGNORECASE)).sql
    # a letter has a case to fold: Python's matcher decides, as mongomock's does
    assert "ow_regex" in planner._regex("t", "v", re.compile("Abc", re.IGNORECASE)).sql


def test_a_clause_another_key_table_holds_is_decided_in_sql(tmp_path, monkeypatch):
    """An approver's queue: its open agencies on one key table, the scope's "a sub-task of my
    agency" on another; the count and the page come from SQL, decoding only the page."""
    collection = EmbeddedClient(tmp_path)["db"]["cases"]
    collection.create_index([("centre", 1), ("open_agencies", 1), ("due_at", 1)])
    collection.create_index([("centre", 1), ("subtasks.agency", 1), ("state", 1)])
    collection.insert_many([
        {"centre": "LY", "open_agencies": ["AMR"] if n % 3 else [],
         "subtasks": [{"agency": "AMR"}, {"agency": "PSB"}] if n % 2 else [{"agency": "TAX"}],
         "due_at": dt.datetime(2026, 1, 1) + dt.timedelta(hours=n)} for n in range(120)])
    documents = collection._store._documents
    decoded = []
    original = documents._decode_doc
    monkeypatch.setattr(documents, "_decode_doc", lambda blob: decoded.append(1) or original(blob))
    spec = {"centre": "LY", "open_agencies": "AMR", "subtasks.agency": "AMR"}
    with planner.strict():
        assert collection.count_documents(spec) == 40  # odd n, not a multiple of 3
        assert not decoded
        page = list(collection.find(spec, sort=[("due_at", 1)], skip=2, limit=3))
    assert [d["due_at"].hour for d in page] == [7, 11, 13] and len(decoded) == 3
