"""Tenancy: every console user works for one service centre (the super-administrator for all),
and every query over a centre's records is confined to it in the data layer.

Scopes registered here apply to every :class:`~console.datamodel.interface.MongoEngineInterface`
over these documents: lists, ``get(pk)`` (so another centre's record by URL is a 404, also on
FAB's ``action`` and ``list(pk)`` paths), relation select boxes, filters, uniqueness look-ups.

Agencies and service items may be shared by every centre (``centre`` unset, owned by the
super-administrator) or belong to one centre: centre users see both, and change only their own.
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from console.datamodel.scope import ScopeResult, register_scope
from models import (
    Agency,
    CalendarOverride,
    Case,
    RosterEntry,
    ServiceCentre,
    ServiceItem,
    StaffMember,
    Window,
)

NOBODY = False  # a scope result: nothing visible


def user_centre() -> str | None | bool:
    """The signed-in user's centre code; None for the super-administrator; False when nobody is
    signed in. Outside a request (CLI, scripts) nothing is confined: returns None."""
    if not has_request_context():
        return None
    if not current_user or not current_user.is_authenticated:
        return NOBODY
    return getattr(current_user, "centre", None) or None


def own_centre(document: type) -> ScopeResult:
    """Records of the user's centre only (and, being a plain key, writes confined to it)."""
    centre = user_centre()
    if centre is None or centre is NOBODY:
        return centre
    return {"centre": centre}


def own_or_shared(document: type) -> ScopeResult:
    """Records of the user's centre and the shared ones (read-only for centre users)."""
    centre = user_centre()
    if centre is None or centre is NOBODY:
        return centre
    # An operator key: it narrows reads without confining writes (see console.datamodel.scope).
    return {"centre__in": [centre, None]}


def own_centre_record(document: type) -> ScopeResult:
    """The service centre document of the user's own centre."""
    centre = user_centre()
    if centre is None or centre is NOBODY:
        return centre
    return {"code": centre}


def case_scope(document: type) -> ScopeResult:
    """Cases of the user's centre; an approver sees only cases with their agency's sub-tasks."""
    centre = user_centre()
    if centre is None or centre is NOBODY:
        return centre
    agency = getattr(current_user, "agency", None)
    roles = {role.name for role in current_user.roles}
    if agency and roles <= {"Approver"}:
        return {"centre": centre, "subtasks__agency": agency}
    return {"centre": centre}


def register() -> None:
    """Install the scopes (idempotent: each document is registered once per process)."""
    global _registered
    if _registered:
        return
    for document in (Window, StaffMember, RosterEntry):
        register_scope(document, own_centre)
    for document in (Agency, ServiceItem, CalendarOverride):
        register_scope(document, own_or_shared)
    register_scope(ServiceCentre, own_centre_record)
    register_scope(Case, case_scope)
    _registered = True


_registered = False
