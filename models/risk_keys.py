"""一人多户 and 一址多照 counted per key: for each centre, legal representative and address, how
many open cases give it, kept up to date from ``case_changed`` so a dashboard counts the flagged
cases from the few keys over the threshold, never from the open cases themselves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
import logging
from typing import Any

from mongoengine import Document, IntField, StringField
from pymongo.errors import DuplicateKeyError

from models import case as c
from models.signals import case_changed

log = logging.getLogger(__name__)

PERSON, ADDRESS = "person", "address"
# A risk kind → the case field its key is (the address as normalised for comparison).
KEY_FIELDS = {PERSON: "legal_rep_id", ADDRESS: "address_key"}


class RiskKey(Document):
    """How many open cases of ``centre`` give one legal representative or one address."""

    centre = StringField(required=True)
    kind = StringField(required=True, choices=list(KEY_FIELDS))
    key = StringField(required=True)
    open = IntField(required=True, default=0)

    meta = {"collection": "risk_keys",
            "indexes": [{"fields": ["centre", "kind", "key"], "unique": True},
                        # The keys over a threshold: a range after two equalities.
                        ("centre", "kind", "open")]}


def _keys(case: Any) -> dict[str, str]:
    return {kind: value for kind, field in KEY_FIELDS.items()
            if (value := getattr(case, field, None))}


@case_changed.connect
def on_case_changed(case: c.Case, event: c.TimelineEvent | None = None, **_: Any) -> None:
    """Recount the case's keys when it becomes open or stops being open.

    Each key is counted afresh from the open cases (one count on the ``(centre, legal_rep_id /
    address_key, state)`` index) and set, never incremented: a change that failed to count, or
    two first cases of one key at the same moment, leave a count that the key's next change puts
    right, instead of an error that lasts until ``onewindow init``."""
    if event is None:
        return
    if (event.to_state in c.OPEN_STATES) == (event.from_state in c.OPEN_STATES):
        return
    try:
        for kind, key in _keys(case).items():
            set_count(case.centre, kind, key)
    except Exception:  # a risk count must never undo or block a committed case change
        log.exception("risk keys not updated for case %s (run `onewindow init`)",
                      getattr(case, "number", "?"))


def set_count(centre: str, kind: str, key: str) -> int:
    """Count the open cases of ``centre`` giving ``key`` and store that count; returns it."""
    from models.case import Case

    count = Case._get_collection().count_documents(
        {"centre": centre, KEY_FIELDS[kind]: key, "state": {"$in": list(c.OPEN_STATES)}})
    keys = RiskKey._get_collection()
    spec = {"centre": centre, "kind": kind, "key": key}
    try:
        keys.update_one(spec, {"$set": {"open": count}}, upsert=True)
    except DuplicateKeyError:  # another process created the key between our find and insert
        keys.update_one(spec, {"$set": {"open": count}})
    return count


def _over(centre: str, kind: str, others: int, field: str):
    """The keys of ``kind`` at ``centre`` given by more than ``others`` open cases, as stored rows
    holding ``field`` (a centre can have hundreds: no documents are built)."""
    return RiskKey._get_collection().find(
        {"centre": centre, "kind": kind, "open": {"$gte": others + 1}}, {field: 1, "_id": 0})


def flagged_keys(centres: Iterable[str], kind: str, others: int) -> dict[str, list[str]]:
    """Per centre, the keys of ``kind`` given by more than ``others`` open cases: each of those
    cases has at least ``others`` other open cases with the same key (the case page's warning)."""
    found: dict[str, list[str]] = {}
    for centre in centres:
        keys = [row["key"] for row in _over(centre, kind, others, "key")]
        if keys:
            found[centre] = keys
    return found


def flagged_count(centres: Iterable[str], kind: str, others: int) -> int:
    """How many open cases of ``centres`` the case page warns about for ``kind``."""
    return sum(row["open"] for centre in centres for row in _over(centre, kind, others, "open"))


def rebuild_risk_keys(centre: str) -> int:
    """Count the centre's open cases per key afresh (after a bulk load, or on an upgraded store:
    `onewindow init`); returns the number of keys written."""
    from models.case import Case

    counts: Counter[tuple[str, str]] = Counter()
    for row in Case.objects(centre=centre, state__in=list(c.OPEN_STATES)).only(
            *KEY_FIELDS.values()).as_pymongo():
        for kind, field in KEY_FIELDS.items():
            if row.get(field):
                counts[kind, row[field]] += 1
    RiskKey.objects(centre=centre).delete()
    if counts:
        RiskKey._get_collection().insert_many([
            {"centre": centre, "kind": kind, "key": key, "open": count}
            for (kind, key), count in counts.items()])
    return len(counts)
