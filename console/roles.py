"""The console's roles and exactly the permissions each needs.

Role names are stable identifiers (shown translated in the UI). ``onewindow init`` creates each
role and sets its permissions to every permission-view matching its rules, so running it after
an upgrade grants new screens and withdraws removed ones, and running it twice changes nothing.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

ADMIN, CENTRE_ADMIN, CLERK = "Admin", "CentreAdmin", "Clerk"
APPROVER, COMPLAINT_HANDLER, SUPERVISOR = "Approver", "ComplaintHandler", "Supervisor"
# Service accounts: another program signs in with these (JWT) and uses the REST API only.
AGENCY_SYSTEM, INTAKE_SYSTEM = "AgencySystem", "IntakeSystem"

ROLE_LABELS = {
    ADMIN: _l("Super-administrator (all centres)"),
    CENTRE_ADMIN: _l("Centre administrator"),
    CLERK: _l("Window clerk"),
    APPROVER: _l("Back-office approver"),
    COMPLAINT_HANDLER: _l("Complaint handler"),
    SUPERVISOR: _l("Supervisor (read-only)"),
    AGENCY_SYSTEM: _l("Agency system (API)"),
    INTAKE_SYSTEM: _l("Online intake (API)"),
}

READ = r"can_(list|show)"
WRITE = r"can_(list|show|add|edit|delete)"
MENU = r"menu_access"

# Every signed-in user manages their own profile and password.
SELF_SERVICE = [
    (r"UserInfoEditView", r"can_this_form_(get|post)"),
    (r"ResetMyPasswordView", r"can_this_form_(get|post)"),
    (r"(UserDBModelView|UserRemoteUserModelView)", r"can_userinfo"),
    (r"(UserDBModelView|UserRemoteUserModelView)", r"resetmypassword"),
]

CONFIG_MENUS = (
    r"(Configuration|Centres|Agencies|Service items|Windows|Staff|Rosters|Week roster"
    r"|Working calendar)"
)

# (view-menu pattern, permission pattern) pairs, matched in full.
CASE_MENUS = r"(Case work|Cases|Open a case|My work queue|Late tolerated materials)"

ROLE_RULES: dict[str, list[tuple[str, str]]] = {
    CENTRE_ADMIN: SELF_SERVICE + [
        (r"(WindowView|StaffMemberView|RosterEntryView|CalendarOverrideView)", WRITE),
        (r"(AgencyView|ServiceItemView)", WRITE),
        (r"ServiceCentreView", r"can_(list|show|edit)"),
        (r"RosterWeekView", r"can_week"),
        (CONFIG_MENUS, MENU),
        (r"CaseView", r"can_(list|show|late)"),
        (r"(Case work|Cases|Late tolerated materials)", MENU),
        (r"AuditLogView", r"can_(list|show|export)"),
        (r"(Audit|Audit log)", MENU),
        (r"(StaffMemberView|AgencyView)", r"can_reveal"),
        (r"LoginsView", r"can_(list|add|edit)"),
        (r"Logins", MENU),
    ],
    CLERK: SELF_SERVICE + [
        (r"CaseView", r"can_(list|show|add|act|late|reveal)"),
        (r"(Case work|Cases|Open a case|Late tolerated materials)", MENU),
        (r"(WindowView|ServiceItemView|AgencyView|RosterEntryView|CalendarOverrideView)", READ),
        (r"RosterWeekView", r"can_week"),
        (r"(Configuration|Service items|Agencies|Windows|Rosters|Week roster|Working calendar)",
         MENU),
    ],
    APPROVER: SELF_SERVICE + [
        (r"CaseView", r"can_(list|show|act|queue)"),
        (r"(Case work|Cases|My work queue)", MENU),
        (r"(ServiceItemView|AgencyView)", READ),
        (r"(Configuration|Service items|Agencies)", MENU),
    ],
    COMPLAINT_HANDLER: SELF_SERVICE + [
        (r"(WindowView|StaffMemberView|AgencyView)", READ),
        (r"(Configuration|Windows|Staff|Agencies)", MENU),
    ],
    SUPERVISOR: SELF_SERVICE + [
        (r"CaseView", r"can_(list|show|late)"),
        (r"(Case work|Cases|Late tolerated materials)", MENU),
        (r"(ServiceCentreView|WindowView|StaffMemberView|RosterEntryView|CalendarOverrideView"
         r"|AgencyView|ServiceItemView)", READ),
        (r"RosterWeekView", r"can_week"),
        (CONFIG_MENUS, MENU),
        (r"AuditLogView", r"can_(list|show|export)"),
        (r"(Audit|Audit log)", MENU),
    ],
}

# The agency API: a back-office approver may use it with a token as well as their agency's system.
SUBTASK_API = (r"SubTaskApi", r"can_(list|get|act|info)")
# The systems (and approvers) read the OpenAPI document with their token.
OPENAPI = (r"OpenApi", r"can_get")
ROLE_RULES[APPROVER] += [SUBTASK_API, OPENAPI]
ROLE_RULES[AGENCY_SYSTEM] = [SUBTASK_API, OPENAPI]
ROLE_RULES[INTAKE_SYSTEM] = [(r"IntakeApi", r"can_post"), OPENAPI]

# Every role reads the official holiday schedule; only the super-administrator (all permissions)
# loads one.
for _name, _rules in ROLE_RULES.items():
    if _name not in (AGENCY_SYSTEM, INTAKE_SYSTEM):
        _rules += [(r"OfficialScheduleView", READ), (r"Official schedule", MENU)]
# Complaints and ratings (投诉与好差评): a clerk logs complaints and records ratings; handlers and
# centre administrators work complaints and rectifications and keep reviews; supervisors read.
COMPLAINT_MENUS = (r"(Complaints|Complaint list|Complaint queue|Log a complaint|Ratings"
                   r"|Rectifications|Effectiveness reviews)")
COMPLAINT_WORK = [
    (r"ComplaintView", r"can_(list|show|add|act)"),
    (r"RatingView", r"can_list"),
    (r"RectificationView", r"can_(list|show|act)"),
    (r"ReviewView", r"can_(list|show|add)"),
    (COMPLAINT_MENUS, MENU),
]
ROLE_RULES[CENTRE_ADMIN] += COMPLAINT_WORK + [(r"RatingView", r"can_add")]
ROLE_RULES[COMPLAINT_HANDLER] += COMPLAINT_WORK
ROLE_RULES[CLERK] += [
    (r"ComplaintView", r"can_(list|show|add)"),
    (r"RatingView", r"can_(list|add)"),
    (r"(Complaints|Complaint list|Log a complaint|Ratings)", MENU),
]
ROLE_RULES[SUPERVISOR] += [
    (r"ComplaintView", READ),
    (r"(RatingView|RectificationView|ReviewView)", r"can_(list|show)"),
    (r"(Complaints|Complaint list|Complaint queue|Ratings|Rectifications|Effectiveness reviews)",
     MENU),
]

CENTRE_ROLES = (CENTRE_ADMIN, CLERK, APPROVER, COMPLAINT_HANDLER, SUPERVISOR, AGENCY_SYSTEM,
                INTAKE_SYSTEM)
SERVICE_ROLES = (AGENCY_SYSTEM, INTAKE_SYSTEM)
ALL_ROLES = (ADMIN, *CENTRE_ROLES)


def matches(role: str, view_menu: str, permission: str) -> bool:
    """Whether ``role``'s rules grant ``permission`` on ``view_menu``."""
    return any(
        re.fullmatch(view_pattern, view_menu) and re.fullmatch(permission_pattern, permission)
        for view_pattern, permission_pattern in ROLE_RULES.get(role, ())
    )


