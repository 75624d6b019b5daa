"""Case screens: the list with filters, opening a case, the case page with only the actions the
user's role and the case's state allow, and the approver's work queue.

Every change goes through :mod:`models.lifecycle`; every read through the scoped interface, so a
case of another centre (or, for an approver, without their agency) is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console.datamodel.interface import MongoEngineInterface
from forms import case_forms as f
from forms.validators import mask_id_number, mask_phone
from models import Window
from models import case as c
from models import lifecycle as life
from models.case import Case
from models.deadlines import (
    calendar_for,
    case_deadline_state,
    late_tolerated,
    subtask_deadline_state,
)
from models.item import ServiceItem
from models.workcalendar import today_in_china
from models.workdays import to_utc

PAGE_SIZE = 25
DEFAULT_RISK_THRESHOLDS = {"person": 2, "address": 3}


def current_actor() -> life.Actor:
    """The signed-in user as the lifecycle sees them."""
    user = current_user
    return life.Actor(
        username=user.username,
        roles=frozenset(role.name for role in user.roles),
        centre=getattr(user, "centre", None) or None,
        agency=getattr(user, "agency", None) or None,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def calendar(centre: str):
    """The centre's calendar, built once per request."""
    cache = g.setdefault("onewindow_calendars", {})
    if centre not in cache:
        cache[centre] = calendar_for(centre)
    return cache[centre]


