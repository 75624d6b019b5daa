"""Some top-level fields of a stored document, decoded alone, equal the same fields of the whole
document decoded: every BSON type, nested documents and arrays, CJK names and values."""

from __future__ import annotations

import datetime as dt
import decimal

import bson
from bson import Binary, Code, DBRef, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.codec_options import CodecOptions
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from console.storage.bsonparts import decode_fields

OPTIONS = CodecOptions()
names = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=6).filter(lambda name: not name.startswith("$"))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2**31, 2**31 - 1),
    st.integers(-2**63, 2**63 - 1).map(Int64),
    st.floats(allow_nan=False), st.text(max_size=8), st.sampled_from(["洛阳龙门科技有限公司", ""]),
    st.binary(max_size=8).map(Binary), st.binary(min_size=12, max_size=12).map(ObjectId),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
    .map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)),
    st.tuples(st.text("abc.*龙", max_size=4), st.sampled_from(["", "i", "im"]))
    .map(lambda p: Regex(p[0], p[1])),
    st.text(max_size=6).map(Code), st.just(Code("f(x)", {"x": 1})),
    st.tuples(st.integers(0, 2**31), st.integers(0, 2**31)).map(lambda p: Timestamp(*p)),
    st.decimals(min_value=-10**9, max_value=10**9, places=3)
    .map(lambda d: Decimal128(decimal.Decimal(d))),
    st.just(MinKey()), st.just(MaxKey()), st.just(DBRef("cases", ObjectId())),
    st.binary(max_size=4).map(lambda b: Binary(b, 5)),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)), max_leaves=8)
documents = st.dictionaries(names, values, max_size=8)


@settings(max_examples=300, deadline=None)
@given(document=documents, data=st.data())
def test_the_fields_asked_decode_as_in_the_whole_document(document, data):
    blob = bson.encode(document)
    whole = bson.decode(blob, codec_options=OPTIONS)
    asked = data.draw(st.sets(st.sampled_from([*whole, "absent", "洛阳"])))
    part = decode_fields(blob, frozenset(name.encode() for name in asked), OPTIONS)
    assert part == {name: value for name, value in whole.items() if name in asked}
    assert list(part) == [name for name in whole if name in asked]  # the document's order


def test_a_stored_case_gives_its_list_fields():
    case = {"_id": ObjectId(), "number": "LY202611240001", "company_name": "洛阳龙门科技有限公司",
            "subtasks": [{"agency": "LY-AMR", "deadline": dt.datetime(2026, 11, 25, 8, 0)}] * 7,
            "timeline": [{"note": "办理记录" * 3}] * 20, "due_at": dt.datetime(2026, 11, 26, 8, 0)}
    blob = bson.encode(case)
    assert decode_fields(blob, frozenset({b"_id", b"number", b"due_at"}), OPTIONS) == {
        "_id": case["_id"], "number": "LY202611240001", "due_at": case["due_at"]}


def test_a_damaged_document_is_refused():
    blob = bson.encode({"a": "龙门", "b": 1})
    for damaged in (blob[:-2], blob[:-2] + b"\x00", blob[:9]):
        with pytest.raises(bson.InvalidBSON):
            decode_fields(damaged, frozenset({b"b"}), OPTIONS)
    with pytest.raises(bson.InvalidBSON):
        decode_fields(blob.replace(b"\x10b", b"\x42b"), frozenset({b"b"}), OPTIONS)
