"""The case's state machine: the only code that changes a case's state, its sub-tasks or its
timeline. Screens, the agency API and the CLI call these functions and never set fields.

Every transition checks who acts (centre, role, agency), checks the case's state, validates the
result, and then writes it as ONE atomic update guarded by the case's version: if anybody changed
the case since it was read, nothing is written and :class:`StaleCaseError` says who and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import copy
from dataclasses import dataclass, field
import datetime as dt
from typing import Any
import uuid

from flask_babel import gettext
from mongoengine import ValidationError

from models import case as c
from models.case import Case, MaterialReceipt, Pause, SubTask, TimelineEvent
from models.case_numbers import next_case_number
from models.deadlines import calendar_for, case_limit
from models.item import ServiceItem
from models.signals import case_changed
from models.window import Window
from models.workdays import MINUTES

ADMIN, CENTRE_ADMIN, CLERK, APPROVER = "Admin", "CentreAdmin", "Clerk", "Approver"

# Which roles may take each case-level action (the approvers' sub-task actions are separate).
WINDOW_ROLES = frozenset({ADMIN, CLERK})
RESULT_FIELDS = (
    "licence_number", "seals", "seal_count", "invoice_count", "ukey_serial", "bank_name",
    "account_number", "registration_number", "remarks",
)


class TransitionError(ValueError):
    """A refused action; the message is translated and meant for the user."""


class AccessDenied(TransitionError):
    """The actor's centre, role or agency does not allow the action."""


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


# --- guards ---------------------------------------------------------------------------------

def _require_centre(case: Case, actor: Actor) -> None:
    if actor.centre is not None and actor.centre != case.centre:
        raise AccessDenied(gettext("This case belongs to another service centre."))


def _require_window_role(actor: Actor) -> None:
    if not WINDOW_ROLES & actor.roles:
        raise AccessDenied(gettext("Only a window clerk may do this."))


def _require_state(case: Case, *states: str) -> None:
    if case.state not in states:
        raise TransitionError(
            gettext(
                "Not possible while the case is “%(state)s”.",
                state=c.label_of(c.CASE_STATES, case.state),
            )
        )


def _subtask_for(case: Case, actor: Actor, key: str) -> SubTask:
    task = case.subtask(key)
    if task is None:
        raise TransitionError(gettext("This case has no such sub-task."))
    if actor.is_admin:
        return task
    if APPROVER not in actor.roles:
        raise AccessDenied(gettext("Only a back-office approver may work a sub-task."))
    if actor.agency != task.agency:
        raise AccessDenied(gettext("This sub-task belongs to another agency."))
    return task


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
    now: dt.datetime | None = None,
) -> Case:
    """Validate ``changes`` on a copy, then write them with the timeline event atomically."""
    now = now or _now()
    from_state = case.state
    if to_state:
        changes = {**changes, "state": to_state}
    trial = copy.deepcopy(case)
    for name, value in changes.items():
        setattr(trial, name, value)
    _refresh_derived(trial)
    try:
        trial.validate()
    except ValidationError as error:
        raise TransitionError(_validation_message(error)) from error

    event = TimelineEvent(
        at=now, actor=actor.username, action=action, from_state=from_state,
        to_state=to_state or from_state, subtask=subtask, note=note or None,
    )
    written = {name: getattr(trial, name) for name in changes}
    written["open_agencies"] = trial.open_agencies
    updates = {f"set__{name}": value for name, value in written.items()}
    matched = Case.objects(id=case.id, version=case.version).update_one(
        push__timeline=event, inc__version=1, set__changed_by=actor.username,
        set__changed_at=now, **updates,
    )
    if not matched:
        _raise_stale(case)
    for name, value in written.items():
        setattr(case, name, value)
    case.timeline.append(event)
    case.version += 1
    case.changed_by, case.changed_at = actor.username, now
    case_changed.send(case, actor=actor, action=action, event=event, now=now)
    return case


