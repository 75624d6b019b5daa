"""The week view of a window's roster: seven days by shift, for the centre's own windows."""

from __future__ import annotations

import datetime

from flask import abort, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from console import clock
from console.datamodel.interface import MongoEngineInterface
from models import Window
from models.choices import SHIFTS, WEEKDAYS
from models.roster import week_entries


class RosterWeekView(BaseView):
    """Which staff member sits at a window on each day and shift of one week."""

    route_base = "/roster"
    default_view = "week"
    windows = MongoEngineInterface(Window)

    @expose("/week/")
    @has_access
    def week(self):
        windows = self.windows.base_query().only("code", "name", "counter", "centre")
        window = None
        window_id = request.args.get("window")
        if window_id:
            window = self.windows.get(window_id)  # scoped: another centre's window is a 404
            if window is None:
                abort(404)
        else:
            window = windows.first()
        try:
            day = datetime.date.fromisoformat(request.args.get("day", ""))
        except ValueError:
            day = clock.today()
        grid = week_entries(window.centre, window, day) if window else {}
        return self.render_template(
            "onewindow/roster_week.html",
            title=_l("Week roster"),
            windows=list(windows),
            window=window,
            grid=grid,
            shifts=SHIFTS,
            weekdays=dict(WEEKDAYS),  # a weekend or 调休 day reads as such
            previous_week=day - datetime.timedelta(days=7),
            next_week=day + datetime.timedelta(days=7),
        )
