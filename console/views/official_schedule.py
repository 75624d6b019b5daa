"""The official holiday schedule screen: every user reads which years are official and their
holidays and make-up days; the super-administrator uploads a year's State Council schedule."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from console import clock
from console.calendar import KIND_LABELS, SOURCE_LABELS, special_days
from models.official_schedule import (
    FIRST_YEAR,
    LAST_YEAR,
    OfficialSchedule,
    ScheduleError,
    load_schedule,
)
from models.workcalendar import work_calendar


class ScheduleForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(),
                                                NumberRange(FIRST_YEAR, LAST_YEAR)])
    file = FileField(_l("Schedule file (CSV: date,status,name)"), validators=[FileRequired()])


class OfficialScheduleView(BaseView):
    """国务院节假日安排: the years' sources, a year's special days, and the upload."""

    route_base = "/calendar/official"
    default_view = "list"

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        calendar = work_calendar(None)
        records = {record.year: record for record in OfficialSchedule.objects}
        this_year = clock.today().year
        years = sorted({*records, this_year - 1, this_year, this_year + 1}, reverse=True)
        rows = [(year, SOURCE_LABELS[calendar.source_of(year)], records.get(year))
                for year in years]
        return self.render_template("onewindow/calendar/official.html",
                                    title=_l("Official holiday schedule"), rows=rows,
                                    may_load=self._may_load())

    @expose("/<int:year>")
    @has_access
    @permission_name("show")
    def show(self, year: int):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            abort(404)
        calendar = work_calendar(None)
        return self.render_template(
            "onewindow/calendar/year.html", title=_l("Holidays and make-up days of %(year)d",
                                                     year=year),
            year=year, source=calendar.source_of(year), source_label=SOURCE_LABELS[
                calendar.source_of(year)], days=special_days(calendar, year),
            kinds=KIND_LABELS, record=OfficialSchedule.objects(year=year).first())

    @expose("/load", methods=["GET", "POST"])
    @has_access
    @permission_name("load")
    def load(self):
        form = ScheduleForm()
        if request.method == "GET" and request.args.get("year", "").isdigit():
            form.year.data = int(request.args["year"])
        if form.validate_on_submit():
            upload = form.file.data
            try:
                report = load_schedule(upload.read(), form.year.data,
                                       source=upload.filename or "",
                                       loaded_by=current_user.username, now=clock.utcnow())
            except ScheduleError as error:
                form.file.errors = [str(message) for message in error.messages]
                flash(gettext("Nothing was loaded."), "danger")
            else:
                flash(gettext("%(year)d: %(holidays)d holidays and %(days)d make-up working "
                              "days loaded.", year=report.year, holidays=report.holidays,
                              days=report.make_up_days), "success")
                return redirect(url_for(".show", year=report.year))
        return self.render_template("onewindow/calendar/load.html",
                                    title=_l("Load a State Council schedule"), form=form)

    def _may_load(self) -> bool:
        return self.appbuilder.sm.has_access("can_load", self.class_permission_name)


