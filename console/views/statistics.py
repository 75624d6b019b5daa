"""The statistics screen (统计报表) with its xlsx and CSV exports, and the centre dashboard
(中心看板) with charts drawn by the Apache ECharts build that ships in the package.

Both read :mod:`reports.statistics` for one request's centres and period: a centre user their
own centre (another centre's code is a 404), the super-administrator one centre or all of them
(the cross-centre view). Both are read-only: no route here writes anything.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console import clock
from console.tenancy import NOBODY, user_centre
from console.views import charts
from console.views.filters import risk_thresholds
from models.case import Case
from models.centre import ServiceCentre
from models.deadlines import late_tolerated_filter
from models.risk_keys import ADDRESS, PERSON, flagged_count
from models.workdays import to_china
from reports import statistics as st
from reports.exports import Column

DEFAULT_DAYS = 30
# The case page's risk prompts, counted on the dashboard (each links to its case list).
RISK_LABELS = ((PERSON, _l("Open cases flagged 一人多户 (one person, many companies)")),
               (ADDRESS, _l("Open cases flagged 一址多照 (many licences at one address)")))
SCREEN_TABLES = ("cases", "stages", "agencies", "open_overdue", "overdue", "returns", "windows",
                 "complaints", "ratings")


def _date(name: str, default: dt.date) -> dt.date:
    text = (request.args.get(name) or "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise st.StatisticsError(gettext("“%(value)s” is not a date (YYYY-MM-DD).",
                                         value=text[:20])) from error


def centre_choices() -> list[tuple[str, str]]:
    """The centres this user may report on (code, name): their own, or every one."""
    centre = user_centre()
    if centre is NOBODY:
        return []
    rows = ServiceCentre.objects(code=centre) if centre else ServiceCentre.objects
    return [(row.code, row.name) for row in rows.only("code", "name").order_by("code")]


def query_from_request(default_days: int = DEFAULT_DAYS) -> tuple[st.Query | None, str, str]:
    """The request's query, the chosen centre code ("" for all) and an error message ("")."""
    allowed = dict(centre_choices())
    wanted = (request.args.get("centre") or "").strip()
    if wanted and wanted not in allowed:
        abort(404)  # another centre's statistics: as if they did not exist
    if not allowed:
        abort(404)
    if user_centre():  # a centre user: always their own centre
        wanted = next(iter(allowed))
    centres = (wanted,) if wanted else tuple(allowed)
    now = clock.utcnow()
    try:
        end = _date("end", to_china(now).date())
        start = _date("start", end - dt.timedelta(days=default_days - 1))
        query = st.Query(centres, start, end, request.args.get("granularity") or st.DAY, now)
    except st.StatisticsError as error:
        return None, wanted, str(error)
    return query, wanted, ""


def _form(query: st.Query | None, chosen: str) -> dict:
    args = request.args
    return {
        "centres": centre_choices(), "chosen": chosen, "all_centres": user_centre() is None,
        "start": query.start.isoformat() if query else args.get("start", ""),
        "end": query.end.isoformat() if query else args.get("end", ""),
        "granularity": query.granularity if query else args.get("granularity", st.DAY),
        "granularities": st.GRANULARITIES,
    }


def table_names(query: st.Query) -> tuple[str, ...]:
    """The tables of the screen: the cross-centre table first when several centres are read."""
    return (("centres",) if len(query.centres) > 1 else ()) + SCREEN_TABLES


class StatisticsView(BaseView):
    """统计报表: the centre's figures over a period, per day, week or month, and their exports."""

    route_base = "/statistics"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("index")
    def index(self):
        query, chosen, error = query_from_request()
        tables = [st.TABLES[name](query) for name in table_names(query)] if query else []
        return self.render_template(
            "onewindow/statistics/index.html", title=_l("Statistics"), tables=tables,
            error=error, form=_form(query, chosen), args=request.args.to_dict(),
            one_window=st.ONE_WINDOW_DEFINITION, on_time=st.ON_TIME_DEFINITION,
            overdue=st.OVERDUE_DEFINITION,
            snapshot=to_china(st.snapshot_moment(query)) if query else None,
        ), (400 if error else 200)

    @expose("/<name>.<fmt>")
    @has_access
    @permission_name("export")
    def export(self, name: str, fmt: str):
        """One table as CSV or xlsx, with the screen's centre, period and granularity."""
        from console.views.exports import download

        query, _chosen, error = query_from_request()
        if error:
            return error, 400, {"Content-Type": "text/plain; charset=utf-8"}
        if name not in table_names(query) or fmt not in ("csv", "xlsx"):
            abort(404)
        table = st.TABLES[name](query)
        columns = [Column(header, _cell(key)) for key, header in table.columns]
        return download(f"statistics-{name}", fmt, columns, table.rows)

    @expose("/overdue-now")
    @has_access
    @permission_name("index")
    def overdue_now(self):
        """Every open sub-task overdue now, most overdue first, a page at a time: the full
        list behind the few the dashboard and the centre's home page show."""
        from reports import overdue_now

        query, chosen, error = query_from_request()
        if error or query is None:
            abort(400)
        page = max(request.args.get("page", 0, type=int), 0)
        now = st.snapshot_moment(query)
        count, rows, more = overdue_now.page(query.centres, now, page)
        return self.render_template(
            "onewindow/statistics/overdue_now.html", title=_l("Open sub-tasks overdue now"),
            count=count, rows=rows, page=page, more=more, chosen=chosen,
            centres=centre_choices() if user_centre() is None else [],
            overdue=st.OVERDUE_DEFINITION, snapshot=to_china(now).strftime("%Y-%m-%d %H:%M"))


def _cell(key: str):
    return lambda row: row.get(key)


class DashboardView(BaseView):
    """中心看板: the centre's month in charts, and every centre side by side for the
    super-administrator."""

    route_base = "/dashboard"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("index")
    def index(self):
        query, chosen, error = query_from_request()
        data = {}
        if query:
            data = charts.dashboard(query)
            today = to_china(st.snapshot_moment(query)).date()
            data["late_tolerated"] = sum(
                Case.objects(centre=code, **late_tolerated_filter(today)).count()
                for code in query.centres)
            limits = risk_thresholds()
            # The flagged cases' list narrowed to the one centre shown (url_for drops a None).
            data["risk_centre"] = query.centres[0] if len(query.centres) == 1 else None
            # Counted from the keys over the threshold, never from the open cases themselves.
            data["risks"] = [(kind, label, flagged_count(query.centres, kind, limits[kind]))
                             for kind, label in RISK_LABELS]
        return self.render_template(
            "onewindow/statistics/dashboard.html", title=_l("Centre dashboard"), data=data,
            error=error, form=_form(query, chosen), args=request.args.to_dict(),
            one_window=st.ONE_WINDOW_DEFINITION, overdue=st.OVERDUE_DEFINITION,
        ), (400 if error else 200)
