"""Case screens: the list with filters, opening a case, the case page with only the actions the
transition table allows the user's role in the case's state, the approver's work queue and the
centre's list of late 容缺 materials.

Every change goes through :mod:`models.lifecycle`; every read through the scoped interface, so a
case of another centre (or, for an approver, without their agency) is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import abort, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from console import clock
from console.datamodel.interface import MongoEngineInterface
from console.tenancy import user_centre
from console.views.actions import current_actor, post_action, valid
from console.views.filters import (
    agency_filter,
    day_range_filter,
    named_centre,
    risk_filter,
    risk_thresholds,
    window_filter,
)
from console.views.queue_rows import QUEUE_FIELDS, case_link, queue_cases, queue_rows
from forms import case_forms as f
from forms.validators import mask_id_number, mask_phone
from models import Window
from models import case as c
from models import lifecycle as life
from models import results as r
from models import transitions as tr
from models.case import Case
from models.deadlines import (
    calendar_for,
    case_deadline_state,
    case_limit,
    late_tolerated,
    late_tolerated_filter,
    subtask_deadline_state,
)
from models.item import ServiceItem
from models.name_search import name_filter
from models.people import remember_people
from models.rating import RATINGS, rating_of
from models.roster import RosterEntry
from models.staff import StaffMember

PAGE_SIZE = 25


# The case list's columns, and what its deadline and 容缺 badges read.
LIST_FIELDS = ("number", "company_name", "state", "mode", "window", "centre", "due_at",
               "accepted_at", "clock_from", "clock_pauses", "finished_at", "tolerated_due")

# The case list's columns a user may sort by (``?sort=due&dir=desc``), each served by an index
# whatever the filters; without ``sort`` the newest case comes first.
SORTS = {"number": "number", "company": "company_name", "state": "state", "due": "due_at"}
DEFAULT_ORDER = "-created_at"


def list_order(args, problems: list[str]) -> str:
    """The case list's order from the URL; an unknown column or direction is named in
    ``problems`` and the default order kept."""
    column = args.get("sort", "").strip()
    if not column:
        return DEFAULT_ORDER
    if column not in SORTS:
        problems.append(gettext("Unknown sort column “%(value)s” ignored.", value=column))
        return DEFAULT_ORDER
    direction = args.get("dir", "asc").strip()
    if direction not in ("asc", "desc"):
        problems.append(gettext("Unknown sort direction “%(value)s” ignored.", value=direction))
        direction = "asc"
    return f"{'-' if direction == 'desc' else ''}{SORTS[column]}"


def _now() -> dt.datetime:
    return clock.utcnow()


def calendar(centre: str):
    """The centre's calendar, built once per request."""
    cache = g.setdefault("onewindow_calendars", {})
    if centre not in cache:
        cache[centre] = calendar_for(centre)
    return cache[centre]


class LazyForms(dict):
    """The case page's forms, each built when the template first asks for it: most actions are
    not offered in a given state, so their forms (and the item list of "add items") are never
    built."""

    def __init__(self, **factories: Callable[[], Any]) -> None:
        super().__init__()
        self._factories = factories

    def __missing__(self, name: str) -> Any:
        form = self[name] = self._factories[name]()
        return form


def _labeller() -> Callable[[list[tuple], object], str]:
    """``label_of`` remembering each translated label for one page (a timeline names the same
    few actions and states dozens of times)."""
    seen: dict[tuple[int, object], str] = {}

    def label(choices: list[tuple], value: object) -> str:
        key = (id(choices), value)
        if key not in seen:
            seen[key] = c.label_of(choices, value)
        return seen[key]

    return label


CASE_NUMBER_PREFIX = re.compile(r"^(?P<centre>[A-Z][A-Z0-9]*)-\d{4,8}(-\d{0,4})?$")
"""What the list's search box takes for a case number (``LY-20261123-0001``) or its start
(``LY-2026``, ``LY-20261123-``), rather than a company name."""

