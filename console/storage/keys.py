"""Index keys for the embedded store: BSON values as (type rank, value) pairs SQLite can order.

A key column pair ``t``/``v`` holds the value's rank in MongoDB's BSON comparison order (the ranks
mongomock uses, so that the planner and the Python path agree) and a value SQLite compares the
same way Python does within that rank: numbers as numbers, strings as UTF-8 text (byte order is
code-point order), ObjectIds as hex, dates as integer microseconds, booleans as 0/1. Values SQLite
cannot order like BSON (sub-documents, nested arrays, binary, regexes, NaN) get their rank and a
NULL value: they match no translated predicate and mark the column "opaque", so the planner never
sorts on it.
"""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
import itertools
import math
import re
from typing import Any
import uuid

import bson
from litemongo._vendor.mongomock.filtering import NOTHING, iter_key_candidates

# BSON comparison ranks, as mongomock's filtering._get_compare_type numbers them.
NULL, NUMBER, STRING, OBJECT, ARRAY, BINARY, OBJECT_ID, BOOLEAN, DATE, REGEX = (
    5, 10, 15, 20, 25, 30, 35, 40, 45, 50)
OTHER = 99

EPOCH = dt.datetime(1970, 1, 1)

Key = tuple[int, Any]


def encode(value: Any) -> Key:
    """The (rank, SQLite value) of one scalar; NULL value for what SQLite cannot order."""
    if value is None or value is NOTHING:
        return NULL, None
    if isinstance(value, bool):
        return BOOLEAN, int(value)
    if isinstance(value, int):
        return NUMBER, int(value)
    if isinstance(value, float):
        return NUMBER, None if math.isnan(value) else value
    if isinstance(value, str):
        return STRING, value
    if isinstance(value, bson.ObjectId):
        return OBJECT_ID, str(value)
    if isinstance(value, dt.datetime):
        return DATE, micros(value)
    if isinstance(value, dict):
        return OBJECT, None
    if isinstance(value, (list, tuple)):
        return ARRAY, None
    if isinstance(value, (bytes, uuid.UUID)):
        return BINARY, None
    if isinstance(value, (re.Pattern, bson.Regex)):
        return REGEX, None
    return OTHER, None


def micros(value: dt.datetime) -> int:
    """Microseconds since the epoch of a naive-UTC (or aware) datetime."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def is_orderable(key: Key) -> bool:
    """True when SQLite orders this key exactly as BSON does."""
    return key[0] == NULL or key[1] is not None


def path_keys(document: dict, path: str) -> tuple[list[Key], bool]:
    """Every key ``document`` has under ``path`` (one per array element) and whether an array
    was met (the path is then multikey: one document, several rows)."""
    keys: list[Key] = []
    multikey = False
    candidates = iter_key_candidates(path, document)
    for candidate in candidates:
        if isinstance(candidate, list):
            multikey = True
            if not candidate:
                keys.append((ARRAY, None))
            keys.extend(encode(element) for element in candidate)
        else:
            keys.append(encode(candidate))
    if len(candidates) != 1 or "." in path and _crosses_array(document, path):
        multikey = True
    if not keys:
        # A path through a scalar has no candidate: the document still has a row, as null.
        keys.append((NULL, None))
    return list(dict.fromkeys(keys)), multikey


def _crosses_array(document: Any, path: str) -> bool:
    for part in path.split(".")[:-1]:
        if isinstance(document, list):
            return True
        if not isinstance(document, dict):
            return False
        document = document.get(part)
    return isinstance(document, list)


def document_rows(document: dict, paths: Iterable[str]) -> tuple[list[tuple], set[int], set[int]]:
    """The key rows of one document for an index over ``paths`` (the cartesian product of the
    paths' keys), the positions of multikey paths, and those holding values SQLite can't order."""
    per_path: list[list[Key]] = []
    multikey: set[int] = set()
    opaque: set[int] = set()
    for position, path in enumerate(paths):
        keys, is_multikey = path_keys(document, path)
        if is_multikey:
            multikey.add(position)
        if not all(is_orderable(key) for key in keys):
            opaque.add(position)
        per_path.append(keys)
    rows = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*per_path)]
    return rows, multikey, opaque
