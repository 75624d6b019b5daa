"""Exports of the centre's lists as CSV and xlsx, through the same scoped queries and filters
as their screens (the case and complaint lists' URL filters, the configuration screens' ``_flt_``
filters and order), and the export buttons those screens show. Rows are streamed; personal data
is masked."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.tenancy import user_centre
from console.views import config
from console.views.cases import CaseView, list_order
from console.views.complaints import ComplaintView
from console.views.filters import named_centre
from models import Window
from models.case import Case
from models.centre import ServiceCentre
from models.complaint import Complaint
from models.item import ServiceItem
from reports import lists
from reports.exports import csv_stream, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# export name → (the screen whose query and filters it uses, its columns, rows from documents)
SCREENS = {
    "windows": (config.WindowView, lists.window_columns, None),
    "staff": (config.StaffMemberView, lists.staff_columns, None),
    "rosters": (config.RosterEntryView, lists.roster_columns, None),
    "items": (config.ServiceItemView, lists.item_columns, lists.item_rows),
}
LABELS = {
    "cases": _l("Cases"), "windows": _l("Windows"), "staff": _l("Staff"),
    "rosters": _l("Rosters"), "items": _l("Service items with their materials"),
    "complaints": _l("Complaints"),
}

# The screen (by view class) each export serves, and the export's endpoint.
EXPORT_OF_SCREEN = {
    "CaseView": "cases", "ComplaintView": "complaints", "WindowView": "windows",
    "StaffMemberView": "staff", "RosterEntryView": "rosters", "ServiceItemView": "items",
}
ENDPOINTS = {"windows": "windows_export"}
# Paging is the screen's business: an export holds every row the filters select.
_PAGING = re.compile(r"page(_.+)?|psize_.+")


def export_links() -> list[tuple[str, str]]:
    """The export buttons of the current list screen, ``(label, address)`` per format, each
    carrying the screen's current filters and order; none where the user may not export."""
    view = next((v for v in current_app.appbuilder.baseviews
                 if getattr(v, "blueprint", None) is not None
                 and v.blueprint.name == request.blueprint), None)
    name = EXPORT_OF_SCREEN.get(type(view).__name__) if view is not None else None
    if name is None or not current_app.appbuilder.sm.has_access(f"can_{name}", "ExportView"):
        return []
    query = urlencode([(key, value) for key, value in request.args.items(multi=True)
                       if not _PAGING.fullmatch(key)])
    endpoint = f"ExportView.{ENDPOINTS.get(name, name)}"
    return [(text, url_for(endpoint, fmt=fmt) + (f"?{query}" if query else ""))
            for fmt, text in (("xlsx", gettext("Export as Excel")),
                              ("csv", gettext("Export as CSV")))]


def register_template_helpers(app) -> None:
    """List screens show their export buttons with ``onewindow/exports/_buttons.html``."""
    app.jinja_env.globals["onewindow_export_links"] = export_links


# The centre's lists printed as the seeds' annexes (PrintablesView endpoints).
LIST_LABELS = {
    "window_items": _l("Items taken in at the windows"), "staff_list": _l("Window staff list"),
    "liaisons": _l("Liaison list"), "roster": _l("Week roster"),
}