class CaseView(BaseView):
    """办件: list, open, show, act, and the approvers' queue."""

    route_base = "/cases"
    default_view = "list"
    cases = MongoEngineInterface(Case)
    windows = MongoEngineInterface(Window)
    items = MongoEngineInterface(ServiceItem)

    # --- list -------------------------------------------------------------------------------

    @expose("/")
    @has_access
    @permission_name("list")
    def list(self):
        filters, problems = self._filters()
        for problem in problems:
            flash(problem, "warning")
        queryset = self.cases.base_query().filter(**filters).order_by("-created_at")
        page = max(request.args.get("page", 0, type=int), 0)
        total = queryset.count()
        rows = list(queryset.skip(page * PAGE_SIZE).limit(PAGE_SIZE))
        now = _now()
        return self.render_template(
            "onewindow/cases/list.html",
            title=_l("Cases"),
            rows=[(case, case_deadline_state(calendar(case.centre), case, now)) for case in rows],
            total=total, page=page, pages=max((total - 1) // PAGE_SIZE + 1, 1),
            args=request.args, states=c.CASE_STATES, modes=c.CASE_MODES,
            windows=list(self.windows.base_query().only("code", "name", "counter", "centre")),
            label=c.label_of, deadline_states=c.DEADLINE_STATES,
        )

    def _filters(self) -> tuple[dict[str, Any], list[str]]:
        """Query filters from the URL; bad values are named and ignored, never a 500."""
        args, problems = request.args, []
        filters: dict[str, Any] = {}
        state = args.get("state", "open")
        if state == "open":
            filters["state__in"] = list(c.OPEN_STATES)  # the working day's default
        elif state in dict(c.CASE_STATES):
            filters["state"] = state
        elif state != "all":
            problems.append(gettext("Unknown state “%(value)s” ignored.", value=state))
        mode = args.get("mode")
        if mode:
            if mode in dict(c.CASE_MODES):
                filters["mode"] = mode
            else:
                problems.append(gettext("Unknown mode “%(value)s” ignored.", value=mode))
        window_id = args.get("window")
        if window_id:
            window = self.windows.get(window_id)
            if window is None:
                problems.append(gettext("Unknown window ignored."))
            else:
                filters["window"] = window
        agency = args.get("agency", "").strip()
        if agency:
            filters["subtasks__agency"] = agency
        if args.get("overdue"):
            filters["state"] = c.ACCEPTED
            filters.pop("state__in", None)
            filters["due_at__lt"] = _now()
        for name, lookup, shift in (("from", "created_at__gte", 0), ("to", "created_at__lt", 1)):
            value = args.get(name, "").strip()
            if not value:
                continue
            try:
                day = dt.date.fromisoformat(value) + dt.timedelta(days=shift)
            except ValueError:
                problems.append(gettext("“%(value)s” is not a date (YYYY-MM-DD); ignored.",
                                        value=value))
                continue
            filters[lookup] = to_utc(dt.datetime.combine(day, dt.time()))
        text = args.get("q", "").strip()
        if text:
            # Escaped by MongoEngine (icontains quotes the text); never a regex or operator.
            filters["company_name__icontains"] = text
        return filters, problems

    # --- open ------------------------------------------------------------------------------

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def new(self):
        form = f.OpenCaseForm()
        windows = list(self.windows.base_query().filter(is_open=True))
        form.window.choices = [(str(w.pk), str(w)) for w in windows]
        items = list(self.items.base_query().only("code", "name", "centre"))
        form.items.choices = [(item.code, f"{item.name}（{item.code}）") for item in items]
        if form.validate_on_submit():
            window = self.windows.get(form.window.data)
            chosen = [item for item in self.items.base_query().filter(code__in=form.items.data)]
            try:
                case = life.open_case(current_actor(), window=window, items=chosen,
                                      applicant=form.applicant(), mode=form.mode.data,
                                      channel=form.channel.data,
                                      delivery_method=form.delivery_method.data)
            except life.TransitionError as error:
                flash(str(error), "danger")
            else:
                flash(gettext("Case %(number)s opened.", number=case.number), "success")
                return redirect(url_for(".show", pk=str(case.pk)))
        return self.render_template("onewindow/cases/new.html", title=_l("Open a case"),
                                    form=form)

    # --- show ------------------------------------------------------------------------------

    @expose("/<pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: str):
        case = self._case(pk)
        cal = calendar(case.centre)
        now = _now()
        return self.render_template(
            "onewindow/cases/show.html",
            title=case.number, case=case, label=c.label_of, c=c,
            case_state=case_deadline_state(cal, case, now),
            subtask_states={t.key: subtask_deadline_state(cal, t, now) for t in case.subtasks},
            late=late_tolerated(case, today_in_china()),
            risks=self._risks(case),
            actions=allowed_actions(case, current_actor()),
            masked_id=mask_id_number(case.legal_rep_id), masked_phone=mask_phone(case.phone),
            guessed_years=sorted(cal.guessed_years),
            forms={"note": f.NoteForm(), "reason": f.ReasonForm(), "result": f.ResultForm(),
                   "deliver": f.DeliverForm(), "close": f.CloseForm(),
                   "add_items": self._add_items_form(case)},
            material_states=c.MATERIAL_STATES,
        )

    def _case(self, pk: str) -> Case:
        case = self.cases.get(pk)
        if case is None:
            abort(404)
        return case

    def _add_items_form(self, case: Case) -> f.AddItemsForm:
        form = f.AddItemsForm()
        form.items.choices = [
            (item.code, item.name)
            for item in self.items.base_query().only("code", "name", "centre")
            if item.code not in case.items
        ]
        return form

    def _risks(self, case: Case) -> list[str]:
        """一人多户 and 一址多照: other open cases of the same person or at the same address."""
        limits = {**DEFAULT_RISK_THRESHOLDS,
                  **current_app.config.get("ONEWINDOW_RISK_THRESHOLDS", {})}
        prompts = []
        others = Case.objects(centre=case.centre, state__in=list(c.OPEN_STATES),
                              id__ne=case.id)
        same_person = others.filter(legal_rep_id=case.legal_rep_id).count()
        if same_person >= limits["person"]:
            prompts.append(gettext(
                "One person, many companies (一人多户): the legal representative is behind "
                "%(count)d other open cases in this centre.", count=same_person))
        if case.address_key:
            same_address = others.filter(address_key=case.address_key).count()
            if same_address >= limits["address"]:
                prompts.append(gettext(
                    "Many licences at one address (一址多照): %(count)d other open cases "
                    "give this address.", count=same_address))
        return prompts

    # --- act -------------------------------------------------------------------------------

    @expose("/<pk>/act/<action>", methods=["POST"])
    @has_access
    @permission_name("act")
    def act(self, pk: str, action: str):
        case = self._case(pk)
        handler = ACTIONS.get(action)
        if handler is None:
            abort(404)
        seen = request.form.get("version", type=int)
        if seen is not None:
            # Guard the write on the version the user was looking at: if anybody changed the
            # case since the page was shown, the lifecycle refuses and names who and when.
            case.version = seen
        try:
            message = handler(case, current_actor())
        except life.TransitionError as error:
            flash(str(error), "danger")
        except FormError as error:
            for text in error.messages:
                flash(text, "danger")
        else:
            flash(message or gettext("Done."), "success")
        target = request.form.get("next") or url_for(".show", pk=pk)
        if not target.startswith("/"):
            target = url_for(".show", pk=pk)
        return redirect(target)

    # --- the approver's queue --------------------------------------------------------------

    @expose("/queue")
    @has_access
    @permission_name("queue")
    def queue(self):
        actor = current_actor()
        query = self.cases.base_query()
        if actor.agency:
            query = query.filter(open_agencies=actor.agency)  # one indexed equality
        else:
            query = query.filter(state=c.ACCEPTED)
        now = _now()
        rows = []
        for case in query:
            cal = calendar(case.centre)
            for task in case.subtasks:
                if task.is_open and (actor.agency is None or task.agency == actor.agency):
                    rows.append((task.deadline or dt.datetime.max, case, task,
                                 subtask_deadline_state(cal, task, now)))
        rows.sort(key=lambda row: row[0])
        return self.render_template("onewindow/cases/queue.html", title=_l("My work queue"),
                                    rows=rows, label=c.label_of, c=c)


class FormError(Exception):
    """A posted action form failed validation."""

    def __init__(self, form) -> None:
        self.messages = [f"{getattr(form, name).label.text}: {'; '.join(errors)}"
                         for name, errors in form.errors.items()]
        super().__init__("; ".join(self.messages))


def _valid(form):
    if not form.validate_on_submit():
        raise FormError(form)
    return form


def _key() -> str:
    return request.form.get("subtask", "")


def _materials(case: Case, actor: life.Actor):
    states = {}
    for index, row in enumerate(case.materials):
        state = request.form.get(f"state-{index}")
        if state is None:
            continue
        if state not in dict(c.MATERIAL_STATES):
            raise life.TransitionError(gettext("Unknown material state."))
        promised = request.form.get(f"promised-{index}") or None
        if promised:
            try:
                promised = dt.date.fromisoformat(promised)
            except ValueError as error:
                raise life.TransitionError(gettext(
                    "“%(value)s” is not a date (YYYY-MM-DD).", value=promised)) from error
        states[row.name] = (state, promised)
    _valid(f.NoteForm())
    life.record_materials(case, actor, states)
    return gettext("Materials recorded.")


def _add_items(case: Case, actor: life.Actor):
    form = f.AddItemsForm()
    form.items.choices = [(code, code) for code in request.form.getlist("items")]
    _valid(form)
    items = MongoEngineInterface(ServiceItem).base_query().filter(code__in=form.items.data)
    life.add_items(case, actor, list(items))
    return gettext("Items added to the case.")


def _deliver(case: Case, actor: life.Actor):
    form = _valid(f.DeliverForm())
    results = [r.strip() for r in form.results.data.replace(",", "、").split("、") if r.strip()]
    life.deliver(case, actor, results=results, recipient=form.recipient.data,
                 tracking_number=form.tracking_number.data)
    return gettext("Delivered.")


def _close(case: Case, actor: life.Actor):
    form = _valid(f.CloseForm())
    life.close(case, actor, method=form.method.data, note=form.note.data,
               rating=form.rating.data)
    return gettext("Case closed.")


def _with_note(action: Callable, reason: bool = False):
    def run(case: Case, actor: life.Actor):
        form = _valid(f.ReasonForm() if reason else f.NoteForm())
        action(case, actor, form.note.data or "")
    return run


def _on_subtask(action: Callable, reason: bool = False, **kwargs):
    def run(case: Case, actor: life.Actor):
        if reason:
            form = _valid(f.ReasonForm())
            action(case, actor, _key(), form.note.data, **kwargs)
        else:
            _valid(f.NoteForm())
            action(case, actor, _key(), **kwargs)
    return run


def _complete(case: Case, actor: life.Actor):
    form = _valid(f.ResultForm())
    life.complete_subtask(case, actor, _key(), form.results())
    return gettext("Sub-task done.")


def _drop(case: Case, actor: life.Actor):
    form = _valid(f.NoteForm())
    life.drop_item(case, actor, _key(), note=form.note.data or "")


def _receive(case: Case, actor: life.Actor):
    _valid(f.NoteForm())
    life.receive_tolerated(case, actor, request.form.get("material", ""))


ACTIONS: dict[str, Callable[[Case, life.Actor], str | None]] = {
    "start_review": _with_note(life.start_review),
    "materials": _materials,
    "accept": _with_note(life.accept),
    "return": _with_note(life.return_case),
    "resubmit": _with_note(life.resubmit),
    "add_items": _add_items,
    "start_subtask": _on_subtask(life.start_subtask),
    "request_supplement": _on_subtask(life.request_supplement, reason=True),
    "record_supplement": _on_subtask(life.record_supplement),
    "complete_subtask": _complete,
    "reject_subtask": _on_subtask(life.reject_subtask, reason=True),
    "return_subtask": _on_subtask(life.reject_subtask, reason=True, returned=True),
    "drop_item": _drop,
    "close_rejected": _with_note(life.close_rejected, reason=True),
    "deliver": _deliver,
    "close": _close,
    "withdraw": _with_note(life.withdraw, reason=True),
    "receive_tolerated": _receive,
}


def allowed_actions(case: Case, actor: life.Actor) -> set[str]:
    """The case-level actions to offer: the lifecycle still checks each one when posted."""
    window = bool(life.WINDOW_ROLES & actor.roles)
    offered: set[str] = set()
    if window:
        offered |= {
            c.COACHING: {"start_review", "materials", "withdraw"},
            c.REVIEW: {"materials", "accept", "return", "withdraw"},
            c.RETURNED: {"materials", "resubmit", "withdraw"},
            c.ACCEPTED: {"withdraw", "receive_tolerated"},
            c.READY: {"deliver", "withdraw", "receive_tolerated"},
            c.DELIVERED: {"close", "receive_tolerated"},
        }.get(case.state, set())
        if case.mode == c.PARTIAL_CHAIN and case.state in (c.ACCEPTED, c.READY):
            offered.add("add_items")
        if case.state == c.ACCEPTED and any(
            t.status in (c.TASK_REJECTED, c.TASK_RETURNED) for t in case.subtasks
        ):
            offered |= {"drop_item", "close_rejected"}
    if case.state == c.ACCEPTED and (actor.is_admin or life.APPROVER in actor.roles):
        offered.add("subtasks")
    return offered


def may_work(task: c.SubTask, actor: life.Actor) -> bool:
    """Whether the actor may work this sub-task (shown on the case page)."""
    return task.is_open and (actor.is_admin or (life.APPROVER in actor.roles
                                                and actor.agency == task.agency))


def _query_string(args, **changes) -> str:
    merged = {**args.to_dict(), **{k: str(v) for k, v in changes.items()}}
    return urlencode(merged)


def register_template_helpers(app) -> None:
    """Filters and globals the case templates use."""
    app.jinja_env.globals["onewindow_may_work"] = lambda task: may_work(task, current_actor())
    app.jinja_env.filters["onewindow_local"] = c.format_local
    app.jinja_env.filters["onewindow_query"] = _query_string
