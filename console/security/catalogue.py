"""What every role and group may do, read once per change of the security data and shared by the
requests of a process; a stamp in the database says when that data last changed.

Every write to users, roles, groups, permissions or view-menus changes the stamp after the write
(document saves and deletes through MongoEngine's signals, the security manager's atomic updates
through ``console.security.cache.forget``). Each request reads the stamp once: when it differs
from the one the process's catalogue was read at, the catalogue is read again. So a permission
withdrawn from a role is refused on the very next request in every worker and every process,
while an unchanged catalogue costs one small read per request instead of rebuilding the grants.

The stamp is read before the catalogue: a write that lands between the two leaves a catalogue
labelled with the older stamp, which the next request replaces.
"""

from __future__ import annotations

from collections.abc import Iterable
import threading
from typing import Any

from bson import DBRef, ObjectId
from mongoengine import Document, signals

from models.stamps import bump_stamp
from models.stamps import read_stamp as read_change_stamp

from .models import Group, Permission, PermissionView, Role, SecurityStamp, User, ViewMenu

STAMP_ID = "security"


def _stamps():
    return SecurityStamp._get_collection()


def read_stamp() -> str:
    """The current stamp of the security data (created by the first reader of a new database)."""
    return read_change_stamp(_stamps(), STAMP_ID)


def bump() -> None:
    """Mark the security data changed: every process re-reads it on its next request."""
    bump_stamp(_stamps(), STAMP_ID)


def reference_ids(values: Iterable[Any] | None) -> list[ObjectId]:
    """The ids a list of references holds, whatever form MongoEngine keeps them in."""
    ids = []
    for value in values or ():
        if isinstance(value, Document):
            value = value.pk
        elif isinstance(value, DBRef):
            value = value.id
        if isinstance(value, ObjectId):
            ids.append(value)
    return ids


class Catalogue:
    """Every role (its name and granted (permission, view) pairs) and every group's roles, as
    stored when ``stamp`` was current. Read-only once built; safe to share between threads."""

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp
        permissions = {raw["_id"]: raw.get("name") for raw in
                       Permission._get_collection().find({}, {"name": 1})}
        views = {raw["_id"]: raw.get("name") for raw in
                 ViewMenu._get_collection().find({}, {"name": 1})}
        # A permission-view whose permission or view-menu is gone grants nothing.
        self._pair_of: dict[ObjectId, tuple[str, str]] = {}
        for raw in PermissionView._get_collection().find({}, {"permission": 1, "view_menu": 1}):
            permission = permissions.get(_one_id(raw.get("permission")))
            view = views.get(_one_id(raw.get("view_menu")))
            if permission and view:
                self._pair_of[raw["_id"]] = (permission, view)
        self._roles: dict[ObjectId, dict] = {raw["_id"]: raw for raw in
                                             Role._get_collection().find({})}
        self._role_named = {raw.get("name"): role_id for role_id, raw in self._roles.items()}
        self._group_roles = {raw["_id"]: reference_ids(raw.get("roles")) for raw in
                             Group._get_collection().find({}, {"roles": 1})}
        self._pairs: dict[frozenset, frozenset[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def role_ids_of(self, role_ids: Iterable[Any], group_ids: Iterable[Any] = ()) -> list[ObjectId]:
        """The existing roles among ``role_ids`` and those of the groups, first mention first."""
        ordered: dict[ObjectId, None] = {}
        for role_id in reference_ids(role_ids):
            ordered.setdefault(role_id)
        for group_id in reference_ids(group_ids):
            for role_id in self._group_roles.get(group_id, ()):
                ordered.setdefault(role_id)
        return [role_id for role_id in ordered if role_id in self._roles]

    def pair_of(self, permission_view_id: Any) -> tuple[str, str] | None:
        """The (permission, view) names of one permission-view; None when it is gone."""
        return self._pair_of.get(permission_view_id)

    def role(self, role_id: ObjectId) -> Role:
        """A new Role document of the catalogue (callers may change it without harm to others)."""
        return Role._from_son(dict(self._roles[role_id]))

    def role_id_named(self, name: str) -> ObjectId | None:
        return self._role_named.get(name)

    def name_of(self, role_id: ObjectId) -> str | None:
        raw = self._roles.get(role_id)
        return raw.get("name") if raw else None

    def pairs(self, role_ids: Iterable[Any]) -> frozenset[tuple[str, str]]:
        """Every (permission, view) pair granted to any of the roles."""
        key = frozenset(reference_ids(role_ids))
        found = self._pairs.get(key)
        if found is None:
            found = frozenset(
                self._pair_of[pv_id]
                for role_id in key
                for pv_id in reference_ids(self._roles.get(role_id, {}).get("permissions"))
                if pv_id in self._pair_of
            )
            with self._lock:
                self._pairs[key] = found
        return found


def _one_id(value: Any) -> ObjectId | None:
    ids = reference_ids([value])
    return ids[0] if ids else None


class Holder:
    """The process's catalogue for one security manager, replaced when the stamp moves."""

    def __init__(self) -> None:
        self._held: Catalogue | None = None

    def current(self) -> Catalogue:
        stamp = read_stamp()
        held = self._held
        if held is None or held.stamp != stamp:
            held = Catalogue(stamp)
            self._held = held
        return held


def _changed(sender: type, document: Document | None = None, **kwargs: Any) -> None:
    from .cache import forget

    forget()  # bumps the stamp, and this request asks again


_connected = False


def connect_signals() -> None:
    """Bump the stamp after every save or delete of a security document (once per process)."""
    global _connected
    if _connected:
        return
    for document in (User, Role, Group, Permission, ViewMenu, PermissionView):
        signals.post_save.connect(_changed, sender=document)
        signals.post_delete.connect(_changed, sender=document)
    _connected = True
