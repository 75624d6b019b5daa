"""The complaint's state machine: the only code that logs a complaint or changes its state.

One table, :data:`TRANSITIONS`, says which roles may take each action from which states; every
action checks the actor's centre and role against it, validates the result, and writes it as ONE
update guarded by the complaint's version, with an event appended to its timeline. A refused action
writes nothing. :func:`commit` is shared with the rectification tasks of :mod:`models.rating`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
from typing import Any

from flask_babel import gettext
from mongoengine import Document, ValidationError

from models import complaint as m
from models import memory
from models.case import Case, format_local
from models.case_numbers import next_number
from models.centre import ServiceCentre
from models.complaint import Complaint, ComplaintEvent
from models.deadlines import calendar_for
from models.guarded import guarded_commit, validation_message
from models.lifecycle import AccessDenied, Actor, TransitionError
from models.staff import StaffMember
from models.window import Window
from models.workdays import WORKING_DAYS, to_china, to_utc

ADMIN, CENTRE_ADMIN, CLERK = "Admin", "CentreAdmin", "Clerk"
COMPLAINT_HANDLER, SUPERVISOR = "ComplaintHandler", "Supervisor"

LOGGERS = frozenset({ADMIN, CENTRE_ADMIN, CLERK, COMPLAINT_HANDLER})
HANDLERS = frozenset({ADMIN, CENTRE_ADMIN, COMPLAINT_HANDLER})
DEFAULT_DAYS = 5
# How far back a receipt may be dated, in natural days counted on China's calendar. A complaint
# is registered when it reaches the centre; one forwarded late (a 12345 hotline transfer, a letter
# sent on by another office) arrives weeks later at most. Ninety days, a quarter (the usual
# period of the centre's effectiveness review), still lets such a complaint in while its quarter
# is reviewed; an older date is a typo (2020 for 2026) that would log a complaint overdue at once.
RECEIPT_DAYS_BACK = 90
NUMBER_SERIES = "TS"  # 投诉


class StaleRecordError(TransitionError):
    """Somebody else changed the record since it was read."""


@dataclass(frozen=True)
class Transition:
    """An action: the states it starts from, the state it leads to, who may take it."""

    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    "assign": Transition(m.OPEN_STATES, None, HANDLERS),
    "investigate": Transition((m.RECEIVED,), m.INVESTIGATING, HANDLERS),
    "resolve": Transition((m.INVESTIGATING,), m.RESOLVED, HANDLERS),
    "close": Transition((m.RESOLVED,), m.CLOSED, HANDLERS),
    "reject": Transition(m.OPEN_STATES, m.REJECTED, HANDLERS),
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def allowed_actions(complaint: Complaint, actor: Actor) -> list[str]:
    """The actions the table allows this actor on this complaint now (for the screens)."""
    if actor.centre is not None and actor.centre != complaint.centre:
        return []
    return [name for name, rule in TRANSITIONS.items()
            if complaint.state in rule.sources and rule.roles & actor.roles]


def check(record: Any, actor: Actor, action: str, table: Mapping[str, Transition],
          states: list[tuple]) -> Transition:
    """Refuse the action unless the actor's centre, role and the record's state allow it."""
    rule = table[action]
    if actor.centre is not None and actor.centre != record.centre:
        raise AccessDenied(gettext("This record belongs to another service centre."))
    if not rule.roles & actor.roles:
        raise AccessDenied(gettext("Your role may not do this."))
    if record.state not in rule.sources:
        raise TransitionError(gettext("Not possible while the record is “%(state)s”.",
                                      state=dict(states).get(record.state, record.state)))
    return rule


def commit(record: Document, actor: Actor, action: str, changes: Mapping[str, Any], *,
           to_state: str | None = None, note: str = "", now: dt.datetime) -> Document:
    """Validate ``changes`` on a copy, then write them with a timeline event in one update
    guarded by ``record.version``; a concurrent change makes it :class:`StaleRecordError`."""
    from_state = record.state
    if to_state:
        changes = {**changes, "state": to_state}
    event = ComplaintEvent(at=now, actor=actor.username, action=action, from_state=from_state,
                           to_state=to_state or from_state, note=note or None)
    guarded_commit(record, actor.username, changes, [event], now=now, stale=_stale)
    return record


def _stale(record: Document) -> StaleRecordError:
    """Who changed ``record`` since it was read, and when."""
    current = type(record).objects(id=record.id).only("changed_by", "changed_at").first()
    when = current.changed_at if current else None
    return StaleRecordError(gettext(
        "This record was changed by %(user)s at %(time)s. Reload it and try again.",
        user=(current.changed_by if current else None) or "?", time=format_local(when)))


def deadline_days(centre: str) -> int:
    """The centre's complaint time limit in working days."""
    record = ServiceCentre.objects(code=centre).only("complaint_days").first()
    return (record.complaint_days if record else None) or DEFAULT_DAYS