REVEALABLE = ("legal_rep_id", "phone")
"""The case's personal identifiers shown masked, whose full value a clerk may ask for."""


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
        centre = named_centre()  # the super-administrator's one centre; another's is a 404
        if centre:
            filters["centre"] = centre
        order = list_order(request.args, problems)
        for problem in problems:
            flash(problem, "warning")
        queryset = self.cases.base_query().filter(**filters).order_by(order)
        page = max(request.args.get("page", 0, type=int), 0)
        # Only what a row shows (and its deadline badge needs) is read; the window is named from
        # the list below, not looked up once per row. The page before the count: a company-name
        # search counts its matches while it finds the page, once.
        rows = list(queryset.only(*LIST_FIELDS).skip(page * PAGE_SIZE).limit(PAGE_SIZE))
        total = queryset.count()
        windows = list(self.windows.base_query().only("code", "name", "counter", "centre"))
        names = {w.pk: w.name for w in windows}
        now = _now()
        today = tr.today_of(now)
        return self.render_template(
            "onewindow/cases/list.html",
            title=_l("Cases"),
            rows=[(case, case_deadline_state(calendar(case.centre), case, now),
                   bool(case.tolerated_due and case.tolerated_due < today),
                   names.get(_reference_id(case, "window"), "")) for case in rows],
            total=total, page=page, pages=max((total - 1) // PAGE_SIZE + 1, 1),
            args=request.args, states=c.CASE_STATES, modes=c.CASE_MODES,
            windows=windows,
            label=c.label_of, deadline_states=c.DEADLINE_STATES,
            provisional=_provisional_years(rows), order=order,
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
        filters.update(window_filter(args, self.windows, problems))
        filters.update(risk_filter(args, problems))
        filters.update(agency_filter(args, problems))
        if args.get("overdue"):
            filters["state"] = c.ACCEPTED
            filters.pop("state__in", None)
            filters["due_at__lt"] = _now()
            # A case whose clock is stopped for the applicant (补正) is not the centre's delay.
            filters["clock_stopped_at"] = None
        if args.get("late"):
            # Served by the (centre, tolerated_due) index.
            filters.update(late_tolerated_filter(tr.today_of(_now())))
        filters.update(day_range_filter(args, "created_at", problems))
        text = args.get("q", "").strip()
        number = CASE_NUMBER_PREFIX.match(text.upper())
        if number:
            # A case number, whole or its start (LY-20261123…): on the (centre, number) index.
            filters["number__startswith"] = text.upper()
            if not (user_centre() or named_centre()):
                filters["centre"] = number["centre"]  # the super-administrator: its centre
        elif text:
            # The pieces' index leads with the centre: the super-administrator looking across
            # every centre reads the names instead.
            centre = user_centre() or named_centre()
            if centre:
                filters.update(name_filter(text, lambda piece, at_most: Case.objects(
                    centre=centre, name_grams=piece).limit(at_most)
                    .count(with_limit_and_skip=True)))
            else:
                filters["company_name__icontains"] = text  # escaped: never a regex
        return filters, problems

    # --- open ------------------------------------------------------------------------------

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def new(self):
        form = f.OpenCaseForm()
        windows = list(self.windows.base_query().filter(is_open=True))
        form.window.choices = [(str(w.pk), str(w)) for w in windows]
        items = list(self.items.base_query().only("code", "name", "centre", "window_category",
                                                  "result_fields"))
        form.items.choices = [(item.code, f"{item.name}（{item.code}）") for item in items]
        if request.method == "GET":
            rostered = rostered_window(current_user.username, clock.today())
            if rostered is not None and rostered.pk in {w.pk for w in windows}:
                form.window.data = str(rostered.pk)
            # The chain preselected for the default mode (the script follows mode changes).
            form.items.data = [item.code for item in items
                               if item.window_category == "enterprise_opening"]
        if form.validate_on_submit():
            window = self.windows.get(form.window.data)
            chosen = [item for item in self.items.base_query().filter(code__in=form.items.data)]
            try:
                case = life.open_case(current_actor(), window=window, items=chosen,
                                      applicant=form.applicant(), mode=form.mode.data,
                                      channel=form.channel.data,
                                      delivery_method=form.delivery_method.data,
                                      now=_now())
            except life.TransitionError as error:
                flash(str(error), "danger")
            else:
                flash(gettext("Case %(number)s opened.", number=case.number), "success")
                return redirect(url_for(".show", pk=str(case.pk)))
        chains = {str(w.pk): [i.code for i in life.chain_items(w)] for w in windows}
        licences = [item.code for item in items if item.issues_licence]
        return self.render_template("onewindow/cases/new.html", title=_l("Open a case"),
                                    form=form, chains=chains, licences=licences)

    # --- show ------------------------------------------------------------------------------

    @expose("/<pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: str):
        case = self._case(pk)
        cal = calendar(case.centre)
        now = _now()
        actor = current_actor()
        today = tr.today_of(now)
        in_full = {t.key: life.sees_in_full(case, t, actor) for t in case.subtasks}
        hidden_tasks = {key for key, full in in_full.items() if not full}
        case_actions = tr.case_actions(case, actor)
        task_actions = {t.key: tr.task_actions(case, t, actor) for t in case.subtasks}
        timeline = [e for e in case.timeline if e.subtask not in hidden_tasks]
        # Everyone the page names, looked up in one query rather than one per person.
        remember_people([case.clerk, *(event.actor for event in timeline)])
        draft = session.pop(_draft_key(case), None) or {}
        return self.render_template(
            "onewindow/cases/show.html",
            title=case.number, case=case, label=_labeller(), c=c,
            case_state=case_deadline_state(cal, case, now),
            subtask_states={t.key: subtask_deadline_state(cal, t, now) for t in case.subtasks},
            late=late_tolerated(case, clock.today()),
            withheld=life.withheld_by(case, today),
            risks=self._risks(case),
            case_actions=case_actions, actions={t.name for t in case_actions},
            task_actions=task_actions,
            # only the sub-tasks this user may act on carry a fingerprint in a form
            task_seen={key: subtask_seen(case.subtask(key))
                       for key, actions in task_actions.items() if actions},
            in_full=in_full,
            waiting_for={t.key: tr.waiting_for(case, t) for t in case.subtasks
                         if t.status == c.WAITING},
            timeline=timeline,
            # A sub-task's events name its agency (and item): "子任务办结（洛阳市税务局 · 发票）".
            task_agencies={t.key: f"{t.agency_name or t.agency} · {t.item_name or t.item}"
                           for t in case.subtasks},
            # The delivery note lists every agency's results: not for an approver's eyes.
            hide_delivery_note=bool(hidden_tasks),
            masked_id=mask_id_number(case.legal_rep_id), masked_phone=mask_phone(case.phone),
            may_reveal=self.appbuilder.sm.has_access("can_reveal", self.class_permission_name),
            provisional=_provisional_years([case]),
            checklist=life.delivery_checklist(case),
            result_fields=r.CATALOGUE,
            forms=LazyForms(note=f.NoteForm, reason=f.ReasonForm, result=f.ResultForm,
                            deliver=f.DeliverForm, close=f.CloseForm,
                            add_items=lambda: self._add_items_form(case)),
            material_states=c.MATERIAL_STATES,
            returnable=life.missing_materials(case),
            draft=draft,
            result_draft=(f.ResultForm(formdata=None, data=draft)
                          if draft.get("subtask") else None),
            accept_due=(cal.add(now, *case_limit(case.centre))
                        if any(t.name == "accept" for t in case_actions) else None),
            simple_actions=[t for t in case_actions if t.name in SIMPLE_ACTIONS],
        )

    @expose("/<pk>/reveal/<column>")
    @has_access
    @permission_name("reveal")
    def reveal(self, pk: str, column: str):
        """The applicant's full ID number or phone, for the centre's clerks; recorded in the
        audit log. Approvers never have it: their agencies' work does not need it here."""
        if column not in REVEALABLE:
            abort(404)
        case = self._case(pk)
        from console.audit.log import reveal as audit_reveal
        from console.limits import render_page

        audit_reveal(Case, case, column)
        return render_page(f"{case.number} {case.legal_rep_name}: {getattr(case, column) or ''}")

    def _case(self, pk: str) -> Case:
        case = self.cases.get(pk)
        if case is None:
            abort(404)
        return case

    def _add_items_form(self, case: Case) -> f.AddItemsForm:
        form = f.AddItemsForm()
        window = case.window if isinstance(case.window, Window) else None
        form.items.choices = [
            (item.code, item.name)
            for item in self.items.base_query().only("code", "name", "centre", "agency",
                                                     "window_category")
            if item.code not in case.items and (window is None or window.accepts(item))
        ]
        return form

    def _risks(self, case: Case) -> list[str]:
        """一人多户 and 一址多照: other open cases of the same person or at the same address."""
        limits = risk_thresholds()
        prompts = []
        # Two counts on the (centre, legal_rep_id / address_key, state) key tables, through the
        # driver: nothing is built but the number.
        cases = Case._get_collection()
        others = {"centre": case.centre, "state": {"$in": list(c.OPEN_STATES)},
                  "_id": {"$ne": case.id}}
        same_person = cases.count_documents({**others, "legal_rep_id": case.legal_rep_id})
        if same_person >= limits["person"]:
            prompts.append(gettext(
                "One person, many companies (一人多户): the legal representative is behind "
                "%(count)d other open cases in this centre.", count=same_person))
        if case.address_key:
            same_address = cases.count_documents({**others, "address_key": case.address_key})
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

        def done(message) -> None:
            transition = tr.TABLE.get(action)
            default = (gettext("%(action)s: done.", action=transition.label) if transition
                       else gettext("Done."))
            for text, category in message if isinstance(message, list) else [(message, None)]:
                flash(text or default, category or "success")

        return post_action(case, action, ACTIONS,
                           local_target(request.form.get("next"), url_for(".show", pk=pk)),
                           on_done=done, on_refused=lambda: _keep_draft(case, action),
                           unchanged=_subtask_unchanged if action in AGENCY_ACTIONS else None)

    # --- the approver's queue --------------------------------------------------------------

    @expose("/queue")
    @has_access
    @permission_name("queue")
    def queue(self):
        actor = current_actor()
        # One page of cases, earliest due first, chosen and counted in the query (the
        # (centre, open_agencies, due_at) and (centre, state, due_at) indexes); only what a row
        # shows is read, as stored (a case holds six to eight sub-tasks of some thirty fields;
        # a row shows a few fields of its agency's one or two).
        query = queue_cases(self.cases, actor.agency).only(*QUEUE_FIELDS).order_by("due_at")
        page = max(request.args.get("page", 0, type=int), 0)
        total = query.count()
        rows = queue_rows(query.skip(page * PAGE_SIZE).limit(PAGE_SIZE).as_pymongo(),
                          actor.agency, _now(), calendar, case_link())
        return self.render_template("onewindow/cases/queue.html", title=_l("My work queue"),
                                    rows=rows, c=c, page=page, total=total,
                                    pages=max((total - 1) // PAGE_SIZE + 1, 1), args=request.args)

    # --- late 容缺 across the centre --------------------------------------------------------

    @expose("/late-tolerated")
    @has_access
    @permission_name("late")
    def late_tolerated(self):
        """Every 容缺 material past its promised date, across the centre's cases."""
        today = tr.today_of(_now())
        query = (self.cases.base_query().filter(**late_tolerated_filter(today))
                 .only("number", "company_name", "centre", "state", "materials", "phone")
                 .order_by("tolerated_due"))
        page = max(request.args.get("page", 0, type=int), 0)
        total = query.count()
        rows = [(case, row, (today - row.promised_on).days)
                for case in query.skip(page * PAGE_SIZE).limit(PAGE_SIZE)
                for row in late_tolerated(case, today)]
        return self.render_template(
            "onewindow/cases/late.html", title=_l("Late tolerated materials"), rows=rows,
            label=c.label_of, c=c, page=page, total=total, args=request.args,
            pages=max((total - 1) // PAGE_SIZE + 1, 1))


def rostered_window(username: str, day: dt.date) -> Window | None:
    """The window the signed-in clerk is rostered on today, if any."""
    staff = StaffMember.objects(username=username).only("id", "centre").first()
    if staff is None:
        return None
    entry = RosterEntry.objects(centre=staff.centre, staff=staff, date=day).only("window").first()
    return entry.window if entry else None


def local_target(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``: never another host
    (``//evil.example``, ``/\\evil.example``, ``https://…``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return fallback
    return target


# Forms whose choices are kept when the action is refused, so the clerk corrects, not retypes
# (and the approver a sub-task's results: the kept values refill that sub-task's form only).
DRAFT_FORMS = ("record_materials", "materials", "return", "complete_subtask")
DRAFT_FIELDS = ("state-", "promised-", "defect-", "reason-", "reason_text-", "note",
                *r.CATALOGUE, "remarks", "subtask")


def _draft_key(case: Case) -> str:
    return f"onewindow_case_draft_{case.pk}"


def _keep_draft(case: Case, action: str) -> None:
    if action in DRAFT_FORMS:
        session[_draft_key(case)] = {
            name: value[:500] for name, value in request.form.items()
            if name.startswith(DRAFT_FIELDS)
        }


def _reference_id(document, name: str):
    """The id a reference field holds, without loading the referenced document (MongoEngine
    keeps it as a DBRef until the field is first read)."""
    value = document._data.get(name)
    return getattr(value, "id", None) or getattr(value, "pk", None)


def _provisional_years(cases) -> list[int]:
    """Years of the shown deadlines that the official schedule does not cover yet."""
    years = set()
    for case in cases:
        cal = calendar(case.centre)
        for moment in [case.due_at, *(t.deadline for t in case.subtasks)]:
            if moment and not cal.is_official(life.local_day(moment)):
                years.add(life.local_day(moment).year)
    return sorted(years)


def _key() -> str:
    return request.form.get("subtask", "")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise life.TransitionError(gettext(
            "“%(value)s” is not a date (YYYY-MM-DD).", value=text)) from error


def _materials(case: Case, actor: life.Actor):
    states = {}
    for index, row in enumerate(case.materials):
        state = request.form.get(f"state-{index}")
        if state is None:
            continue
        if state not in dict(c.MATERIAL_STATES):
            raise life.TransitionError(gettext("Unknown material state."))
        promised = request.form.get(f"promised-{index}") or None
        states[row.name] = (state, _date(promised) if promised else None,
                            request.form.get(f"defect-{index}", ""))
    valid(f.NoteForm())
    life.record_materials(case, actor, states, now=_now())
    return gettext("Materials recorded.")


def _return(case: Case, actor: life.Actor):
    """Each missing or defective material with a reason typed, or picked from its review
    points; the clerk's note for the whole notification."""
    form = valid(f.NoteForm())
    reasons = {}
    for index, row in enumerate(case.materials):
        typed = request.form.get(f"reason_text-{index}", "").strip()
        picked = request.form.get(f"reason-{index}", "").strip()
        if picked and picked not in (row.review_points or []):
            raise life.TransitionError(gettext("Pick a reason from the review points."))
        if typed or picked:
            reasons[row.name] = typed or picked
    life.return_case(case, actor, form.note.data or "", reasons=reasons, now=_now())
    return gettext("Returned with a one-time notification.")


def _accept(case: Case, actor: life.Actor):
    form = valid(f.NoteForm())
    life.accept(case, actor, form.note.data or "", now=_now())
    messages = [(gettext("Accepted; promised completion by %(due)s.",
                         due=c.format_local(case.due_at)), "success")]
    cal = calendar(case.centre)
    if case.due_at and not cal.is_official(life.local_day(case.due_at)):
        messages.append((gettext(
            "The promised time is provisional: the official holiday schedule for %(year)s is "
            "not loaded yet.", year=life.local_day(case.due_at).year), "warning"))
    return messages


def _add_items(case: Case, actor: life.Actor):
    form = f.AddItemsForm()
    form.items.choices = [(code, code) for code in request.form.getlist("items")]
    valid(form)
    items = list(MongoEngineInterface(ServiceItem).base_query().filter(code__in=form.items.data))
    # A code that names none of the centre's items is named, not taken for "already on the case".
    missing = sorted(set(form.items.data) - {item.code for item in items})
    if missing:
        raise life.TransitionError(gettext("Unknown service item: %(codes)s",
                                           codes=", ".join(missing)))
    life.add_items(case, actor, items, now=_now())
    return gettext("Items added to the case.")


def _deliver(case: Case, actor: life.Actor):
    form = valid(f.DeliverForm())
    extra = [line.strip() for line in (form.extra.data or "").replace(",", "、").split("、")
             if line.strip()]
    life.deliver(case, actor, results=extra, recipient=form.recipient.data,
                 tracking_number=form.tracking_number.data, now=_now())
    return gettext("Delivered: %(count)d results handed over.", count=len(case.handover.results))


def _close(case: Case, actor: life.Actor):
    form = valid(f.CloseForm())
    recorded = rating_of(case)
    if recorded is not None and recorded.score != form.rating.data:
        # Rated meanwhile on the rating screen: one case, one rating (statistics read it).
        raise life.TransitionError(gettext(
            "The applicant's rating of this case is already recorded (%(rating)s); closing "
            "keeps it.", rating=c.label_of(RATINGS, recorded.score)))
    life.close(case, actor, method=form.method.data, note=form.note.data,
               rating=form.rating.data, now=_now())
    return gettext("Case closed.")


def _with_note(action: Callable, reason: bool = False):
    def run(case: Case, actor: life.Actor):
        form = valid(f.ReasonForm() if reason else f.NoteForm())
        action(case, actor, form.note.data or "", now=_now())
    return run


def _on_subtask(action: Callable, reason: bool = False, **kwargs):
    def run(case: Case, actor: life.Actor):
        if reason:
            form = valid(f.ReasonForm())
            action(case, actor, _key(), form.note.data, now=_now(), **kwargs)
        else:
            valid(f.NoteForm())
            action(case, actor, _key(), now=_now(), **kwargs)
    return run


def _complete(case: Case, actor: life.Actor):
    form = valid(f.ResultForm())
    life.complete_subtask(case, actor, _key(), form.results(), now=_now())
    return gettext("Sub-task done.")


def _drop(case: Case, actor: life.Actor):
    form = valid(f.NoteForm())
    life.drop_item(case, actor, _key(), note=form.note.data or "", now=_now())
    # Dropping the last open item ends the case: say so, not only "done".
    if case.state == c.REJECTED:
        return [(gettext("Every item of the case is dropped: it is closed as rejected."),
                 "warning")]
    if case.state == c.READY:
        return gettext("Every other item is done: the case is ready for delivery.")
    return None


def _receive(case: Case, actor: life.Actor):
    valid(f.NoteForm())
    name = request.form.get("material", "")
    life.receive_tolerated(case, actor, name, now=_now())
    return gettext("“%(name)s” handed in.", name=name)


ACTIONS: dict[str, Callable[[Case, life.Actor], Any]] = {
    "start_review": _with_note(life.start_review),
    "record_materials": _materials,
    "accept": _accept,
    "return": _return,
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
ACTIONS["materials"] = ACTIONS["record_materials"]  # the older form's name
assert set(tr.TABLE) <= set(ACTIONS), "every transition needs its screen handler"

# An agency's actions on its own sub-task: in parallel approval (并联审批) other agencies change
# the case meanwhile, and a page older than the case still acts if that sub-task is as it showed.
AGENCY_ACTIONS = ("start_subtask", "request_supplement", "record_supplement", "complete_subtask",
                  "reject_subtask", "return_subtask")


def subtask_seen(task: c.SubTask) -> str:
    """A fingerprint of a sub-task as a page shows it (every stored field)."""
    stored = json.dumps(task.to_mongo().to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(stored.encode()).hexdigest()[:20]


def _subtask_unchanged(case: Case) -> bool:
    key, seen = request.form.get("subtask"), request.form.get("task_seen")
    task = case.subtask(key) if key else None
    return bool(seen) and task is not None and hmac.compare_digest(subtask_seen(task), seen)


# Case actions shown as a plain button (with a note or a reason): the others have their form.
SIMPLE_ACTIONS = ("start_review", "resubmit", "close_rejected", "withdraw")


def _query_string(args, **changes) -> str:
    merged = {**args.to_dict(), **{k: str(v) for k, v in changes.items()}}
    return urlencode(merged)


def page_links(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link (0-based): the first, the last and ``around`` either side of
    ``page``; None where pages are left out."""
    shown = sorted({0, pages - 1, *range(max(page - around, 0), min(page + around, pages - 1) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - links[-1] == 2:
            links.append(number - 1)  # one page left out: its number, not "…"
        elif links and number - links[-1] > 2:
            links.append(None)
        links.append(number)
    return links


def register_template_helpers(app) -> None:
    """Filters and globals the case templates use."""
    app.jinja_env.globals["onewindow_page_links"] = page_links
    app.jinja_env.filters["onewindow_local"] = c.format_local
    app.jinja_env.filters["onewindow_query"] = _query_string
