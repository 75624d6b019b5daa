"""A filter compiled once per query, for re-checking many decoded documents quickly.

mongomock's matcher walks the filter anew for every document (operator tables, type brackets,
key candidates), some 200 µs a document: a year's statistics re-check about 17,000 cases a
request. Most screen filters are equality, ``$in`` and ranges on plain values (strings, dates,
ids, integers). For those, :func:`compile_filter` answers directly when the document's value is
plain too; anything else (a list, a missing field, a sub-document, another type, an operator it
does not know) is handed to mongomock's matcher for that document, so the answer is always
mongomock's.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
import operator
from typing import Any

from bson import ObjectId
from litemongo._vendor.mongomock import filtering

# BSON's comparison order of the types handled here (as mongomock brackets them): a range
# compares only values of one bracket; across brackets it is false.
_BRACKETS = {int: 10, str: 15, ObjectId: 35, dt.datetime: 45}
_RANGES = {"$gt": operator.gt, "$gte": operator.ge, "$lt": operator.lt, "$lte": operator.le}
_UNSURE = object()


def _plain(value: Any) -> bool:
    kind = type(value)  # exact: bool is not an int here, nor a str subclass a str
    return kind in _BRACKETS and (kind is not dt.datetime or value.tzinfo is None)


def _check(condition: Any) -> Callable[[Any], bool] | None:
    """The test of one path's condition on a plain document value, or None if not handled."""
    if not isinstance(condition, dict):
        return (lambda value, wanted=condition: value == wanted) if _plain(condition) else None
    if not condition or not all(key in _RANGES or key in ("$eq", "$ne", "$in", "$nin")
                                for key in condition):
        return None
    tests = []
    for key, wanted in condition.items():
        if key in ("$in", "$nin"):
            if not isinstance(wanted, list | tuple) or not all(_plain(v) for v in wanted):
                return None
            choices = tuple(wanted)
            tests.append((lambda value, c=choices: value in c) if key == "$in"
                         else (lambda value, c=choices: value not in c))
        elif not _plain(wanted):
            return None
        elif key == "$eq":
            tests.append(lambda value, w=wanted: value == w)
        elif key == "$ne":
            tests.append(lambda value, w=wanted: value != w)
        else:
            bracket, compare = _BRACKETS[type(wanted)], _RANGES[key]
            tests.append(lambda value, w=wanted, b=bracket, op=compare:
                         _BRACKETS[type(value)] == b and op(value, w))
    return lambda value: all(test(value) for test in tests)


def _value(document: dict, parts: tuple[str, ...]) -> Any:
    """The plain value at ``parts``, or _UNSURE (missing, in a list, not plain)."""
    value: Any = document
    for part in parts:
        if type(value) is not dict or part not in value:
            return _UNSURE
        value = value[part]
    return value if _plain(value) else _UNSURE


def compile_filter(spec: dict) -> Callable[[dict], bool]:
    """``filter_applies(spec, document)`` as a function of the document, faster for the plain
    cases (see the module's docstring), mongomock's own answer otherwise."""

    def slow(document: dict) -> bool:
        return filtering.filter_applies(spec, document)

    if not isinstance(spec, dict):
        return slow
    clauses = []
    for path, condition in spec.items():
        parts = tuple(path.split("."))
        check = _check(condition)
        if check is None or path.startswith("$") or any(p.isdigit() or not p for p in parts):
            return slow
        clauses.append((parts, check))

    def match(document: dict) -> bool:
        for parts, check in clauses:
            value = _value(document, parts)
            if value is _UNSURE:
                return slow(document)
            if not check(value):
                return False
        return True

    return match