def _raise_stale(case: Case) -> None:
    current = Case.objects(id=case.id).only("changed_by", "changed_at", "version").first()
    if current is None:
        raise TransitionError(gettext("This case no longer exists."))
    when = c.format_local(current.changed_at)
    raise StaleCaseError(
        gettext(
            "This case was changed by %(user)s at %(time)s. Reload it and try again.",
            user=current.changed_by or "?", time=when,
        )
    )


def _refresh_derived(case: Case) -> None:
    case.open_agencies = sorted({task.agency for task in case.subtasks if task.is_open})
    case.address_key = c.address_key(case.address)


def _validation_message(error: ValidationError) -> str:
    if error.errors:
        return "; ".join(f"{name}: {err}" for name, err in sorted(error.to_dict().items()))
    return str(error.message)


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
    if mode == c.SINGLE_ITEM and len(items) != 1:
        raise TransitionError(gettext("A single-item case has exactly one item."))
    for item in items:
        if item.centre not in (None, window.centre):
            raise AccessDenied(gettext("This service item belongs to another service centre."))
        if not window.accepts(item):
            raise TransitionError(gettext("Window %(window)s does not take “%(item)s”.",
                                          window=window.code, item=item.name))
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
        raise TransitionError(_validation_message(error)) from error
    case.number = next_case_number(window.centre, now)
    case.save(validate=False)
    case_changed.send(case, actor=actor, action="open", event=case.timeline[0], now=now)
    return case


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
                )
            elif material.requirement == "required":
                row.requirement = "required"
            if item.code not in row.items:
                row.items.append(item.code)
    return list(rows.values())


def start_review(case: Case, actor: Actor, note: str = "") -> Case:
    """Coaching is over: the clerk checks the materials."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.COACHING)
    return _commit(case, actor, "start_review", {}, to_state=c.REVIEW, note=note)


def record_materials(
    case: Case, actor: Actor, states: Mapping[str, tuple[str, dt.date | None]]
) -> Case:
    """Mark materials received, tolerated (with a promised date) or missing, by name."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.COACHING, c.REVIEW, c.RETURNED)
    rows = copy.deepcopy(case.materials)
    by_name = {row.name: row for row in rows}
    now = _now()
    for name, (state, promised_on) in states.items():
        row = by_name.get(name)
        if row is None:
            raise TransitionError(gettext("“%(name)s” is not on this case's list.", name=name))
        if state == c.TOLERATED:
            if row.requirement != "tolerated":
                raise TransitionError(
                    gettext("“%(name)s” may not be missing at acceptance.", name=name)
                )
            if not promised_on:
                raise TransitionError(
                    gettext("Give the date by which “%(name)s” will be handed in.", name=name)
                )
        row.state = state
        row.promised_on = promised_on if state == c.TOLERATED else None
        row.received_at = now if state == c.RECEIVED else None
    return _commit(case, actor, "record_materials", {"materials": rows}, now=now)


def missing_materials(case: Case) -> list[MaterialReceipt]:
    """Materials that block acceptance: missing, or tolerated without being allowed to be."""
    return [
        row for row in case.materials
        if row.state == c.MISSING or (row.state == c.TOLERATED and row.requirement != "tolerated")
    ]


