"""Start-up checks with stable ids, in the manner of Django's system checks.

A configuration mistake that would show a user another centre's records, or fail on the first
page view, stops the console at start-up with a message that says what to fix:

* ``onewindow.E001``: a document of the console with a ``centre`` field has no tenancy scope;
* ``onewindow.E002``: a screen names a column its document (and its extra form fields) lacks;
* ``onewindow.E003``: a role rule in :mod:`console.roles` matches no permission of any screen.

A store that works but would be slow is a warning, logged by the first request each serving
process handles (command-line verbs such as ``onewindow init`` never see it):

* ``onewindow.W001``: a collection lacks indexes its document declares (serving never creates
  one; ``onewindow init`` does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import re
import threading
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext, ngettext
from mongoengine import ConnectionFailure
from mongoengine.base import _document_registry
import pymongo.errors

from console import roles
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.scope import registered_scopes

# Only the console's own documents: tests and other programs may define documents of their own.
OWN_MODULES = ("models.", "console.")
VIEW_COLUMN_LISTS = ("list_columns", "show_columns", "add_columns", "edit_columns",
                     "search_columns", "order_columns")


class ImproperlyConfigured(RuntimeError):
    """The console refuses to start; the message lists every failed check."""


@dataclass(frozen=True)
class CheckMessage:
    id: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.id}: {self.message}\n    HINT: {self.hint}"


def check_scopes(documents: Iterable[type] | None = None) -> list[CheckMessage]:
    """E001: every centre-owned document is confined by a registered scope."""
    found = []
    for document in documents if documents is not None else _own_documents():
        if "centre" in document._fields and not registered_scopes(document):
            found.append(CheckMessage(
                "onewindow.E001",
                f"{document.__module__}.{document.__name__} has a 'centre' field but no "
                "tenancy scope, so every centre would see its records.",
                f"Register one in console/tenancy.py register(): e.g. "
                f"register_scope({document.__name__}, own_centre).",
            ))
    return found


def _own_documents() -> list[type]:
    documents = []
    for document in _document_registry.values():
        meta = getattr(document, "_meta", {})
        if meta.get("abstract") or getattr(document, "_is_document", False) is False:
            continue
        if document.__module__.startswith(OWN_MODULES):
            documents.append(document)
    return documents


def check_view_columns(views: Iterable[Any]) -> list[CheckMessage]:
    """E002: every column a screen names exists on its document or among its extra fields."""
    found = []
    for view in views:
        datamodel = getattr(view, "datamodel", None)
        if not isinstance(datamodel, MongoEngineInterface):
            continue
        document = datamodel.obj
        known = set(datamodel.get_columns_list())
        for extra in ("add_form_extra_fields", "edit_form_extra_fields",
                      "search_form_extra_fields"):
            known |= set(getattr(view, extra, None) or {})
        for attribute in VIEW_COLUMN_LISTS:
            for column in getattr(type(view), attribute, None) or []:
                if column in known or hasattr(document, column):
                    continue
                found.append(CheckMessage(
                    "onewindow.E002",
                    f"{type(view).__name__}.{attribute} names '{column}', which "
                    f"{document.__name__} does not have.",
                    f"Use one of: {', '.join(sorted(known))}; or add the field to "
                    f"{document.__name__} (or a form extra field).",
                ))
    return found


def permission_pairs(appbuilder: Any) -> set[tuple[str, str]]:
    """Every (view-menu, permission) pair the registered screens and menu entries declare."""
    pairs = set()
    for view in appbuilder.baseviews:
        name = getattr(view, "class_permission_name", None) or type(view).__name__
        for permission in getattr(view, "base_permissions", None) or []:
            pairs.add((name, permission))
    for item in appbuilder.menu.get_list():
        pairs.add((item.name, "menu_access"))
        for child in item.childs or []:
            if child.name != "-":
                pairs.add((child.name, "menu_access"))
    return pairs


def check_role_rules(pairs: set[tuple[str, str]],
                     rules: dict[str, list[tuple[str, str]]] | None = None) -> list[CheckMessage]:
    """E003: each role rule grants at least one permission of a registered screen or menu."""
    found = []
    for role, role_rules in (rules if rules is not None else roles.ROLE_RULES).items():
        for view_pattern, permission_pattern in role_rules:
            if any(re.fullmatch(view_pattern, view) and re.fullmatch(permission_pattern, perm)
                   for view, perm in pairs):
                continue
            found.append(CheckMessage(
                "onewindow.E003",
                f"Role {role}: rule ({view_pattern!r}, {permission_pattern!r}) matches no "
                "permission of any registered screen or menu entry.",
                "Fix the view or permission name in console/roles.py ROLE_RULES (view names are "
                "class names, e.g. 'WindowView'; menu names as given to add_view/add_link), or "
                "register the screen.",
            ))
    return found


def check_indexes(documents: Iterable[type] | None = None) -> list[CheckMessage]:
    """W001: every index a document declares exists in its collection (translated: an operator
    reads it in the console's language)."""
    found = []
    for document in documents if documents is not None else _one_per_collection():
        # The _id index comes with the collection, which may simply not exist yet.
        missing = [keys for keys in document.compare_indexes()["missing"] if keys != [("_id", 1)]]
        if missing:
            # Named apart: Babel's extractor loses the plural of a call with literals in its
            # keyword arguments.
            indexes = "; ".join(f"({', '.join(name for name, _ in keys)})" for keys in missing)
            message = ngettext(
                "The collection %(collection)s lacks %(num)d declared index: %(indexes)s; its "
                "queries scan the collection until it exists.",
                "The collection %(collection)s lacks %(num)d declared indexes: %(indexes)s; its "
                "queries scan the collection until they exist.",
                len(missing), collection=document._get_collection_name(), indexes=indexes)
            found.append(CheckMessage(
                "onewindow.W001", message,
                gettext("Run “onewindow init”: it creates every declared index (running it "
                        "again changes nothing)."),
            ))
    return found


def _one_per_collection() -> list[type]:
    """The console's documents with indexes to declare, one per collection."""
    found: dict[str, type] = {}
    for document in _own_documents():
        if document._meta.get("index_specs"):
            found.setdefault(document._get_collection_name(), document)
    return list(found.values())


def warn_missing_indexes(app: Flask) -> list[CheckMessage]:
    """Log W001 for each collection that lacks declared indexes, in the default language. A
    database that does not answer is skipped: the pages and ``/healthz`` already say so."""
    try:
        with force_locale(app.config.get("BABEL_DEFAULT_LOCALE") or "zh_CN"):
            found = check_indexes()
            messages = [str(message) for message in found]
    except (pymongo.errors.PyMongoError, ConnectionFailure):
        return []
    for message in messages:
        app.logger.warning("%s", message)
    return found


def run_checks(app: Flask) -> list[CheckMessage]:
    appbuilder = app.appbuilder
    return [
        *check_scopes(),
        *check_view_columns(appbuilder.baseviews),
        *check_role_rules(permission_pairs(appbuilder)),
    ]


def init_app(app: Flask) -> None:
    """Refuse to start on any failed check (after every screen has been registered)."""
    failed = run_checks(app)
    if failed:
        raise ImproperlyConfigured(
            "The console cannot start:\n" + "\n".join(str(message) for message in failed)
        )
    # The warnings read the store: once, at the first request this process serves (the lock
    # is taken and never given back, so later and concurrent requests go straight on).
    first = threading.Lock()

    @app.before_request
    def _warn_once() -> None:
        if first.acquire(blocking=False):
            warn_missing_indexes(app)
