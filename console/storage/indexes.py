"""Declared indexes, created on purpose: by ``onewindow init`` (and test fixtures), never on a
document class's first use in a serving process."""

from __future__ import annotations

from mongoengine.base import _document_registry


def _documents() -> list:
    """Every concrete document class, one per collection (subclasses share their base's)."""
    found, seen = [], set()
    for document in list(_document_registry.values()):
        if document._meta.get("abstract") or not hasattr(document, "ensure_indexes"):
            continue
        collection = document._get_collection_name()
        if collection and collection not in seen:
            seen.add(collection)
            found.append(document)
    return found


def manual_indexes() -> None:
    """Turn off MongoEngine's index creation on first use for every document class known now.

    On first use MongoEngine re-declares each index; on a big embedded store that cost a full
    pass over the collection in the first request after a restart, and on a server it would
    build a missing index under live traffic. ``onewindow init`` creates them instead."""
    for document in list(_document_registry.values()):
        document._meta["auto_create_index"] = False


def ensure_indexes() -> tuple[int, int]:
    """Create the indexes every document declares; returns (collections, indexes)."""
    collections = indexes = 0
    for document in _documents():
        document.ensure_indexes()
        collections += 1
        indexes += len(document._get_collection().index_information())
    return collections, indexes