def accept(case: Case, actor: Actor, note: str = "", now: dt.datetime | None = None) -> Case:
    """Accept (受理): every required material in, or missing only 容缺 ones. Creates one
    sub-task per agency and item and sets the deadlines."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.REVIEW)
    missing = missing_materials(case)
    if missing:
        raise TransitionError(
            gettext("Cannot accept: missing %(names)s. Return the case with a one-time "
                    "notification instead.", names="、".join(row.name for row in missing))
        )
    now = now or _now()
    calendar = calendar_for(case.centre)
    items = _items_by_code(case.items)
    subtasks = [_new_subtask(item, calendar, now) for item in items]
    amount, unit = case_limit(case.centre)
    due = calendar.add(now, amount, unit)
    return _commit(
        case, actor, "accept",
        {"subtasks": subtasks, "accepted_at": now, "due_at": due, "notification": [],
         "clerk": actor.username},
        to_state=c.ACCEPTED, note=note, now=now,
    )


def return_case(case: Case, actor: Actor, note: str = "") -> Case:
    """Return with a one-time notification (一次性告知) listing everything missing, at once."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.REVIEW)
    missing = missing_materials(case)
    if not missing and not note:
        raise TransitionError(gettext("Nothing is missing: say what must be corrected."))
    notification = [
        f"{row.name}：{'；'.join(row.review_points)}" if row.review_points else row.name
        for row in missing
    ]
    if note:
        notification.append(note)
    return _commit(case, actor, "return", {"notification": notification},
                   to_state=c.RETURNED, note=note)


def resubmit(case: Case, actor: Actor, note: str = "") -> Case:
    """The applicant came back with the corrections (补齐补正): review again."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.RETURNED)
    return _commit(case, actor, "resubmit", {}, to_state=c.REVIEW, note=note)


def add_items(case: Case, actor: Actor, items: Iterable[ServiceItem], note: str = "") -> Case:
    """Partial chain (分链式): more items on the same case after the licence."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.ACCEPTED, c.READY)
    if case.mode != c.PARTIAL_CHAIN:
        raise TransitionError(gettext("Only a partial-chain case takes more items later."))
    new_items = [item for item in items if item.code not in case.items]
    if not new_items:
        raise TransitionError(gettext("These items are already on the case."))
    for item in new_items:
        if item.centre not in (None, case.centre):
            raise AccessDenied(gettext("This service item belongs to another service centre."))
    now = _now()
    calendar = calendar_for(case.centre)
    materials = copy.deepcopy(case.materials)
    known = {row.name for row in materials}
    for row in checklist(new_items):
        if row.name not in known:
            # Materials of an added item are taken in at the window when the item is added.
            row.state, row.received_at = c.RECEIVED, now
            materials.append(row)
    subtasks = copy.deepcopy(case.subtasks) + [_new_subtask(i, calendar, now) for i in new_items]
    return _commit(
        case, actor, "add_items",
        {"items": case.items + [item.code for item in new_items], "materials": materials,
         "subtasks": subtasks, "finished_at": None},
        to_state=c.ACCEPTED, note=note or "、".join(item.name for item in new_items), now=now,
    )


