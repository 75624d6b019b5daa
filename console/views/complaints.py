"""Complaint screens: the list with filters, the handler's queue (overdue first, then the soonest
deadline), logging a complaint, and the complaint page with only the actions the user's role and
the complaint's state allow.

Every change goes through :mod:`models.complaint_lifecycle`; every read through the scoped
interface, so another centre's complaint by URL is a 404, and so is a complaint about the staff
member the user's own login belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.scope import register_scope
from console.roles import CENTRE_ADMIN, COMPLAINT_HANDLER
from console.tenancy import NOBODY, own_centre, user_centre
from console.views.actions import current_actor, post_action, valid
from console.views.filters import day_range_filter, window_filter
from forms import complaint_forms as f
from forms.validators import mask_phone
from models import complaint as m
from models import complaint_lifecycle as cl
from models import lifecycle as life
from models.case import Case, format_local, label_of
from models.complaint import Complaint
from models.people import person, remember_people
from models.rating import Rating, Rectification, rating_of
from models.review import Review
from models.staff import StaffMember
from models.window import Window
from models.workdays import to_utc

PAGE_SIZE = 25


# --- who sees which complaint -------------------------------------------------------------

# The roles that work complaints (console.roles: COMPLAINT_WORK).
HANDLER_ROLES = (COMPLAINT_HANDLER, CENTRE_ADMIN)


def handler_choices(centre: str) -> list[tuple[str, str]]:
    """The logins a complaint of ``centre`` may be given to: that centre's active complaint
    handlers and administrators, each by the staff member's name and the login."""
    from console.security.models import Role, User

    roles = [role.pk for role in Role.objects(name__in=HANDLER_ROLES).only("id")]
    logins = sorted(row.username for row in User.objects(
        centre=centre, active=True, roles__in=roles).only("username"))
    remember_people(logins)
    return f.NONE_CHOSEN + [(login, f"{person(login)}（{login}）") for login in logins]


def assign_form(complaint: Complaint) -> f.AssignForm:
    form = f.AssignForm()
    form.handler.choices = handler_choices(complaint.centre)
    return form


def complaint_scope(document: type) -> Any:
    """The user's centre; never a complaint about the staff member the user's login belongs
    to; a clerk (who only logs complaints) sees the ones they logged."""
    centre = user_centre()
    if centre is None or centre is NOBODY:
        return centre
    username = current_user.username
    found: dict[str, Any] = {"centre": centre}
    # Looked up on every query, so linking a login to a staff member later still hides the
    # complaints logged before the link.
    own = [s.pk for s in StaffMember.objects(username=username).only("id")]
    if own:
        found["staff__nin"] = own
    roles = {role.name for role in current_user.roles}
    if roles <= {"Clerk"}:
        found["logged_by"] = username
    return found


def register_scopes() -> None:
    """Install the scopes of complaints, ratings, rectifications and reviews (once)."""
    global _registered
    if _registered:
        return
    register_scope(Complaint, complaint_scope)
    for document in (Rating, Rectification, Review):
        register_scope(document, own_centre)
    _registered = True


_registered = False


def register_template_helpers(app) -> None:
    """The case page shows the case's rating with ``onewindow_case_rating(case)`` and the
    partial ``onewindow/ratings/_case_rating.html``."""
    app.jinja_env.globals["onewindow_case_rating"] = rating_of
    app.jinja_env.globals["onewindow_rating_label"] = lambda score: label_of(
        m.SATISFACTION, score)


# --- the screens ---------------------------------------------------------------------------

