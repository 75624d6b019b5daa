"""``onewindow init``: indexes, permissions and roles, created so that running it again changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_appbuilder import AppBuilder
from mongoengine.base import _document_registry

from console import roles


@dataclass
class InitReport:
    """What ``initialise`` found or created, for the command's one-line summary."""

    collections: int = 0
    indexes: int = 0
    permissions: int = 0
    roles: list[str] = field(default_factory=list)


def ensure_all_indexes() -> tuple[int, int]:
    """Create the indexes every document declares; returns (collections, indexes)."""
    collections = indexes = 0
    seen: set[str] = set()
    for document in list(_document_registry.values()):
        if document._meta.get("abstract") or not hasattr(document, "ensure_indexes"):
            continue
        collection = document._get_collection_name()
        if not collection or collection in seen:
            continue
        seen.add(collection)
        document.ensure_indexes()
        collections += 1
        indexes += len(document._get_collection().index_information())
    return collections, indexes


def initialise(appbuilder: AppBuilder) -> InitReport:
    """Indexes, then every view's permissions, then the built-in roles."""
    report = InitReport()
    report.collections, report.indexes = ensure_all_indexes()
    from console.limits import ensure_ttl_index

    ensure_ttl_index()
    appbuilder.add_permissions(update_perms=True)
    security = appbuilder.sm
    security.create_db()
    roles.sync_roles(security)
    report.permissions = security.permissionview_model.objects.count()
    report.roles = sorted(role.name for role in security.get_all_roles())
    return report