def download(name: str, fmt: str, columns, records):
    """The export as a streamed CSV or a write-only xlsx, named by list and date."""
    filename = f"{name}-{clock.today().isoformat()}.{fmt}"
    if fmt == "csv":
        response = Response(stream_with_context(csv_stream(columns, records)),
                            mimetype="text/csv", content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    elif fmt == "xlsx":
        response = send_file(xlsx_file(columns, records, name), mimetype=XLSX,
                             as_attachment=True, download_name=filename)
    else:
        abort(404)
    response.headers["Cache-Control"] = "no-store"
    return response


def refused(problems: list[str]) -> tuple[str, int]:
    """A filter the screen would ignore with a warning: named, and nothing exported (a file
    holding other rows than the user asked for would be worse than none), in a console page."""
    from console.limits import render_page

    lead = gettext("Nothing was exported: the list would ignore these filters, an export "
                   "does not. Correct them on the list and export again.")
    return render_page(Markup("<br>").join([lead, *problems])), 400


class ExportView(BaseView):
    """导出: each list a centre works from, as CSV and xlsx."""

    route_base = "/exports"
    default_view = "index"

    def list_arguments_view(self):
        """The screen whose filters and order this request's arguments name (console.guards
        cleans them against that screen's declared filters and order columns)."""
        name = (request.endpoint or "").rpartition(".")[2].removesuffix("_export")
        screen = SCREENS.get(name, (None,))[0]
        return next((view for view in current_app.appbuilder.baseviews
                     if screen is not None and isinstance(view, screen)), self)
    case_data = MongoEngineInterface(Case)
    complaint_data = MongoEngineInterface(Complaint)
    windows = MongoEngineInterface(Window)  # read by the case and complaint lists' filters
    # The lists' own filter parsers, so an export holds exactly the rows the screen shows.
    _case_filters = CaseView._filters
    _complaint_filters = ComplaintView._filters

    @expose("/")
    @has_access
    @permission_name("index")
    def index(self):
        sm = current_app.appbuilder.sm
        allowed = [(name, label) for name, label in LABELS.items()
                   if sm.has_access(f"can_{name}", "ExportView")]
        items = (list(MongoEngineInterface(ServiceItem).base_query().only("code", "name"))
                 if sm.has_access("can_item", "PrintablesView") else [])
        # A centre user prints their centre's lists; the super-administrator picks a centre.
        centres = ([(None, "")] if user_centre() else
                   [(centre.code, centre.name) for centre in ServiceCentre.objects.only(
                       "code", "name").order_by("code")])
        return self.render_template("onewindow/exports.html", title=_l("Exports"),
                                    exports=allowed, items=items,
                                    lists=sm.has_access("can_lists", "PrintablesView"),
                                    list_labels=LIST_LABELS, list_centres=centres)

    @expose("/cases.<fmt>")
    @has_access
    @permission_name("cases")
    def cases(self, fmt: str):
        """The case list with the filters of its URL (``/exports/cases.csv?state=all&q=…``)."""
        filters, problems = self._case_filters()
        order = list_order(request.args, problems)
        if problems:
            return refused(problems)
        centre = named_centre()
        if centre:
            filters["centre"] = centre
        records = (self.case_data.base_query().filter(**filters).order_by(order)
                   .no_cache())
        return download("cases", fmt, lists.case_columns(), records)

    @expose("/complaints.<fmt>")
    @has_access
    @permission_name("complaints")
    def complaints(self, fmt: str):
        """The complaint list with the filters of its URL (``?state=open&category=…``), in
        the scope the screen has (a clerk's own complaints, never one about the user)."""
        filters, problems = self._complaint_filters()
        if problems:
            return refused(problems)
        centre = named_centre()
        if centre:
            filters["centre"] = centre
        records = (self.complaint_data.base_query().filter(**filters)
                   .order_by("-received_at").no_cache())
        return download("complaints", fmt, lists.complaint_columns(), records)

    def _screen_rows(self, name: str):
        screen, _columns, rows = SCREENS[name]
        view = next((v for v in current_app.appbuilder.baseviews if isinstance(v, screen)), None)
        if view is None:
            abort(404)
        filters = view.datamodel.get_filters(view.search_columns)
        get_filter_args(filters)
        joined = filters.get_joined_filters(view._base_filters)
        queryset = joined.apply_all(view.datamodel.base_query())
        centre = named_centre()
        if centre:  # the centre's own records and the shared ones it uses
            queryset = queryset.filter(centre__in=[centre, None])
        column, direction = get_order_args().get(view.__class__.__name__,
                                                 view.base_order or ("", ""))
        queryset = view.datamodel._apply_order(queryset, column, direction).no_cache()
        return rows(queryset) if rows else queryset

    def _export(self, name: str, fmt: str):
        return download(name, fmt, SCREENS[name][1](), self._screen_rows(name))

    @expose("/windows.<fmt>")
    @has_access
    @permission_name("windows")
    def windows_export(self, fmt: str):
        return self._export("windows", fmt)

    @expose("/staff.<fmt>")
    @has_access
    @permission_name("staff")
    def staff(self, fmt: str):
        return self._export("staff", fmt)

    @expose("/rosters.<fmt>")
    @has_access
    @permission_name("rosters")
    def rosters(self, fmt: str):
        return self._export("rosters", fmt)

    @expose("/items.<fmt>")
    @has_access
    @permission_name("items")
    def items(self, fmt: str):
        return self._export("items", fmt)

