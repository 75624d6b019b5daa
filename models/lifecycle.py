"""The case's state machine: the only code that changes a case's state, its sub-tasks or its
timeline. Screens, the agency API and the CLI call these functions and never set fields.

Every action is checked against the one transition table (:mod:`models.transitions`: centre,
role, agency, state, guard), its input is validated, and then it is written as ONE atomic update
guarded by the case's version: if anybody changed the case since it was read, nothing is written
and :class:`StaleCaseError` says who and when. Every function takes ``now`` (naive UTC); the
current time is read only when a caller passes none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
import datetime as dt
from typing import Any
import uuid

from flask import current_app, has_app_context
from flask_babel import force_locale, gettext, ngettext
from mongoengine import ValidationError

from models import case as c
from models import memory
from models import results as r
from models import transitions as tr
from models.case import Case, MaterialReceipt, Pause, SubTask, TimelineEvent
from models.case_numbers import next_case_number
from models.deadlines import calendar_for, case_due
from models.guarded import guarded_commit, validation_message
from models.item import ServiceItem
from models.people import person
from models.signals import case_changed
from models.window import Window
from models.workdays import MINUTES, WORKING_DAYS
from models.workdays import to_china as _to_china

ADMIN, CENTRE_ADMIN, CLERK, APPROVER = "Admin", "CentreAdmin", "Clerk", "Approver"

# Which roles may take each case-level action (the approvers' sub-task actions are separate).
WINDOW_ROLES = tr.WINDOW
# Every result a sub-task may record (which ones an item records is catalogue data).
RESULT_FIELDS = (*r.CATALOGUE, r.REMARKS)

TransitionError = tr.TransitionError
AccessDenied = tr.AccessDenied


class StaleCaseError(TransitionError):
    """Somebody else changed the case since it was read."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a console user or an agency system."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    centre: str | None = None  # None: the super-administrator, every centre
    agency: str | None = None  # the approver's (or agency system's) agency code

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record_language() -> AbstractContextManager:
    """Words the lifecycle writes into a case (a return's default reason, the delivered
    results' labels, a pause's reason) are in the centre's language, whatever language the
    clerk's screen is in: the one-time notification and the delivery checklist are printed for
    the applicant from them, and every later reader sees them as written."""
    if not has_app_context():
        return nullcontext()
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "zh_CN")


def _text(value: str | None) -> str:
    """A typed reason, note or name without its surrounding blanks: one made only of spaces
    says nothing, so a rejection, withdrawal or hand-over must not pass with it."""
    return (value or "").strip()


def _require_window_role(actor: Actor) -> None:
    if not WINDOW_ROLES & actor.roles:
        raise AccessDenied(gettext("Only a window clerk may do this."))


# --- the one write path ---------------------------------------------------------------------

def _commit(
    case: Case,
    actor: Actor,
    action: str,
    changes: Mapping[str, Any],
    *,
    to_state: str | None = None,
    subtask: str | None = None,
    note: str = "",
    now: dt.datetime,
    events: Iterable[TimelineEvent] = (),
) -> Case:
    """Validate ``changes`` on a copy, then write them with the timeline events atomically."""
    from_state = case.state
    if to_state:
        changes = {**changes, "state": to_state}
    event = TimelineEvent(
        at=now, actor=actor.username, action=action, from_state=from_state,
        to_state=to_state or from_state, subtask=subtask, note=note or None,
        # The deadline the case's on-time figure is judged against (see TimelineEvent.due_at).
        due_at=(changes.get("due_at", case.due_at)
                if to_state == c.READY and from_state != c.READY else None),
    )
    guarded_commit(case, actor.username, changes, [event, *events], now=now,
                   stale=_stale, derive=_refresh_derived, derived=DERIVED)
    _announce(case, actor=actor, action=action, event=event, now=now)
    return case


def _announce(case: Case, **kwargs: Any) -> None:
    """``case_changed`` after a committed change; in a memory run, the run's own receivers."""
    memory_run = memory.current()
    if memory_run is None:
        case_changed.send(case, **kwargs)
    else:
        memory_run.changed(case, **kwargs)


