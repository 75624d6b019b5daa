"""Every screen and API of the console, registered in one place."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from console import tenancy

CONFIGURATION = "Configuration"
CASES = "Case work"


def register_views(appbuilder: AppBuilder) -> None:
    """Add all views, menus and APIs to ``appbuilder``."""
    from console import calendar
    from console.views import cases, config
    from console.views.official_schedule import OfficialScheduleView
    from console.views.roster_week import RosterWeekView

    tenancy.register()
    category = {"category": CONFIGURATION, "category_label": _l("Centre configuration"),
                "category_icon": "fa-cogs"}
    screens = (
        (config.ServiceCentreView, "Centres", _l("Service centres"), "fa-building"),
        (config.AgencyView, "Agencies", _l("Agencies"), "fa-sitemap"),
        (config.ServiceItemView, "Service items", _l("Service items"), "fa-list"),
        (config.WindowView, "Windows", _l("Windows"), "fa-columns"),
        (config.StaffMemberView, "Staff", _l("Staff"), "fa-users"),
        (config.RosterEntryView, "Rosters", _l("Rosters"), "fa-calendar"),
        (config.CalendarOverrideView, "Working calendar", _l("Working calendar"),
         "fa-calendar-check-o"),
    )
    for view, name, label, icon in screens:
        appbuilder.add_view(view, name, label=label, icon=icon, **category)
    appbuilder.add_view(RosterWeekView, "Week roster", label=_l("Week roster"),
                        icon="fa-table", **category)
    appbuilder.add_view(OfficialScheduleView, "Official schedule",
                        label=_l("Official holiday schedule"), icon="fa-calendar-o", **category)
    calendar.register_template_helpers(current_app)

    cases.register_template_helpers(current_app)
    work = {"category": CASES, "category_label": _l("Case work"),
            "category_icon": "fa-briefcase"}
    appbuilder.add_view(cases.CaseView, "Cases", label=_l("Cases"), icon="fa-list", **work)
    appbuilder.add_link("Open a case", label=_l("Open a case"), href="/cases/new",
                        icon="fa-plus", **work)
    appbuilder.add_link("My work queue", label=_l("My work queue"), href="/cases/queue",
                        icon="fa-tasks", **work)
    appbuilder.add_link("Late tolerated materials", label=_l("Late tolerated materials"),
                        href="/cases/late-tolerated", icon="fa-clock-o", **work)

    # The REST API for agency systems and online intake (console.api).
    from console import api

    api.register(appbuilder)

    # A centre administrator manages their centre's logins (console.views.logins).
    from console.views.logins import LoginsView

    appbuilder.add_view(LoginsView, "Logins", label=_l("Logins"), icon="fa-key", **category)

    # The public status page (console.views.status_page).
    from console.views.status_page import StatusPageView

    appbuilder.add_view_no_menu(StatusPageView)

    # Printables: print views and PDFs of a case's paper and of an item's blank notification.
    from console.views.printables import PrintablesView

    appbuilder.add_view_no_menu(PrintablesView)

    # Exports: each list as CSV and xlsx, through its screen's scoped query and filters.
    from console.views.exports import ExportView, register_template_helpers

    register_template_helpers(current_app)
    appbuilder.add_view(ExportView, "Exports", label=_l("Exports"), icon="fa-download", **work)

    register_complaint_views(appbuilder)
    register_statistics_views(appbuilder)

    from console import audit

    audit.register(appbuilder)


COMPLAINTS = "Complaints"


def register_complaint_views(appbuilder: AppBuilder) -> None:
    """Complaints, ratings, rectifications and effectiveness reviews."""
    from console.views import complaints, ratings, reviews

    complaints.register_scopes()
    complaints.register_template_helpers(current_app)
    menu = {"category": COMPLAINTS, "category_label": _l("Complaints and ratings"),
            "category_icon": "fa-comments"}
    appbuilder.add_view(complaints.ComplaintView, "Complaint list", label=_l("Complaints"),
                        icon="fa-list", **menu)
    appbuilder.add_link("Complaint queue", label=_l("Complaint queue"),
                        href="/complaints/queue", icon="fa-tasks", **menu)
    appbuilder.add_link("Log a complaint", label=_l("Log a complaint"), href="/complaints/new",
                        icon="fa-plus", **menu)
    appbuilder.add_view(ratings.RatingView, "Ratings", label=_l("Ratings"), icon="fa-star",
                        **menu)
    appbuilder.add_view(ratings.RectificationView, "Rectifications",
                        label=_l("Rectifications"), icon="fa-wrench", **menu)
    appbuilder.add_view(reviews.ReviewView, "Effectiveness reviews",
                        label=_l("Effectiveness reviews"), icon="fa-line-chart", **menu)


STATISTICS = "Statistics"


def register_statistics_views(appbuilder: AppBuilder) -> None:
    """The statistics screen with its exports and the centre dashboard (read-only)."""
    from console.views.statistics import DashboardView, StatisticsView

    menu = {"category": STATISTICS, "category_label": _l("Statistics"),
            "category_icon": "fa-bar-chart"}
    appbuilder.add_view(DashboardView, "Centre dashboard", label=_l("Centre dashboard"),
                        icon="fa-area-chart", **menu)
    appbuilder.add_view(StatisticsView, "Statistics tables", label=_l("Statistics tables"),
                        icon="fa-table", **menu)