def earliest_receipt(now: dt.datetime) -> dt.datetime:
    """The earliest moment a complaint logged at ``now`` may be dated as received (naive UTC):
    midnight in China :data:`RECEIPT_DAYS_BACK` days before China's date at ``now``."""
    first = to_china(now).date() - dt.timedelta(days=RECEIPT_DAYS_BACK)
    return to_utc(dt.datetime.combine(first, dt.time()))


def due_after(centre: str, start: dt.datetime) -> dt.datetime:
    """The deadline: the centre's limit in working days on its calendar after ``start``."""
    return calendar_for(centre).add(start, deadline_days(centre), WORKING_DAYS)


# --- logging --------------------------------------------------------------------------------

def log_complaint(
    actor: Actor,
    *,
    centre: str,
    channel: str,
    category: str,
    description: str,
    subject: Window | StaffMember | Case,
    complainant_name: str | None = None,
    complainant_phone: str | None = None,
    anonymous: bool = False,
    received_at: dt.datetime | None = None,
    handler: str | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Log a complaint about ``subject`` (a window, staff member or case of ``centre``)."""
    if not LOGGERS & actor.roles:
        raise AccessDenied(gettext("Your role may not log a complaint."))
    if actor.centre is not None and actor.centre != centre:
        raise AccessDenied(gettext("You may log complaints only for your own centre."))
    if subject is None:
        raise TransitionError(gettext("Say what the complaint is about."))
    if getattr(subject, "centre", None) != centre:
        raise AccessDenied(gettext("The subject of a complaint must belong to the same centre."))
    now = now or _now()
    received_at = received_at or now
    if received_at > now:
        raise TransitionError(gettext("A complaint cannot be received in the future."))
    earliest = earliest_receipt(now)
    if received_at < earliest:
        raise TransitionError(gettext(
            "A complaint is logged within %(days)d days of its receipt: the date received may "
            "not be before %(date)s.", days=RECEIPT_DAYS_BACK,
            date=f"{to_china(earliest):%Y-%m-%d}"))
    if not (description or "").strip():
        raise TransitionError(gettext("Describe what the complaint is about (description)."))
    if not anonymous and not (complainant_name or "").strip():
        raise TransitionError(gettext("Give the complainant's name or mark it anonymous."))
    if anonymous:
        complainant_name = complainant_phone = None
    fields: dict[str, Any] = {}
    if isinstance(subject, Window):
        fields = {"subject_kind": m.WINDOW, "window": subject}
    elif isinstance(subject, StaffMember):
        fields = {"subject_kind": m.STAFF, "staff": subject}
    elif isinstance(subject, Case):
        fields = {"subject_kind": m.CASE, "case": subject, "window": subject.window}
    complaint = Complaint(
        number="pending", centre=centre, channel=channel, received_at=received_at,
        logged_by=actor.username, anonymous=anonymous,
        complainant_name=(complainant_name or "").strip() or None,
        complainant_phone=complainant_phone or None, category=category,
        description=(description or "").strip(), handler=handler or None,
        due_at=due_after(centre, received_at), state=m.RECEIVED,
        changed_by=actor.username, changed_at=now, **fields,
    )
    complaint.timeline = [ComplaintEvent(at=now, actor=actor.username, action="log",
                                         to_state=m.RECEIVED)]
    try:
        complaint.validate()  # before a number is taken: a refusal leaves no gap
    except ValidationError as error:
        raise TransitionError(validation_message(error)) from error
    complaint.number = next_number(centre, received_at, NUMBER_SERIES)
    memory.save(complaint, validate=False, at=received_at)
    return complaint


# --- the handler's actions ------------------------------------------------------------------

def _act(complaint: Complaint, actor: Actor, action: str, changes: Mapping[str, Any],
         note: str = "", now: dt.datetime | None = None) -> Complaint:
    rule = check(complaint, actor, action, TRANSITIONS, m.STATES)
    return commit(complaint, actor, action, changes, to_state=rule.target, note=note,
                  now=now or _now())


def assign(complaint: Complaint, actor: Actor, handler: str,
           now: dt.datetime | None = None) -> Complaint:
    """Give the complaint to a handler (by login name)."""
    check(complaint, actor, "assign", TRANSITIONS, m.STATES)
    if not (handler or "").strip():
        raise TransitionError(gettext("Name the handler."))
    return _act(complaint, actor, "assign", {"handler": handler.strip()}, note=handler, now=now)


def investigate(complaint: Complaint, actor: Actor, note: str = "",
                now: dt.datetime | None = None) -> Complaint:
    """Start investigating; the actor becomes the handler when none was named."""
    return _act(complaint, actor, "investigate",
                {"handler": complaint.handler or actor.username}, note=note, now=now)


def resolve(complaint: Complaint, actor: Actor, *, finding: str, upheld: bool | None,
            measures: str = "", now: dt.datetime | None = None) -> Complaint:
    """Record the finding, whether the complaint is upheld and, if so, the measures taken."""
    check(complaint, actor, "resolve", TRANSITIONS, m.STATES)
    if not (finding or "").strip():
        raise TransitionError(gettext("Write down the finding of the investigation."))
    if upheld is None:
        raise TransitionError(gettext("Say whether the complaint is upheld."))
    if upheld and not (measures or "").strip():
        raise TransitionError(gettext("An upheld complaint needs the measures taken."))
    now = now or _now()
    return _act(complaint, actor, "resolve",
                {"finding": finding.strip(), "upheld": bool(upheld),
                 "measures": (measures or "").strip() or None, "resolved_at": now},
                note=finding.strip(), now=now)


def close(complaint: Complaint, actor: Actor, *, informed_via: str, satisfaction: int | None,
          note: str = "", now: dt.datetime | None = None) -> Complaint:
    """The complainant was informed of the outcome (how, and how satisfied): closed.
    An anonymous complaint cannot be answered, so it closes without a method."""
    check(complaint, actor, "close", TRANSITIONS, m.STATES)
    if not complaint.finding:
        raise TransitionError(gettext("A complaint is closed only after its finding."))
    if not complaint.anonymous and not informed_via:
        raise TransitionError(gettext("Say how the complainant was informed."))
    now = now or _now()
    return _act(complaint, actor, "close",
                {"informed_via": informed_via or None, "informed_at": now,
                 "satisfaction": satisfaction or None},
                note=note, now=now)


def reject(complaint: Complaint, actor: Actor, reason: str,
           now: dt.datetime | None = None) -> Complaint:
    """Not a complaint the centre handles (or unfounded on its face): rejected with a reason."""
    check(complaint, actor, "reject", TRANSITIONS, m.STATES)
    if not (reason or "").strip():
        raise TransitionError(gettext("Give the reason for rejecting the complaint."))
    return _act(complaint, actor, "reject", {"reject_reason": reason.strip()},
                note=reason.strip(), now=now)