def _stale(case: Case) -> TransitionError:
    """Why a guarded write of ``case`` matched nothing: who changed it and when."""
    current = Case.objects(id=case.id).only("changed_by", "changed_at", "version").first()
    if current is None:
        return TransitionError(gettext("This case no longer exists."))
    when = c.format_local(current.changed_at)
    return StaleCaseError(
        gettext(
            "This case was changed by %(user)s at %(time)s. Reload it and try again.",
            # The colleague's name, as the timeline shows them, not their login.
            user=person(current.changed_by) or "?", time=when,
        )
    )


# Fields kept beside the case's data for its indexes, recomputed on every write.
DERIVED = ("open_agencies", "tolerated_due", "clock_stopped_at", "task_due")


def tolerated_due(state: str, materials: Iterable[Any]) -> dt.date | None:
    """The earliest date a 容缺 material was promised for, behind the late-容缺 list and counts.
    A rejected or withdrawn case has none: its applicant will never hand the material in, so
    it owes nothing (a delivered or closed case still owes what was promised)."""
    if state in c.ENDED_UNDELIVERED:
        return None
    promised = [row.promised_on for row in materials
                if row.state == c.TOLERATED and row.promised_on]
    return min(promised) if promised else None


def _refresh_derived(case: Case) -> None:
    case.open_agencies = sorted({task.agency for task in case.subtasks if task.is_open})
    case.address_key = c.address_key(case.address)
    case.tolerated_due = tolerated_due(case.state, case.materials)
    case.clock_stopped_at = case.clock_pauses[-1].started_at if case.clock_paused else None
    running = [task.deadline for task in case.running_subtasks()]
    case.task_due = min(running) if running else None


# --- opening and review ---------------------------------------------------------------------

def open_case(
    actor: Actor,
    *,
    window: Window,
    items: Iterable[ServiceItem],
    applicant: Mapping[str, Any],
    mode: str = c.FULL_CHAIN,
    channel: str = "window",
    delivery_method: str = "window",
    now: dt.datetime | None = None,
) -> Case:
    """Start a case at ``window`` in coaching, with its material checklist built from ``items``."""
    _require_window_role(actor)
    if actor.centre is not None and window.centre != actor.centre:
        raise AccessDenied(gettext("This window belongs to another service centre."))
    items = list(items)
    if not items:
        raise TransitionError(gettext("Choose at least one service item."))
    for item in items:
        if item.centre not in (None, window.centre):
            raise AccessDenied(gettext("This service item belongs to another service centre."))
        if not window.accepts(item):
            raise TransitionError(gettext("Window %(window)s does not take “%(item)s”.",
                                          window=str(window), item=item.name))
    _check_mode(mode, items, window)
    # Typed names and addresses without their surrounding blanks: "  洛阳某某有限公司 " would be
    # printed, searched and counted for 一人多户 / 一址多照 as another company or person.
    applicant = {name: (_text(value) or None) if isinstance(value, str) else value
                 for name, value in applicant.items()}
    if delivery_method == "mail" and not (applicant.get("mail_address") or "").strip():
        raise TransitionError(gettext("Mail delivery needs a mailing address."))
    now = now or _now()
    case = Case(
        centre=window.centre, window=window, clerk=actor.username, mode=mode, channel=channel,
        delivery_method=delivery_method, state=c.COACHING, items=[item.code for item in items],
        materials=checklist(items), created_at=now, changed_by=actor.username, changed_at=now,
        number="pending", **applicant,
    )
    case.timeline = [TimelineEvent(at=now, actor=actor.username, action="open",
                                   to_state=c.COACHING)]
    _refresh_derived(case)
    try:
        case.validate()  # before a number is taken, so refused input leaves no gap
    except ValidationError as error:
        raise TransitionError(validation_message(error)) from error
    case.number = next_case_number(window.centre, now)
    memory.save(case, validate=False, at=now)
    _announce(case, actor=actor, action="open", event=case.timeline[0], now=now)
    return case


