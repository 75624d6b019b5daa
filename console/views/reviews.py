"""Effectiveness review screens (效能评价): the kept reviews, a new review (choose the period, see
the figures, record the conclusion and measures) and a kept review."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.views.actions import current_actor
from forms import complaint_forms as f
from models import lifecycle as life
from models import review as rv
from models.case import format_local, label_of
from models.complaint import CATEGORIES
from models.review import Review


class ReviewView(BaseView):
    """效能评价 of the user's centre."""

    route_base = "/reviews"
    default_view = "list"
    reviews = MongoEngineInterface(Review)

    def _render(self, template: str, **context):
        return self.render_template(f"onewindow/complaints/{template}", label=label_of,
                                    local=format_local, categories=CATEGORIES, **context)

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        rows = list(self.reviews.base_query().order_by("-period_end").limit(100))
        return self._render("reviews.html", title=_l("Effectiveness reviews"), rows=rows)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def new(self):
        centre = getattr(current_user, "centre", None) or request.values.get("centre", "")
        if not centre:
            flash(gettext("Choose a centre: add ?centre=CODE to the address."), "warning")
        form = f.ReviewForm()
        if request.method == "GET":
            today = clock.today()
            form.start.data = _date(request.args.get("start")) or today.replace(day=1)
            form.end.data = _date(request.args.get("end")) or today
        windows = staff = []
        if form.start.data and form.end.data and centre:
            try:
                windows, staff = rv.compute(centre, form.start.data, form.end.data)
            except life.TransitionError as error:
                flash(str(error), "danger")
        if request.method == "POST" and form.validate_on_submit():
            try:
                review = rv.conclude(current_actor(), centre=centre, start=form.start.data,
                                     end=form.end.data, conclusion=form.conclusion.data,
                                     measures=form.measures.data)
            except life.TransitionError as error:
                flash(str(error), "danger")
            else:
                flash(gettext("Review kept."), "success")
                return redirect(url_for(".show", pk=str(review.pk)))
        return self._render("review_new.html", title=_l("New effectiveness review"), form=form,
                            windows=windows, staff=staff, centre=centre)

    @expose("/<pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: str):
        review = self.reviews.get(pk)
        if review is None:
            abort(404)
        return self._render("review_show.html", title=str(review), review=review,
                            windows=review.windows, staff=review.staff)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
