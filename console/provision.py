"""``onewindow init``: indexes, permissions and roles, created so that running it again changes
nothing; after an upgrade, index fields that older records lack are filled in."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_appbuilder import AppBuilder

from console import roles
from console.storage.indexes import ensure_indexes


@dataclass
class InitReport:
    """What ``initialise`` found or created, for the command's one-line summary."""

    collections: int = 0
    indexes: int = 0
    permissions: int = 0
    roles: list[str] = field(default_factory=list)
    refreshed: int = 0
    # Return records restored from the timeline (cases returned before they were kept).
    returns_restored: int = 0
    # Staff members unlinked from another centre's (or no centre's) login, one line each.
    unlinked: list[str] = field(default_factory=list)


def initialise(appbuilder: AppBuilder) -> InitReport:
    """Indexes, then every view's permissions, then the built-in roles."""
    report = InitReport()
    report.collections, report.indexes = ensure_indexes()
    from console.limits import ensure_ttl_index

    ensure_ttl_index()
    report.refreshed = refresh_derived()
    report.returns_restored = restore_returns()
    from console.staff_links import clear_foreign_logins

    report.unlinked = [str(link) for link in clear_foreign_logins()]
    appbuilder.add_permissions(update_perms=True)
    security = appbuilder.sm
    security.create_db()
    roles.sync_roles(security)
    report.permissions = security.permissionview_model.objects.count()
    report.roles = sorted(role.name for role in security.get_all_roles())
    return report


def refresh_derived() -> int:
    """Fill the derived index fields on records written before those fields existed (a case's
    ``task_due``, behind "overdue now", and its ``name_grams``, behind the name search; a rejected
    or withdrawn case's ``tolerated_due`` cleared, as it owes no 容缺 material), so an
    upgraded store answers the new queries at once, and count the open cases per 一人多户 /
    一址多照 key afresh. Returns how many cases were corrected; nothing else of a case changes."""
    from models.centre import ServiceCentre
    from models.daily_figures import refresh_task_due
    from models.deadlines import clear_ended_tolerated_due
    from models.name_search import refresh_name_grams
    from models.risk_keys import rebuild_risk_keys

    codes = [centre.code for centre in ServiceCentre.objects.only("code")]
    for code in codes:
        rebuild_risk_keys(code)
    return sum(refresh_task_due(code) + refresh_name_grams(code) + clear_ended_tolerated_due(code)
               for code in codes)


def restore_returns() -> int:
    """Return records for the returns of cases returned before they were kept (the review
    counts the records); a second run adds none."""
    from models.centre import ServiceCentre
    from models.return_backfill import backfill_returns

    return sum(backfill_returns(centre.code) for centre in ServiceCentre.objects.only("code"))