def chain_items(window: Window) -> list[ServiceItem]:
    """The whole enterprise-opening chain a window takes in (what a full-chain case holds)."""
    return [item for item in window.items or []
            if isinstance(item, ServiceItem) and item.window_category == "enterprise_opening"]


def _check_mode(mode: str, items: list[ServiceItem], window: Window) -> None:
    """Single item: one item. Partial chain: starts with the licence. Full chain: all of it."""
    if mode == c.SINGLE_ITEM and len(items) != 1:
        raise TransitionError(gettext("A single-item case has exactly one item."))
    if mode == c.PARTIAL_CHAIN and not any(item.issues_licence for item in items):
        raise TransitionError(gettext("A partial-chain case starts with the business licence."))
    if mode == c.FULL_CHAIN:
        chosen = {item.code for item in items}
        left_out = [item.name for item in chain_items(window) if item.code not in chosen]
        if left_out:
            raise TransitionError(gettext(
                "A full-chain case holds the whole chain; missing: %(names)s. Choose a partial "
                "chain to start with the licence and add items later.",
                names="、".join(left_out)))


def checklist(items: Iterable[ServiceItem]) -> list[MaterialReceipt]:
    """One row per distinct material of the items; "required" wins over "may be missing"."""
    rows: dict[str, MaterialReceipt] = {}
    for item in items:
        for material in item.materials:
            if material.requirement == "not_applicable":
                continue
            row = rows.get(material.name)
            if row is None:
                row = rows[material.name] = MaterialReceipt(
                    name=material.name, items=[], requirement=material.requirement,
                    state=c.MISSING, review_points=list(material.review_points or []),
                    follow_up_days=material.follow_up_days,
                    blocks_delivery=bool(material.blocks_delivery),
                )
            elif material.requirement == "required":
                row.requirement = "required"
            if material.requirement == "tolerated" and material.follow_up_days:
                # Two items tolerating the same material: the shorter allowance binds.
                row.follow_up_days = min(row.follow_up_days or material.follow_up_days,
                                         material.follow_up_days)
            row.blocks_delivery = bool(row.blocks_delivery or material.blocks_delivery)
            if item.code not in row.items:
                row.items.append(item.code)
    return list(rows.values())


def start_review(case: Case, actor: Actor, note: str = "", *,
                 now: dt.datetime | None = None) -> Case:
    """Coaching is over: the clerk checks the materials."""
    tr.check("start_review", case, actor)
    return _commit(case, actor, "start_review", {}, to_state=c.REVIEW, note=note,
                   now=now or _now())


def latest_promise(case: Case, row: MaterialReceipt, today: dt.date) -> dt.date:
    """The last date a 容缺 material may be promised for: its allowance in working days."""
    calendar = calendar_for(case.centre)
    day, days = today, row.follow_up_days or 0
    while days > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def record_materials(
    case: Case, actor: Actor, states: Mapping[str, tuple], *, now: dt.datetime | None = None,
) -> Case:
    """Mark materials received, tolerated (with a promised date), defective (需补正, with what
    is wrong) or missing, by name: ``{name: (state, promised_on[, note])}``."""
    tr.check("record_materials", case, actor)
    now = now or _now()
    today = tr.today_of(now)
    rows = memory.working_copy(case.materials)
    by_name = {row.name: row for row in rows}
    for name, value in states.items():
        state, promised_on, note = (tuple(value) + (None, None))[:3]
        row = by_name.get(name)
        if row is None:
            raise TransitionError(gettext("“%(name)s” is not on this case's list.", name=name))
        if state not in dict(c.MATERIAL_STATES):
            raise TransitionError(gettext("Unknown material state."))
        if state == c.TOLERATED:
            _check_promise(case, row, promised_on, today)
        row.state = state
        row.promised_on = promised_on if state == c.TOLERATED else None
        row.received_at = now if state == c.RECEIVED else None
        row.note = (note or "").strip()[:500] or None if state == c.DEFECTIVE else None
    return _commit(case, actor, "record_materials", {"materials": rows}, now=now)


