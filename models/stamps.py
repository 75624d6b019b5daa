"""Change stamps: one small document per kind of rarely changing data (the security data, the
working calendars), whose random stamp changes after every write to that data.

A process keeps what it built from such data (the roles' grants, a centre's calendar) labelled
with the stamp it read first; one read of the stamp then tells whether that is still current, in
every worker and every process sharing the database. A new database gets a new random stamp, so
nothing built from another database is ever taken for current.
"""

from __future__ import annotations

import secrets
from typing import Any

from mongoengine import Document, StringField


class ChangeStamp(Document):
    """The stamp of one kind of data (``id``: its name, e.g. ``calendar``)."""

    id = StringField(primary_key=True)
    stamp = StringField(max_length=64)

    meta = {"collection": "change_stamps", "indexes": []}


def read_stamp(collection: Any, name: str) -> str:
    """The current stamp of ``name`` in ``collection`` (made by the first reader of a new
    database; concurrent first readers agree on one)."""
    found = collection.find_one({"_id": name})
    if found and found.get("stamp"):
        return found["stamp"]
    collection.update_one({"_id": name}, {"$setOnInsert": {"stamp": secrets.token_hex(16)}},
                          upsert=True)
    return collection.find_one({"_id": name})["stamp"]


def bump_stamp(collection: Any, name: str) -> None:
    """Mark ``name``'s data changed: whatever a process built from it is read again."""
    collection.update_one({"_id": name}, {"$set": {"stamp": secrets.token_hex(16)}}, upsert=True)


def current(name: str) -> str:
    """The stamp of ``name`` among the application's change stamps."""
    return read_stamp(ChangeStamp._get_collection(), name)


def bump(name: str) -> None:
    """Bump ``name`` among the application's change stamps."""
    bump_stamp(ChangeStamp._get_collection(), name)