class ComplaintView(BaseView):
    """投诉: list, queue, log, show, act."""

    route_base = "/complaints"
    default_view = "list"
    complaints = MongoEngineInterface(Complaint)
    windows = MongoEngineInterface(Window)
    staff = MongoEngineInterface(StaffMember)
    cases = MongoEngineInterface(Case)

    def _render(self, template: str, **context):
        return self.render_template(f"onewindow/complaints/{template}", m=m, label=label_of,
                                    local=format_local, now=clock.utcnow(), **context)

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        filters, problems = self._filters()
        for problem in problems:
            flash(problem, "warning")
        queryset = self.complaints.base_query().filter(**filters).order_by("-received_at")
        page = max(request.args.get("page", 0, type=int), 0)
        total = queryset.count()
        rows = list(queryset.skip(page * PAGE_SIZE).limit(PAGE_SIZE))
        return self._render(
            "list.html", title=_l("Complaints"), rows=rows, total=total, page=page,
            pages=max((total - 1) // PAGE_SIZE + 1, 1), args=request.args,
            windows=list(self.windows.base_query().only("code", "name", "counter", "centre")),
        )

    def _filters(self) -> tuple[dict[str, Any], list[str]]:
        """Query filters from the URL; bad values are named and ignored, never a 500."""
        args, problems = request.args, []
        filters: dict[str, Any] = {}
        state = args.get("state", "all")
        if state == "open":
            filters["state__in"] = list(m.OPEN_STATES)
        elif state in dict(m.STATES):
            filters["state"] = state
        elif state != "all":
            problems.append(gettext("Unknown state “%(value)s” ignored.", value=state))
        for name, choices in (("category", m.CATEGORIES), ("channel", m.CHANNELS)):
            value = args.get(name)
            if value and value in dict(choices):
                filters[name] = value
            elif value:
                problems.append(gettext("Unknown value “%(value)s” ignored.", value=value))
        filters.update(window_filter(args, self.windows, problems))
        if args.get("overdue"):
            filters.pop("state", None)
            filters["state__in"] = list(m.OPEN_STATES)
            filters["due_at__lt"] = clock.utcnow()
        filters.update(day_range_filter(args, "received_at", problems))
        number = args.get("q", "").strip()
        if number:
            filters["number"] = number
        return filters, problems

    @expose("/queue")
    @has_access
    @permission_name("list")  # a read: whoever may list complaints sees the queue
    def queue(self):
        # Ascending deadlines put the overdue ones (deadline passed) first, then the soonest.
        rows = list(self.complaints.base_query().filter(state__in=list(m.OPEN_STATES))
                    .order_by("due_at", "received_at"))
        return self._render("queue.html", title=_l("Complaint queue"), rows=rows)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def new(self):
        form = f.LogComplaintForm()
        form.window.choices = f.NONE_CHOSEN + [
            (str(w.pk), str(w)) for w in self.windows.base_query()
            .only("code", "name", "counter", "centre")]
        form.staff.choices = f.NONE_CHOSEN + [
            (str(s.pk), s.name) for s in self.staff.base_query().filter(active=True)
            .only("name", "centre")]
        if form.validate_on_submit():
            try:
                subject = self._subject(form)
                complaint = cl.log_complaint(
                    current_actor(), centre=self._centre(subject), channel=form.channel.data,
                    category=form.category.data, description=form.description.data,
                    subject=subject, anonymous=form.anonymous.data,
                    complainant_name=form.complainant_name.data,
                    complainant_phone=form.complainant_phone.data,
                    received_at=to_utc(form.received_at.data) if form.received_at.data else None,
                    now=clock.utcnow(),
                )
            except life.TransitionError as error:
                flash(str(error), "danger")
            else:
                flash(gettext("Complaint %(number)s logged.", number=complaint.number),
                      "success")
                return redirect(url_for(".show", pk=str(complaint.pk)))
        return self._render("new.html", title=_l("Log a complaint"), form=form)

    @staticmethod
    def _centre(subject: object) -> str:
        """The user's centre; the super-administrator logs for the subject's centre."""
        return getattr(current_user, "centre", None) or getattr(subject, "centre", "") or ""

    def _subject(self, form: f.LogComplaintForm):
        """The chosen window, staff member or case; looked up without the user's scope so a
        record of another centre is refused by name rather than silently missing."""
        kind = form.subject_kind.data
        if kind == m.WINDOW and form.window.data:
            return self.windows.get(form.window.data)
        if kind == m.STAFF and form.staff.data:
            return self.staff.get(form.staff.data)
        if kind == m.CASE and form.case_number.data:
            number = form.case_number.data.strip()
            case = self.cases.base_query().filter(number=number).first()
            if case is None and Case.objects(number=number).only("id").first():
                raise life.AccessDenied(
                    gettext("The subject of a complaint must belong to the same centre."))
            if case is None:
                raise life.TransitionError(gettext("There is no case numbered %(number)s.",
                                                   number=number))
            return case
        return None

    @expose("/<pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: str):
        complaint = self._complaint(pk)
        actor = current_actor()
        actions = cl.allowed_actions(complaint, actor)
        return self._render(
            "show.html", title=complaint.number, complaint=complaint, actions=actions,
            masked_phone=mask_phone(complaint.complainant_phone),
            forms={"note": f.NoteForm(), "resolve": f.ResolveForm(),
                   "assign": assign_form(complaint) if "assign" in actions else None,
                   "close": f.CloseComplaintForm(), "reject": f.RejectForm()},
        )

    def _complaint(self, pk: str) -> Complaint:
        complaint = self.complaints.get(pk)
        if complaint is None:
            abort(404)
        return complaint

    @expose("/<pk>/act/<action>", methods=["POST"])
    @has_access
    @permission_name("act")
    def act(self, pk: str, action: str):
        return post_action(self._complaint(pk), action, ACTIONS, url_for(".show", pk=pk))


def _assign(complaint: Complaint, actor: life.Actor) -> None:
    cl.assign(complaint, actor, valid(assign_form(complaint)).handler.data, now=clock.utcnow())


def _investigate(complaint: Complaint, actor: life.Actor) -> None:
    cl.investigate(complaint, actor, note=valid(f.NoteForm()).note.data or "",
                   now=clock.utcnow())


def _resolve(complaint: Complaint, actor: life.Actor) -> None:
    form = valid(f.ResolveForm())
    cl.resolve(complaint, actor, finding=form.finding.data or "", upheld=form.upheld_value(),
               measures=form.measures.data or "", now=clock.utcnow())


def _close(complaint: Complaint, actor: life.Actor) -> None:
    form = valid(f.CloseComplaintForm())
    cl.close(complaint, actor, informed_via=form.informed_via.data or "",
             satisfaction=form.satisfaction.data, note=form.note.data or "",
             now=clock.utcnow())


def _reject(complaint: Complaint, actor: life.Actor) -> None:
    form = valid(f.RejectForm())
    cl.reject(complaint, actor, form.reason.data or "", now=clock.utcnow())


ACTIONS: dict[str, Callable[[Complaint, life.Actor], None]] = {
    "assign": _assign, "investigate": _investigate, "resolve": _resolve, "close": _close,
    "reject": _reject,
}