def _check_promise(case: Case, row: MaterialReceipt, promised_on, today: dt.date) -> None:
    if row.requirement != "tolerated":
        raise TransitionError(gettext("“%(name)s” may not be missing at acceptance.",
                                      name=row.name))
    if not promised_on:
        raise TransitionError(
            gettext("Give the date by which “%(name)s” will be handed in.", name=row.name))
    latest = latest_promise(case, row, today)
    if not today <= promised_on <= latest:
        raise TransitionError(ngettext(
            "“%(name)s” must be promised between %(today)s and %(latest)s (%(num)d working "
            "day).",
            "“%(name)s” must be promised between %(today)s and %(latest)s (%(num)d working "
            "days).", row.follow_up_days or 0, name=row.name, today=today.isoformat(),
            latest=latest.isoformat()))


def missing_materials(case: Case) -> list[MaterialReceipt]:
    """Materials that block acceptance: missing, defective, or tolerated without being allowed
    to be."""
    return [
        row for row in case.materials
        if row.state in (c.MISSING, c.DEFECTIVE)
        or (row.state == c.TOLERATED and row.requirement != "tolerated")
    ]


def accept(case: Case, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Accept (受理): every required material in, or missing only 容缺 ones. Creates one
    sub-task per agency and item and sets the deadlines."""
    tr.check("accept", case, actor)
    missing = missing_materials(case)
    if missing:
        raise TransitionError(
            gettext("Cannot accept: missing %(names)s. Return the case with a one-time "
                    "notification instead.", names="、".join(row.name for row in missing))
        )
    now = now or _now()
    calendar = calendar_for(case.centre)
    items = items_by_code(case.items)
    subtasks = [_new_subtask(item, now) for item in items]
    _release_waiting(subtasks, calendar, now)
    due = case_due(case.centre, now, items)
    return _commit(
        case, actor, "accept",
        {"subtasks": subtasks, "accepted_at": now, "due_at": due, "clock_from": now,
         "notification": [], "clerk": actor.username},
        to_state=c.ACCEPTED, note=note, now=now,
    )


def return_case(case: Case, actor: Actor, note: str = "", *,
                reasons: Mapping[str, str] | None = None,
                now: dt.datetime | None = None) -> Case:
    """Return with a one-time notification (一次性告知) listing, at once, every missing or
    defective material with its own reason; each return is kept in the case's history."""
    tr.check("return", case, actor)
    now = now or _now()
    reasons = {name: (text or "").strip() for name, text in (reasons or {}).items()}
    missing = missing_materials(case)
    if not missing and not note:
        raise TransitionError(gettext("Nothing is missing: say what must be corrected."))
    named: list[c.ReturnedMaterial] = []
    for row in missing:
        problem = c.DEFECTIVE if row.state == c.DEFECTIVE else c.MISSING
        reason = reasons.get(row.name) or (row.note if problem == c.DEFECTIVE else "")
        if not reason and problem == c.DEFECTIVE:
            raise TransitionError(gettext("Say what must be corrected in “%(name)s”.",
                                          name=row.name))
        if not reason:
            with record_language():
                reason = gettext("Not handed in")
        named.append(c.ReturnedMaterial(name=row.name, problem=problem, reason=reason[:500]))
    record = c.ReturnRecord(at=now, clerk=actor.username, materials=named,
                            note=(note or "").strip() or None)
    notification = [f"{row.name}：{row.reason}" for row in named]
    if note:
        notification.append(note)
    return _commit(case, actor, "return",
                   {"notification": notification, "returns": [*case.returns, record]},
                   to_state=c.RETURNED, note=note, now=now)


def resubmit(case: Case, actor: Actor, note: str = "", *,
             now: dt.datetime | None = None) -> Case:
    """The applicant came back with the corrections (补齐补正): review again."""
    tr.check("resubmit", case, actor)
    return _commit(case, actor, "resubmit", {}, to_state=c.REVIEW, note=note, now=now or _now())


def add_items(case: Case, actor: Actor, items: Iterable[ServiceItem], note: str = "", *,
              now: dt.datetime | None = None) -> Case:
    """Partial chain (分链式): more items on the same case, until delivery. After acceptance
    their sub-tasks start at once (or wait for the items they follow) and the whole-case
    deadline counts again from now."""
    tr.check("add_items", case, actor)
    new_items = [item for item in items if item.code not in case.items]
    if not new_items:
        raise TransitionError(gettext("These items are already on the case."))
    for item in new_items:
        if item.centre not in (None, case.centre):
            raise AccessDenied(gettext("This service item belongs to another service centre."))
        if isinstance(case.window, Window) and not case.window.accepts(item):
            raise TransitionError(gettext("Window %(window)s does not take “%(item)s”.",
                                          window=str(case.window), item=item.name))
    now = now or _now()
    accepted = case.state in (c.ACCEPTED, c.READY)
    materials = memory.working_copy(case.materials)
    known = {row.name: row for row in materials}
    for row in checklist(new_items):
        if row.name in known:
            known[row.name].items = [*known[row.name].items,
                                     *(code for code in row.items
                                       if code not in known[row.name].items)]
            continue
        if accepted:
            # Materials of an added item are taken in at the window when the item is added.
            row.state, row.received_at = c.RECEIVED, now
        materials.append(row)
    changes: dict[str, Any] = {"items": case.items + [item.code for item in new_items],
                               "materials": materials}
    to_state = None
    if accepted:
        calendar = calendar_for(case.centre)
        subtasks = memory.working_copy(case.subtasks) + [_new_subtask(i, now) for i in new_items]
        _release_waiting(subtasks, calendar, now)
        due = case_due(case.centre, now, new_items)
        changes.update(subtasks=subtasks, finished_at=None, clock_from=now,
                       due_at=max(due, case.due_at) if case.due_at else due)
        to_state = c.ACCEPTED
    return _commit(case, actor, "add_items", changes, to_state=to_state,
                   note=note or "、".join(item.name for item in new_items), now=now)


def items_by_code(codes: Iterable[str]) -> list[ServiceItem]:
    """The service items of ``codes``, in that order; unknown codes are refused."""
    codes = list(codes)
    if memory.current() is None:
        return _load_items(codes)
    # A run reads each item once (and its agency with it), whatever the mix of items.
    return [memory.cached(("item", code), lambda code=code: _load_items([code])[0])
            for code in codes]


def _load_items(codes: list[str]) -> list[ServiceItem]:
    found = {item.code: item for item in ServiceItem.objects(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise TransitionError(gettext("Unknown service item: %(codes)s", codes=", ".join(missing)))
    return [found[code] for code in codes]


def _new_subtask(item: ServiceItem, now: dt.datetime) -> SubTask:
    """A sub-task that waits; :func:`_release_waiting` starts its clock when it may start."""
    return SubTask(
        key=_new_key(), agency=item.agency.code, agency_name=item.agency.name,
        item=item.code, item_name=item.name, status=c.WAITING, created_at=now,
        limit=item.promised_limit, limit_unit=item.promised_unit,
        after=list(item.after_items or []), consolidates=bool(item.consolidates),
        result_fields=list(item.result_fields or []), warning_percent=item.warning_percent,
    )


def _new_key() -> str:
    """A sub-task's key: random, or drawn from a memory run's seed (reproducible history)."""
    memory_run = memory.current()
    return memory_run.key() if memory_run is not None else uuid.uuid4().hex[:12]


def _release_waiting(subtasks: list[SubTask], calendar, now: dt.datetime) -> list[SubTask]:
    """Start every waiting sub-task whose earlier items (those on the case) are all done: its
    deadline counts from now. Returns the sub-tasks started."""
    started = []
    for task in subtasks:
        if task.status != c.WAITING:
            continue
        before = [t for t in subtasks if t.item in (task.after or []) and t.key != task.key]
        if all(t.status == c.DONE for t in before):
            task.status, task.ready_at = c.PENDING, now
            task.deadline = calendar.add(now, task.limit or 1, task.limit_unit or WORKING_DAYS)
            started.append(task)
    return started


# --- the agencies' sub-tasks ----------------------------------------------------------------

def _change_subtask(case, actor, key, action, mutate, *, note="", now=None) -> Case:
    now = now or _now()
    tr.check(action, case, actor, case.subtask(key))
    calendar = calendar_for(case.centre)
    subtasks = memory.working_copy(case.subtasks)
    task = next(task for task in subtasks if task.key == key)
    extra = mutate(task, now) or {}
    changes: dict[str, Any] = {"subtasks": subtasks, **extra}
    events = [
        TimelineEvent(at=now, actor=actor.username, action="subtask_ready", subtask=t.key,
                      from_state=case.state, to_state=case.state, note=t.item_name)
        for t in _release_waiting(subtasks, calendar, now)
    ]
    changes.update(_case_clock(case, subtasks, calendar, now))
    to_state = None
    if all(t.status in (c.DONE, c.DROPPED) for t in subtasks) and any(
        t.status == c.DONE for t in subtasks
    ):
        to_state, changes["finished_at"] = c.READY, now
    return _commit(case, actor, action, changes, to_state=to_state, subtask=key, note=note,
                   now=now, events=events)


def _case_clock(case: Case, subtasks: list[SubTask], calendar, now: dt.datetime) -> dict:
    """The whole-case clock stops while every open sub-task is paused for the applicant (补正)
    or waits behind one that is; when it runs again the case's deadline moves by the pause."""
    working = [t for t in subtasks if t.status in (c.PENDING, c.IN_PROGRESS)]
    paused = [t for t in subtasks if t.status == c.SUPPLEMENT]
    should_pause = bool(paused) and not working
    pauses = memory.working_copy(case.clock_pauses)
    if should_pause and not case.clock_paused:
        with record_language():
            reason = gettext("Every open sub-task waits for the applicant (补正).")
        pauses.append(Pause(started_at=now, reason=reason))
        return {"clock_pauses": pauses}
    if not should_pause and case.clock_paused:
        pauses[-1].ended_at = now
        stopped = calendar.open_minutes_between(pauses[-1].started_at, now)
        changes: dict[str, Any] = {"clock_pauses": pauses}
        if case.due_at and stopped:
            changes["due_at"] = calendar.add(case.due_at, stopped, MINUTES)
        return changes
    return {}


def start_subtask(case: Case, actor: Actor, key: str, *, now: dt.datetime | None = None) -> Case:
    def mutate(task, now):
        task.status, task.started_at, task.assignee = c.IN_PROGRESS, now, actor.username
    return _change_subtask(case, actor, key, "start_subtask", mutate, now=now)


def request_supplement(case: Case, actor: Actor, key: str, reason: str, *,
                       now: dt.datetime | None = None) -> Case:
    """The agency asks for a supplement (补正): the sub-task's clock stops."""
    reason = _text(reason)
    if not reason:
        raise TransitionError(gettext("Say what the applicant must supply."))

    def mutate(task, now):
        task.status = c.SUPPLEMENT
        task.pauses.append(Pause(started_at=now, reason=reason))
    return _change_subtask(case, actor, key, "request_supplement", mutate, note=reason, now=now)


def record_supplement(case: Case, actor: Actor, key: str, note: str = "", *,
                      now: dt.datetime | None = None) -> Case:
    """The supplement is in: the clock runs again and the deadline moves by the pause."""
    calendar = calendar_for(case.centre)

    def mutate(task, now):
        pause = task.pauses[-1]
        pause.ended_at = now
        paused = calendar.open_minutes_between(pause.started_at, now)
        if task.deadline and paused:
            task.deadline = calendar.add(task.deadline, paused, MINUTES)
        task.status = c.IN_PROGRESS
    return _change_subtask(case, actor, key, "record_supplement", mutate, note=note, now=now)


def complete_subtask(case: Case, actor: Actor, key: str, results: Mapping[str, Any],
                     note: str = "", *, now: dt.datetime | None = None) -> Case:
    """Record the agency's results (办结): every result its item declares, checked; the credit
    code lands on the case; the case is ready when every sub-task is done."""
    task = case.subtask(key)
    tr.check("complete_subtask", case, actor, task)
    try:
        cleaned = r.clean_results(task.result_fields or [], results)
    except ValueError as error:
        raise TransitionError(str(error)) from error

    def mutate(task, now):
        for name, value in cleaned.items():
            setattr(task, name, value)
        if task.seals:
            task.seal_count = len(task.seals)
        task.status, task.finished_at = c.DONE, now
        task.assignee = task.assignee or actor.username
        if cleaned.get("credit_code"):
            return {"credit_code": cleaned["credit_code"]}
        return None
    return _change_subtask(case, actor, key, "complete_subtask", mutate, note=note, now=now)


def reject_subtask(case: Case, actor: Actor, key: str, reason: str, *,
                   returned: bool = False, now: dt.datetime | None = None) -> Case:
    """The agency refuses (or sends back) its part; the window decides what happens next."""
    reason = _text(reason)
    if not reason:
        raise TransitionError(gettext("Give the reason."))
    status = c.TASK_RETURNED if returned else c.TASK_REJECTED

    def mutate(task, now):
        task.status, task.reason, task.finished_at = status, reason, now
    return _change_subtask(case, actor, key, "return_subtask" if returned else "reject_subtask",
                           mutate, note=reason, now=now)


def drop_item(case: Case, actor: Actor, key: str, note: str = "", *,
              now: dt.datetime | None = None) -> Case:
    """The clerk's decision on a rejected or returned sub-task: drop that item, go on. Items
    waiting for it are dropped with it (a seal cannot follow a licence that will not come)."""
    tr.check("drop_item", case, actor, case.subtask(key))
    now = now or _now()
    subtasks = memory.working_copy(case.subtasks)
    dropped = {next(t for t in subtasks if t.key == key).item}
    for task in subtasks:
        if task.key == key:
            task.status = c.DROPPED
    changed = True
    while changed:
        changed = False
        for task in subtasks:
            if task.status == c.WAITING and dropped & set(task.after or []):
                task.status, task.reason = c.DROPPED, note or None
                dropped.add(task.item)
                changed = True
    changes: dict[str, Any] = {"subtasks": subtasks}
    changes.update(_case_clock(case, subtasks, calendar_for(case.centre), now))
    to_state = None
    if all(t.status in (c.DONE, c.DROPPED) for t in subtasks):
        to_state = c.READY if any(t.status == c.DONE for t in subtasks) else c.REJECTED
        changes["finished_at"] = now
        if to_state == c.REJECTED:
            # Nothing is left to deliver: the case ends as rejected, with why.
            changes["outcome"] = _text(note) or next(
                (t.reason[:1000] for t in subtasks if t.key == key and t.reason), None)
    return _commit(case, actor, "drop_item", changes, to_state=to_state, subtask=key, note=note,
                   now=now)


def close_rejected(case: Case, actor: Actor, reason: str, *,
                   now: dt.datetime | None = None) -> Case:
    """The clerk's other decision: close the whole case as rejected."""
    tr.check("close_rejected", case, actor)
    return _end(case, actor, "close_rejected", c.REJECTED, reason, now or _now())


# --- delivery, follow-up, withdrawal -------------------------------------------------------

def delivery_checklist(case: Case) -> list[str]:
    """What goes into the gift pack (大礼包): one line per done sub-task with its results."""
    return [r.describe(task) for task in case.subtasks if task.status == c.DONE]


def withheld_by(case: Case, today: dt.date) -> list[MaterialReceipt]:
    """容缺 materials that hold back delivery: marked so, not received, and missing or overdue."""
    return [
        row for row in case.materials
        if row.blocks_delivery and row.state != c.RECEIVED
        and (row.state != c.TOLERATED or (row.promised_on and row.promised_on < today))
    ]


def deliver(case: Case, actor: Actor, *, results: list[str] | None = None, recipient: str = "",
            tracking_number: str = "", method: str | None = None,
            now: dt.datetime | None = None) -> Case:
    """Unified delivery (统一出件): the gift pack built from the sub-tasks' results (plus any
    extra ``results`` lines such as a policy pack), collected at the window or mailed. Refused
    while a material that holds back a result is overdue or missing."""
    tr.check("deliver", case, actor)
    now = now or _now()
    withheld = withheld_by(case, tr.today_of(now))
    if withheld:
        raise TransitionError(gettext(
            "Cannot deliver: “%(names)s” is overdue or missing, and the result waits for it.",
            names="、".join(row.name for row in withheld)))
    method = method or case.delivery_method
    recipient, tracking_number = _text(recipient), _text(tracking_number)
    if method == "mail" and not tracking_number:
        raise TransitionError(gettext("A mailed delivery needs its tracking number."))
    if method == "window" and not recipient:
        raise TransitionError(gettext("Say who collected the results."))
    with record_language():
        handed = delivery_checklist(case)
    handed += [line for line in results or [] if line.strip()]
    handover = c.Handover(method=method, results=handed, recipient=recipient or None,
                          tracking_number=tracking_number or None, at=now)
    return _commit(case, actor, "deliver", {"handover": handover}, to_state=c.DELIVERED,
                   note="、".join(handed), now=now)


def close(case: Case, actor: Actor, *, method: str, note: str, rating: int,
          now: dt.datetime | None = None) -> Case:
    """Follow-up (回访) done: the case is closed with the applicant's rating. A 容缺 material
    still outstanding is named in the timeline, not silently forgotten."""
    tr.check("close", case, actor)
    note = _text(note)
    if not note:
        raise TransitionError(gettext("Write down what the follow-up found."))
    now = now or _now()
    outstanding = [row.name for row in case.materials if row.state == c.TOLERATED]
    event_note = note
    if outstanding:
        with record_language():
            event_note += "；" + gettext("closed with tolerated materials outstanding: %(names)s",
                                         names="、".join(outstanding))
    follow_up = c.FollowUp(method=method, note=note, rating=rating, at=now)
    return _commit(case, actor, "close", {"follow_up": follow_up}, to_state=c.CLOSED,
                   note=event_note, now=now)


def withdraw(case: Case, actor: Actor, reason: str, *, now: dt.datetime | None = None) -> Case:
    """The applicant withdraws, possible until delivery."""
    tr.check("withdraw", case, actor)
    return _end(case, actor, "withdraw", c.WITHDRAWN, reason, now or _now())


def _end(case: Case, actor: Actor, action: str, state: str, reason: str,
         now: dt.datetime) -> Case:
    """End the case early with a reason; every sub-task still open is dropped."""
    reason = _text(reason)
    if not reason:
        raise TransitionError(gettext("Give the reason."))
    subtasks = memory.working_copy(case.subtasks)
    for task in subtasks:
        if task.is_open:
            task.status = c.DROPPED
    changes = {"subtasks": subtasks, "outcome": reason, "finished_at": now,
               **_case_clock(case, subtasks, calendar_for(case.centre), now)}
    return _commit(case, actor, action, changes, to_state=state, note=reason, now=now)


def receive_tolerated(case: Case, actor: Actor, name: str, *,
                      now: dt.datetime | None = None) -> Case:
    """A 容缺 material promised at acceptance has now been handed in."""
    tr.check("receive_tolerated", case, actor)
    rows = memory.working_copy(case.materials)
    row = next((r for r in rows if r.name == name and r.state == c.TOLERATED), None)
    if row is None:
        raise TransitionError(gettext("“%(name)s” is not outstanding on this case.", name=name))
    now = now or _now()
    row.state, row.received_at = c.RECEIVED, now
    return _commit(case, actor, "receive_tolerated", {"materials": rows}, note=name, now=now)


# --- what each reader sees ------------------------------------------------------------------

def sees_in_full(case: Case, task: SubTask, actor: Actor) -> bool:
    """Whether ``actor`` sees ``task``'s results and reasons. An approver sees their own
    agency's sub-tasks in full (and, at a consolidation step, the ones it consolidates); of
    other agencies only agency, status and deadline."""
    if actor.is_admin or APPROVER not in actor.roles:
        return True
    if task.agency == actor.agency:
        return True
    return any(t.consolidates and t.agency == actor.agency and task.item in (t.after or [])
               for t in case.subtasks)


def local_day(moment: dt.datetime) -> dt.date:
    """The China date of a naive-UTC moment."""
    return _to_china(moment).date()