def sync_roles(security) -> list[str]:
    """Create the roles and set each one's permissions from its rules; returns the role names.
    The Admin role is Flask-AppBuilder's: it receives every permission as views register."""
    permission_views = list(security.permissionview_model.objects)
    for name in CENTRE_ROLES:
        role = security.find_role(name) or security.add_role(name)
        wanted = [
            pv for pv in permission_views
            if pv.permission and pv.view_menu
            and matches(name, pv.view_menu.name, pv.permission.name)
        ]
        wanted_ids = sorted(pv.id for pv in wanted)
        if sorted(pv.id for pv in role.permissions) != wanted_ids:
            role.permissions = sorted(wanted, key=lambda pv: pv.id)
            role.save()
    if not security.find_role(ADMIN):
        security.add_role(ADMIN)
    return list(ALL_ROLES)

# Printables: the clerk and the centre's administrator print a case's paper and the blank
# notifications, the supervisor files them; an approver (one agency's view of a case) does not.
# The centre's lists (staff phones, liaisons) are for its administrator and supervisor.
for _role in (CENTRE_ADMIN, CLERK, SUPERVISOR):
    ROLE_RULES[_role] += [(r"PrintablesView", r"can_(case|item)")]
for _role in (CENTRE_ADMIN, SUPERVISOR):
    ROLE_RULES[_role] += [(r"PrintablesView", r"can_lists")]

# Exports: each role exports the lists it reads on screen.
EXPORTS = {
    CENTRE_ADMIN: "cases|windows|staff|rosters|items|complaints",
    CLERK: "cases|windows|rosters|items|complaints",
    APPROVER: "items",
    COMPLAINT_HANDLER: "windows|staff|complaints",
    SUPERVISOR: "cases|windows|staff|rosters|items|complaints",
}
for _role, _lists in EXPORTS.items():
    ROLE_RULES[_role] += [(r"ExportView", rf"can_(index|{_lists})"), (r"(Exports|Case work)", MENU)]

# Statistics and the centre dashboard: read by the centre's administrator and supervisor (their
# centre only) and the super-administrator (every centre); nobody writes through them.
for _role in (CENTRE_ADMIN, SUPERVISOR):
    ROLE_RULES[_role] += [
        (r"StatisticsView", r"can_(index|export)"),
        (r"DashboardView", r"can_index"),
        (r"(Statistics|Centre dashboard|Statistics tables)", MENU),
    ]
