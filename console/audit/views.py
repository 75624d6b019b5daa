"""The audit log screen: administrators see every entry, centre administrators and supervisors
their centre's; filterable, exportable as CSV (UTF-8 with BOM, so Excel reads the Chinese),
and read-only: no add, edit or delete route is registered."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console.audit.models import KINDS, AuditEntry
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.views import MongoModelView

EXPORT_LIMIT = 50_000


def local_time(value: datetime.datetime | None) -> str:
    """A stored naive-UTC time as China Standard Time."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config.get("ONEWINDOW_TIMEZONE", "Asia/Shanghai"))
    return value.replace(tzinfo=datetime.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def changes_text(changes: Any) -> str:
    return "; ".join(f"{c.field}: {c.before or '∅'} → {c.after or '∅'}" for c in changes or [])


class AuditLogView(MongoModelView):
    """The append-only audit log (审计日志)."""

    datamodel = MongoEngineInterface(AuditEntry)
    route_base = "/audit"
    base_permissions = ["can_list", "can_show", "can_export"]
    list_title = show_title = _l("Audit log")
    list_columns = ["at", "centre", "actor", "address", "kind", "document", "summary"]
    # The record's label is in the summary; its database id stays searchable, not shown.
    show_columns = ["at", "centre", "actor", "address", "kind", "document", "summary", "changes"]
    search_columns = ["at", "centre", "actor", "address", "kind", "document", "record"]
    order_columns = ["at"]
    base_order = ("at", "desc")
    page_size = 50
    formatters_columns = {"at": local_time, "changes": changes_text}
    list_template = "onewindow/audit_list.html"

    # Append-only: FAB's write routes are not registered (methods without @expose); the
    # permission names let FAB's templates ask "may add?" and hide the buttons (nobody may).
    @permission_name("add")
    def add(self) -> None:  # type: ignore[override]
        raise NotImplementedError

    @permission_name("edit")
    def edit(self, pk: str) -> None:  # type: ignore[override]
        raise NotImplementedError

    @permission_name("delete")
    def delete(self, pk: str) -> None:  # type: ignore[override]
        raise NotImplementedError

    @expose("/export/")
    @has_access
    def export(self) -> Response:
        """The entries the list's filters select, as CSV."""
        get_filter_args(self._filters)
        _count, entries = self.datamodel.query(self._filters, "at", "desc", page=0,
                                               page_size=EXPORT_LIMIT)
        kinds = dict(KINDS)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([gettext("Time"), gettext("Centre"), gettext("By"), gettext("Address"),
                         gettext("What"), gettext("Record type"), gettext("Summary"),
                         gettext("Changes")])
        for entry in entries:
            writer.writerow([local_time(entry.at), entry.centre or "", entry.actor or "",
                             entry.address or "", str(kinds.get(entry.kind, entry.kind)),
                             entry.document or "",
                             _no_formula(entry.summary or ""), _no_formula(
                                 changes_text(entry.changes))])
        return Response(
            "\ufeff" + out.getvalue(), mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
        )


def _no_formula(text: str) -> str:
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
