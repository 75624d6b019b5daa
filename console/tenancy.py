"""Tenancy: every console user works for one service centre (the super-administrator for all),
and every query over a centre's records is confined to it in the data layer.

Scopes registered here apply to every :class:`~console.datamodel.interface.MongoEngineInterface`
over these documents: lists, ``get(pk)`` (so another centre's record by URL is a 404, also on
FAB's ``action`` and ``list(pk)`` paths), relation select boxes, filters, uniqueness look-ups.

Agencies and service items may be shared by every centre (``centre`` unset, owned by the
super-administrator) or belong to one centre: centre users see both, and change only their own.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_request_context
from flask_login import current_user

from console.audit.models import AuditEntry
from console.datamodel.scope import Scope, ScopeResult, register_scope
from console.security.models import User
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
    signed in, and for a user without a centre who is not a super-administrator (tenancy fails
    closed: a missing centre never means "every centre"). Outside a request (CLI, scripts)
    nothing is confined: returns None."""
    if not has_request_context():
        return None
    if not current_user or not current_user.is_authenticated:
        return NOBODY
    centre = getattr(current_user, "centre", None)
    if centre:
        return centre
    return None if is_super_administrator(current_user) else NOBODY


def is_super_administrator(user) -> bool:
    """True when ``user`` holds the administrator role (directly or through a group)."""
    admin = current_app.config.get("AUTH_ROLE_ADMIN", "Admin")
    return admin in current_app.appbuilder.sm.role_names(user)


def _for_centre(build: Callable[[str], ScopeResult]) -> Scope:
    """A scope that confines a centre user with ``build(centre)``; the super-administrator and
    scripts see everything, an anonymous visitor nothing."""

    def scope(document: type) -> ScopeResult:
        centre = user_centre()
        if centre is None or centre is NOBODY:
            return centre
        return build(centre)

    return scope


# Records of the user's centre only (a plain key: writes are confined to it as well).
own_centre = _for_centre(lambda centre: {"centre": centre})
# The user's centre and the shared records; an operator key narrows reads without confining
# writes (see console.datamodel.scope), and the screens keep shared records read-only.
own_or_shared = _for_centre(lambda centre: {"centre__in": [centre, None]})
# The service-centre document of the user's own centre.
own_centre_record = _for_centre(lambda centre: {"code": centre})


def _case_filter(centre: str) -> ScopeResult:
    """Cases of the user's centre; an approver sees only cases with their agency's sub-tasks."""
    agency = getattr(current_user, "agency", None)
    # The roles held directly (not through a group), from the security catalogue.
    roles = current_app.appbuilder.sm.role_names(current_user, groups=False)
    if agency and roles <= {"Approver"}:
        return {"centre": centre, "subtasks__agency": agency}
    return {"centre": centre}


case_scope = _for_centre(_case_filter)


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
    # Users are managed by the super-administrator; a centre user reaches only their own
    # centre's users (their own profile page).
    register_scope(User, own_centre)
    # The audit log: a centre's entries to its administrators and supervisors; entries of no
    # centre (the super-administrator's work, shared records) to the super-administrator only.
    register_scope(AuditEntry, own_centre)
    register_scope(Case, case_scope)
    # Daily figures: a centre's own (the statistics screens also pass the centre explicitly).
    from models.daily_figures import DailyFigure

    register_scope(DailyFigure, own_centre)
    # Online-intake submission keys: the intake account's centre only.
    from console.api.intake import IntakeKey

    register_scope(IntakeKey, own_centre)
    # 一人多户 / 一址多照 counts per key: a centre's own (the dashboard passes its centres too).
    from models.risk_keys import RiskKey

    register_scope(RiskKey, own_centre)
    _registered = True


_registered = False