def _items_by_code(codes: Iterable[str]) -> list[ServiceItem]:
    codes = list(codes)
    found = {item.code: item for item in ServiceItem.objects(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise TransitionError(gettext("Unknown service item: %(codes)s", codes=", ".join(missing)))
    return [found[code] for code in codes]


def _new_subtask(item: ServiceItem, calendar, now: dt.datetime) -> SubTask:
    return SubTask(
        key=uuid.uuid4().hex[:12], agency=item.agency.code, agency_name=item.agency.name,
        item=item.code, item_name=item.name, status=c.PENDING, created_at=now,
        deadline=calendar.add(now, item.promised_limit, item.promised_unit),
        warning_percent=item.warning_percent,
    )


# --- the agencies' sub-tasks ----------------------------------------------------------------

def _change_subtask(case, actor, key, action, allowed, mutate, note="") -> Case:
    _require_centre(case, actor)
    _require_state(case, c.ACCEPTED)
    _subtask_for(case, actor, key)
    subtasks = copy.deepcopy(case.subtasks)
    task = next(task for task in subtasks if task.key == key)
    if task.status not in allowed:
        raise TransitionError(
            gettext("Not possible while the sub-task is “%(state)s”.",
                    state=c.label_of(c.SUBTASK_STATES, task.status))
        )
    now = _now()
    mutate(task, now)
    changes: dict[str, Any] = {"subtasks": subtasks}
    to_state = None
    if all(t.status in (c.DONE, c.DROPPED) for t in subtasks) and any(
        t.status == c.DONE for t in subtasks
    ):
        to_state, changes["finished_at"] = c.READY, now
    return _commit(case, actor, action, changes, to_state=to_state, subtask=key, note=note,
                   now=now)


def start_subtask(case: Case, actor: Actor, key: str) -> Case:
    def mutate(task, now):
        task.status, task.started_at, task.assignee = c.IN_PROGRESS, now, actor.username
    return _change_subtask(case, actor, key, "start_subtask", (c.PENDING,), mutate)


def request_supplement(case: Case, actor: Actor, key: str, reason: str) -> Case:
    """The agency asks for a supplement (补正): the sub-task's clock stops."""
    if not reason:
        raise TransitionError(gettext("Say what the applicant must supply."))

    def mutate(task, now):
        task.status = c.SUPPLEMENT
        task.pauses.append(Pause(started_at=now, reason=reason))
    return _change_subtask(case, actor, key, "request_supplement", (c.PENDING, c.IN_PROGRESS),
                           mutate, note=reason)


def record_supplement(case: Case, actor: Actor, key: str, note: str = "") -> Case:
    """The supplement is in: the clock runs again and the deadline moves by the pause."""
    calendar = calendar_for(case.centre)

    def mutate(task, now):
        pause = task.pauses[-1]
        pause.ended_at = now
        paused = calendar.open_minutes_between(pause.started_at, now)
        if task.deadline and paused:
            task.deadline = calendar.add(task.deadline, paused, MINUTES)
        task.status = c.IN_PROGRESS
    return _change_subtask(case, actor, key, "record_supplement", (c.SUPPLEMENT,), mutate,
                           note=note)


def complete_subtask(case: Case, actor: Actor, key: str, results: Mapping[str, Any],
                     note: str = "") -> Case:
    """Record the agency's results; the case is ready when every sub-task is done."""
    unknown = set(results) - set(RESULT_FIELDS)
    if unknown:
        raise TransitionError(gettext("Unknown result fields: %(names)s",
                                      names=", ".join(sorted(unknown))))

    def mutate(task, now):
        for name, value in results.items():
            setattr(task, name, value)
        if task.seals and not task.seal_count:
            task.seal_count = len(task.seals)
        task.status, task.finished_at = c.DONE, now
        task.assignee = task.assignee or actor.username
    return _change_subtask(case, actor, key, "complete_subtask", (c.PENDING, c.IN_PROGRESS),
                           mutate, note=note)


def reject_subtask(case: Case, actor: Actor, key: str, reason: str, *,
                   returned: bool = False) -> Case:
    """The agency refuses (or sends back) its part; the window decides what happens next."""
    if not reason:
        raise TransitionError(gettext("Give the reason."))
    status = c.TASK_RETURNED if returned else c.TASK_REJECTED

    def mutate(task, now):
        task.status, task.reason, task.finished_at = status, reason, now
    return _change_subtask(case, actor, key, "return_subtask" if returned else "reject_subtask",
                           (c.PENDING, c.IN_PROGRESS, c.SUPPLEMENT), mutate, note=reason)


def drop_item(case: Case, actor: Actor, key: str, note: str = "") -> Case:
    """The clerk's decision on a rejected or returned sub-task: drop that item, go on."""
    _require_window_role(actor)
    _require_centre(case, actor)
    _require_state(case, c.ACCEPTED)
    subtasks = copy.deepcopy(case.subtasks)
    task = next((t for t in subtasks if t.key == key), None)
    if task is None or task.status not in (c.TASK_REJECTED, c.TASK_RETURNED):
        raise TransitionError(gettext("Only a rejected or returned sub-task can be dropped."))
    task.status = c.DROPPED
    changes: dict[str, Any] = {"subtasks": subtasks}
    to_state = None
    if all(t.status in (c.DONE, c.DROPPED) for t in subtasks):
        if any(t.status == c.DONE for t in subtasks):
            to_state, changes["finished_at"] = c.READY, _now()
        else:
            to_state, changes["finished_at"] = c.REJECTED, _now()
    return _commit(case, actor, "drop_item", changes, to_state=to_state, subtask=key, note=note)


def close_rejected(case: Case, actor: Actor, reason: str) -> Case:
    """The clerk's other decision: close the whole case as rejected."""
    _require_window_role(actor)
    _require_centre(case, actor)
    _require_state(case, c.ACCEPTED)
    if not any(t.status in (c.TASK_REJECTED, c.TASK_RETURNED) for t in case.subtasks):
        raise TransitionError(gettext("No sub-task was rejected: the case cannot be closed so."))
    return _end(case, actor, "close_rejected", c.REJECTED, reason)


# --- delivery, follow-up, withdrawal -------------------------------------------------------

def deliver(case: Case, actor: Actor, *, results: list[str], recipient: str = "",
            tracking_number: str = "", method: str | None = None) -> Case:
    """Unified delivery (统一出件): the gift pack collected at the window or mailed."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.READY)
    method = method or case.delivery_method
    if not results:
        raise TransitionError(gettext("List the results handed over."))
    if method == "mail" and not tracking_number:
        raise TransitionError(gettext("A mailed delivery needs its tracking number."))
    if method == "window" and not recipient:
        raise TransitionError(gettext("Say who collected the results."))
    now = _now()
    handover = c.Handover(method=method, results=list(results), recipient=recipient or None,
                          tracking_number=tracking_number or None, at=now)
    return _commit(case, actor, "deliver", {"handover": handover}, to_state=c.DELIVERED,
                   note="、".join(results), now=now)


def close(case: Case, actor: Actor, *, method: str, note: str, rating: int) -> Case:
    """Follow-up (回访) done: the case is closed with the applicant's rating. A 容缺 material
    still outstanding is named in the timeline, not silently forgotten."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, c.DELIVERED)
    if not note:
        raise TransitionError(gettext("Write down what the follow-up found."))
    now = _now()
    outstanding = [row.name for row in case.materials if row.state == c.TOLERATED]
    event_note = note
    if outstanding:
        event_note += "；" + gettext("closed with tolerated materials outstanding: %(names)s",
                                     names="、".join(outstanding))
    follow_up = c.FollowUp(method=method, note=note, rating=rating, at=now)
    return _commit(case, actor, "close", {"follow_up": follow_up}, to_state=c.CLOSED,
                   note=event_note, now=now)


def withdraw(case: Case, actor: Actor, reason: str) -> Case:
    """The applicant withdraws, possible until delivery."""
    _require_centre(case, actor)
    _require_window_role(actor)
    _require_state(case, *c.OPEN_STATES)
    return _end(case, actor, "withdraw", c.WITHDRAWN, reason)


def _end(case: Case, actor: Actor, action: str, state: str, reason: str) -> Case:
    """End the case early with a reason; every sub-task still open is dropped."""
    if not reason:
        raise TransitionError(gettext("Give the reason."))
    subtasks = copy.deepcopy(case.subtasks)
    for task in subtasks:
        if task.is_open:
            task.status = c.DROPPED
    return _commit(case, actor, action,
                   {"subtasks": subtasks, "outcome": reason, "finished_at": _now()},
                   to_state=state, note=reason)


def receive_tolerated(case: Case, actor: Actor, name: str) -> Case:
    """A 容缺 material promised at acceptance has now been handed in."""
    _require_centre(case, actor)
    _require_window_role(actor)
    rows = copy.deepcopy(case.materials)
    row = next((r for r in rows if r.name == name and r.state == c.TOLERATED), None)
    if row is None:
        raise TransitionError(gettext("“%(name)s” is not outstanding on this case.", name=name))
    now = _now()
    row.state, row.received_at = c.RECEIVED, now
    return _commit(case, actor, "receive_tolerated", {"materials": rows}, note=name, now=now)
