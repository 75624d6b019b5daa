"""Staff members named by their logins, as every page and paper names them (李娜, not
ly_clerk): one indexed look-up per login, remembered for the request, so a timeline or an export
of thousands of rows costs a query per person, not per row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

# Logins of programs, not people: named by what they are, with the login.
SYSTEM_ROLES = {"IntakeSystem": _l("Online intake (%(login)s)"),
                "AgencySystem": _l("Agency system (%(login)s)")}


def _staff_names() -> dict[str, str]:
    return g.setdefault("_onewindow_staff_names", {}) if has_app_context() else {}


def remember_people(usernames: Iterable[Any]) -> None:
    """Read the names behind every login a page is about to name in one query, so ``person``
    answers each from memory (a case's timeline names its clerk and every agency's approver)."""
    from models import StaffMember

    names = _staff_names()
    wanted = {str(username) for username in usernames if username} - names.keys()
    if not wanted:
        return
    # Through the driver: a page names a handful of people, and a queryset's set-up cost more
    # than the indexed read itself.
    found = {row["username"]: row.get("name") for row in StaffMember._get_collection().find(
        {"username": {"$in": sorted(wanted)}}, {"username": 1, "name": 1})}
    if wanted - found.keys():
        found.update(_systems(wanted - found.keys()))
    for key in wanted:
        names[key] = found.get(key) or key


def person(username: Any) -> str:
    """A login shown as the staff member's name behind it (the login when no staff record
    names it)."""
    if not username:
        return ""
    from models import StaffMember

    # One indexed look-up per login a page names, remembered for the request: a timeline names
    # a handful of people, a province has thousands of staff.
    names = _staff_names()
    key = str(username)
    if key not in names:
        row = StaffMember.objects(username=key).only("name").first()
        names[key] = (row.name if row is not None and row.name
                      else _systems({key}).get(key, key))
    return names[key]


def _systems(logins: set[str]) -> dict[str, str]:
    """Those of ``logins`` that belong to a program (online intake, an agency's own system),
    as "网上申报（ly_intake）": a case it opened names no clerk."""
    from console.security.models import Role, User

    users = list(User._get_collection().find({"username": {"$in": sorted(logins)}},
                                             {"username": 1, "roles": 1}))
    role_ids = sorted({role for user in users for role in user.get("roles") or ()})
    if not role_ids:
        return {}
    roles = {row["_id"]: row.get("name") for row in
             Role._get_collection().find({"_id": {"$in": role_ids}}, {"name": 1})}
    named = {}
    for user in users:
        label = next((SYSTEM_ROLES[roles[role]] for role in user.get("roles") or ()
                      if roles.get(role) in SYSTEM_ROLES), None)
        if label is not None:
            named[user["username"]] = str(label) % {"login": user["username"]}
    return named
