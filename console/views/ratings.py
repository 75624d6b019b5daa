"""Rating screens: the centre's ratings, the form on which a clerk records the applicant's rating
of a delivered or closed case, and the rectification tasks (差评整改) a dissatisfied rating opens
for the complaint handlers."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.views.actions import current_actor, post_action, valid
from forms import complaint_forms as f
from models import lifecycle as life
from models import rating as r
from models.case import CASE_STATES, Case, format_local, label_of
from models.rating import Rating, Rectification

PAGE_SIZE = 50


class RatingView(BaseView):
    """好差评: the centre's ratings and the rating form of a case."""

    route_base = "/ratings"
    default_view = "list"
    ratings = MongoEngineInterface(Rating)
    cases = MongoEngineInterface(Case)

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        query = self.ratings.base_query().order_by("-rated_at")
        if request.args.get("dissatisfied"):
            query = query.filter(score__lte=r.DISSATISFIED)
        rows = list(query.limit(PAGE_SIZE))
        return self.render_template("onewindow/ratings/list.html", title=_l("Ratings"),
                                    rows=rows, ratings=r.RATINGS, label=label_of,
                                    local=format_local)

    @expose("/case/<pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def rate(self, pk: str):
        case = self.cases.get(pk)
        if case is None:
            abort(404)
        form = f.RatingForm()
        if form.validate_on_submit():
            try:
                rating = r.rate_case(case, current_actor(), score=form.score.data,
                                     comment=form.comment.data or "", now=clock.utcnow())
            except life.TransitionError as error:
                flash(str(error), "danger")
            else:
                flash(gettext("Rating of %(number)s recorded.", number=case.number), "success")
                if rating.dissatisfied:
                    flash(gettext("A rectification task was opened for the complaint handlers."),
                          "warning")
                return redirect(url_for(".rate", pk=pk))
        return self.render_template(
            "onewindow/ratings/case.html", title=_l("Rate case %(number)s", number=case.number),
            case=case, form=form, rating=r.rating_of(case), ratings=r.RATINGS, label=label_of,
            local=format_local, case_states=CASE_STATES,
            rateable=case.state in r.RATEABLE_STATES)


class RectificationView(BaseView):
    """差评整改: open tasks first by deadline, the task page, its two actions."""

    route_base = "/rectifications"
    default_view = "list"
    tasks = MongoEngineInterface(Rectification)

    def _render(self, template: str, **context):
        return self.render_template(f"onewindow/complaints/{template}", label=label_of,
                                    local=format_local, r=r, now=clock.utcnow(), **context)

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        open_rows = list(self.tasks.base_query().filter(state__in=[r.OPEN, r.IN_PROGRESS])
                         .order_by("due_at"))
        closed = list(self.tasks.base_query().filter(state=r.DONE).order_by("-due_at")
                      .limit(PAGE_SIZE))
        return self._render("rectifications.html", title=_l("Rectifications"),
                            rows=open_rows + closed)

    @expose("/<pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: str):
        task = self._task(pk)
        actor = current_actor()
        actions = [name for name, rule in r.RECTIFICATION_TRANSITIONS.items()
                   if task.state in rule.sources and rule.roles & actor.roles]
        return self._render("rectification.html", title=task.number, task=task,
                            actions=actions, forms={"note": f.NoteForm(),
                                                    "close": f.CloseRectificationForm()})

    def _task(self, pk: str) -> Rectification:
        task = self.tasks.get(pk)
        if task is None:
            abort(404)
        return task

    @expose("/<pk>/act/<action>", methods=["POST"])
    @has_access
    @permission_name("act")
    def act(self, pk: str, action: str):
        return post_action(self._task(pk), action, TASK_ACTIONS, url_for(".show", pk=pk))


def _start(task: Rectification, actor: life.Actor) -> None:
    valid(f.NoteForm())
    r.start_rectification(task, actor, now=clock.utcnow())


def _close(task: Rectification, actor: life.Actor) -> None:
    form = valid(f.CloseRectificationForm())
    r.close_rectification(task, actor, measures=form.measures.data or "",
                          callback_note=form.callback_note.data or "", now=clock.utcnow())


TASK_ACTIONS: dict[str, Callable[[Rectification, life.Actor], None]] = {
    "start": _start, "close": _close,
}
