"""The home page (``/``): what the signed-in user has to do today, by role — the clerk's window,
the approver's agency queue, the complaint handler's deadlines, the centre's key figures for its
administrator and supervisor, every centre for the super-administrator — and, for a visitor,
the way to sign in or look up a case.

Every figure comes from :mod:`reports.today` over the user's scoped querysets, so a user sees
only their centre (an approver only their agency's cases); "now" is :func:`console.clock.utcnow`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_appbuilder import expose
from flask_appbuilder.views import IndexView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.views.cases import rostered_window
from models import case as c
from models import complaint as m
from models.agency import Agency
from models.case import Case
from models.centre import ServiceCentre
from models.complaint import Complaint
from models.deadlines import calendar_for
from models.rating import Rectification
from models.workdays import to_china
from reports import today as t

# Where the statistics dashboard lives when it is installed; the link shows only then.
DASHBOARD_PATH = "/dashboard/"

# Sections in the order they appear for a user holding several roles.
SECTIONS = ("Admin", "CentreAdmin", "Supervisor", "Clerk", "Approver", "ComplaintHandler")


def dashboard_url() -> str | None:
    """``DASHBOARD_PATH`` when some view answers it, else None."""
    try:
        current_app.url_map.bind("localhost").match(DASHBOARD_PATH, method="GET")
    except HTTPException:
        return None
    return DASHBOARD_PATH


class HomeView(IndexView):
    """首页: today's work of the signed-in user's role (FAB's index view, replaced)."""

    # How the super-administrator's role screens name this view's permissions.
    permission_label = _l("Home page")

    index_template = "onewindow/home/index.html"
    cases = MongoEngineInterface(Case)
    complaints = MongoEngineInterface(Complaint)
    rectifications = MongoEngineInterface(Rectification)

    @expose("/")
    def index(self):
        self.update_redirect()
        if not current_user.is_authenticated:
            return self.render_template("onewindow/home/public.html", title=_l("Welcome"))
        now = clock.utcnow()
        roles = {role.name for role in self.appbuilder.sm.get_user_roles(current_user)}
        sections = [(name, getattr(self, f"_{name.lower()}")(now))
                    for name in SECTIONS if name in roles]
        # A supervisor who is also a centre administrator needs the centre's figures once.
        if any(name == "CentreAdmin" for name, _ in sections):
            sections = [(name, data) for name, data in sections if name != "Supervisor"]
        return self.render_template(
            self.index_template, title=_l("Today"), sections=sections, label=c.label_of, c=c,
            m=m, local=_local, day=_day, today=to_china(now).date(), now_local=_local(now),
            dashboard=dashboard_url(),
        )

    def _centre(self) -> str | None:
        return getattr(current_user, "centre", None) or None

    # --- one method per role: the data of its section ------------------------------------

    def _admin(self, now: dt.datetime) -> dict[str, Any]:
        centres = [(row.code, row.name) for row in ServiceCentre.objects.only("code", "name")
                   .order_by("code")]
        return {"rows": t.centres_overview(centres, self.cases.base_query(),
                                           self.complaints.base_query(), now)}

    def _centreadmin(self, now: dt.datetime) -> dict[str, Any]:
        from flask import url_for

        from reports.overdue_now import traced
        from reports.statistics import window_names

        figures = t.centre_today(self.cases.base_query(), self.complaints.base_query(), now)
        centre = self._centre()
        figures.most_overdue = traced(figures.most_overdue, now,
                                      window_names([centre]) if centre else {})
        # The full list of overdue sub-tasks is the statistics readers' (both roles here are).
        listed = self.appbuilder.sm.has_access("can_index", "StatisticsView")
        return {"figures": figures,
                "overdue_all": url_for("StatisticsView.overdue_now") if listed else None}

    _supervisor = _centreadmin

    def _clerk(self, now: dt.datetime) -> dict[str, Any]:
        window = rostered_window(current_user.username, to_china(now).date())
        cases = self.cases.base_query()
        if window is not None:
            cases = cases.filter(window=window)
        centre = self._centre()
        widgets = t.clerk_today(cases, calendar_for(centre), now) if centre else {}
        return {"window": window, "widgets": widgets,
                "window_arg": {"window": str(window.pk)} if window is not None else {}}

    def _approver(self, now: dt.datetime) -> dict[str, Any]:
        agency, centre = getattr(current_user, "agency", None), self._centre()
        if not (agency and centre):
            return {"agency": None, "widgets": {}}
        named = Agency.objects(code=agency, centre__in=[centre, None]).only("name").first()
        return {"agency": named.name if named else agency,
                "widgets": t.approver_today(self.cases.base_query(), agency,
                                            calendar_for(centre), now)}

    def _complainthandler(self, now: dt.datetime) -> dict[str, Any]:
        centre = self._centre()
        if not centre:
            return {"widgets": {}}
        return {"widgets": t.complaints_today(self.complaints.base_query(),
                                              self.rectifications.base_query(),
                                              calendar_for(centre), now)}


def _local(moment: dt.datetime | dt.date | None) -> str:
    """A stored moment in China time; a date as it is; nothing (or a field a row lacks) as a
    dash."""
    if not moment:
        return "—"
    if isinstance(moment, dt.datetime):
        return to_china(moment).strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d")


def _day(value: dt.datetime | dt.date | None) -> str:
    """A stored calendar date (MongoDB may hand it back as a midnight datetime)."""
    if value is None:
        return "—"
    return (value.date() if isinstance(value, dt.datetime) else value).strftime("%Y-%m-%d")
