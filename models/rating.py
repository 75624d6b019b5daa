"""The applicant's rating of a case (好差评) as its own record, and the rectification task
(差评整改) a dissatisfied rating opens for the complaint handlers, with its own small state
machine: open → in progress → closed, closed only with the measures taken and the applicant
called back."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from mongoengine import (
    DateTimeField,
    Document,
    IntField,
    ReferenceField,
    StringField,
    ValidationError,
)

from models import case as c
from models import memory
from models.case import Case
from models.case_numbers import next_number
from models.complaint import ComplaintEvent
from models.complaint_lifecycle import (
    HANDLERS,
    Transition,
    check,
    commit,
    due_after,
    validation_message,
)
from models.lifecycle import AccessDenied, Actor, TransitionError
from models.lists import EmbeddedDocumentListField
from models.signals import case_changed
from models.staff import StaffMember
from models.window import Window

RATINGS = [
    (5, _l("Very satisfied")), (4, _l("Satisfied")), (3, _l("Fair")),
    (2, _l("Dissatisfied")), (1, _l("Very dissatisfied")),
]
log = logging.getLogger(__name__)

DISSATISFIED = 2  # this score or lower opens a rectification
RATEABLE_STATES = (c.DELIVERED, c.CLOSED)
RATERS = frozenset({"Admin", "CentreAdmin", "Clerk"})
SOURCES = [("screen", _l("Rating screen")), ("follow_up", _l("Follow-up at closing"))]

OPEN, IN_PROGRESS, DONE = "open", "in_progress", "closed"
RECTIFICATION_STATES = [
    (OPEN, _l("Open")), (IN_PROGRESS, _l("In progress")), (DONE, _l("Closed")),
]
RECTIFICATION_TRANSITIONS: dict[str, Transition] = {
    "start": Transition((OPEN,), IN_PROGRESS, HANDLERS),
    "close": Transition((OPEN, IN_PROGRESS), DONE, HANDLERS),
}
RECTIFICATION_ACTIONS = [
    ("open", _l("Opened by a dissatisfied rating")),
    ("start", _l("Rectification started")),
    ("close", _l("Measures taken, applicant called back")),
]


class Rating(Document):
    """One applicant's rating of one case."""

    centre = StringField(required=True, verbose_name=_l("Centre"))
    case = ReferenceField(Case, required=True, verbose_name=_l("Case"))
    case_number = StringField(required=True, verbose_name=_l("Case number"))
    window = ReferenceField(Window, verbose_name=_l("Window"))
    staff = ReferenceField(StaffMember, verbose_name=_l("Accepting clerk"))
    score = IntField(required=True, choices=RATINGS, verbose_name=_l("Rating"))
    comment = StringField(max_length=2000, verbose_name=_l("Comment"))
    source = StringField(choices=SOURCES, default="screen", verbose_name=_l("Recorded on"))
    rated_at = DateTimeField(required=True, verbose_name=_l("Rated at"))
    recorded_by = StringField(verbose_name=_l("Recorded by"))

    meta = {
        "collection": "ratings",
        "indexes": [
            {"fields": ["centre", "case"], "unique": True},
            ("centre", "rated_at"),
            ("centre", "window", "rated_at"),
            ("centre", "staff", "rated_at"),
        ],
        "ordering": ["-rated_at"],
    }

    @property
    def dissatisfied(self) -> bool:
        return self.score <= DISSATISFIED

    def __str__(self) -> str:
        return f"{self.case_number} {dict(RATINGS).get(self.score, self.score)}"


class Rectification(Document):
    """A dissatisfied rating to put right (差评整改)."""

    number = StringField(required=True, verbose_name=_l("Rectification number"))
    centre = StringField(required=True, verbose_name=_l("Centre"))
    rating = ReferenceField(Rating, required=True, verbose_name=_l("Rating"))
    case = ReferenceField(Case, verbose_name=_l("Case"))
    case_number = StringField(verbose_name=_l("Case number"))
    window = ReferenceField(Window, verbose_name=_l("Window"))
    staff = ReferenceField(StaffMember, verbose_name=_l("Accepting clerk"))
    state = StringField(required=True, choices=RECTIFICATION_STATES, default=OPEN,
                        verbose_name=_l("State"))
    opened_at = DateTimeField(required=True, verbose_name=_l("Opened at"))
    due_at = DateTimeField(required=True, verbose_name=_l("Deadline"))
    handler = StringField(verbose_name=_l("Handler"))
    measures = StringField(max_length=4000, verbose_name=_l("Measures taken"))
    callback_at = DateTimeField(verbose_name=_l("Applicant called back at"))
    callback_note = StringField(max_length=2000, verbose_name=_l("What the applicant said"))
    timeline = EmbeddedDocumentListField(ComplaintEvent, verbose_name=_l("Timeline"))
    version = IntField(required=True, default=0)
    changed_by = StringField()
    changed_at = DateTimeField()

    meta = {
        "collection": "rectifications",
        "indexes": [
            {"fields": ["centre", "number"], "unique": True},
            ("centre", "state", "due_at"),
            {"fields": ["rating"], "unique": True},
        ],
        "ordering": ["due_at"],
    }

    @property
    def is_open(self) -> bool:
        return self.state != DONE

    def __str__(self) -> str:
        return self.number or ""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def clerk_staff(case: Case) -> StaffMember | None:
    """The staff member whose login accepted the case, when that login is linked to one."""
    if not case.clerk:
        return None
    return memory.cached(
        ("staff", case.clerk, case.centre),
        lambda: StaffMember.objects(username=case.clerk, centre=case.centre).first())


def rating_of(case: Case | None) -> Rating | None:
    """The case's rating, if one was recorded (for the case page)."""
    if case is None or not case.pk:
        return None
    memory_run = memory.current()
    if memory_run is not None and memory_run.holds(case):  # only this run knows the case
        return memory_run.keyed.get(("rating", case.pk))
    return Rating.objects(centre=case.centre, case=case).first()


def rate_case(case: Case, actor: Actor, *, score: int, comment: str = "",
              source: str = "screen", now: dt.datetime | None = None) -> Rating:
    """Record the applicant's rating of a delivered or closed case of the actor's centre; a
    dissatisfied one opens a rectification task. A case is rated once."""
    if source == "screen" and not RATERS & actor.roles:
        raise AccessDenied(gettext("Only a window clerk records a rating."))
    if actor.centre is not None and actor.centre != case.centre:
        raise AccessDenied(gettext("This case belongs to another service centre."))
    if case.state not in RATEABLE_STATES:
        raise TransitionError(gettext("Only a delivered or closed case can be rated."))
    if score not in dict(RATINGS):
        raise TransitionError(gettext("Choose a rating."))
    if rating_of(case):
        raise TransitionError(gettext("This case has already been rated."))
    now = now or _now()
    rating = Rating(centre=case.centre, case=case, case_number=case.number, window=case.window,
                    staff=clerk_staff(case), score=score, comment=(comment or "").strip() or None,
                    source=source, rated_at=now, recorded_by=actor.username)
    try:
        rating.validate()
    except ValidationError as error:
        raise TransitionError(validation_message(error)) from error
    memory.save(rating, validate=False, key=("rating", case.pk), at=now)
    if rating.dissatisfied:
        open_rectification(rating, actor, now=now)
    return rating


def open_rectification(rating: Rating, actor: Actor, now: dt.datetime) -> Rectification:
    """A rectification task for the complaint handlers, due within the complaint limit."""
    task = Rectification(
        number=next_number(rating.centre, now, "ZG"), centre=rating.centre, rating=rating,
        case=rating.case, case_number=rating.case_number, window=rating.window,
        staff=rating.staff, state=OPEN, opened_at=now, due_at=due_after(rating.centre, now),
        changed_by=actor.username, changed_at=now,
        timeline=[ComplaintEvent(at=now, actor=actor.username, action="open", to_state=OPEN,
                                 note=rating.comment)],
    )
    memory.save(task, at=now)
    return task


def start_rectification(task: Rectification, actor: Actor,
                        now: dt.datetime | None = None) -> Rectification:
    """A handler takes the task."""
    rule = check(task, actor, "start", RECTIFICATION_TRANSITIONS, RECTIFICATION_STATES)
    return commit(task, actor, "start", {"handler": task.handler or actor.username},
                  to_state=rule.target, now=now or _now())


def close_rectification(task: Rectification, actor: Actor, *, measures: str,
                        callback_note: str, called_back_at: dt.datetime | None = None,
                        now: dt.datetime | None = None) -> Rectification:
    """Closed only with the measures taken and the applicant called back."""
    rule = check(task, actor, "close", RECTIFICATION_TRANSITIONS, RECTIFICATION_STATES)
    if not (measures or "").strip():
        raise TransitionError(gettext("Write down the measures taken."))
    if not (callback_note or "").strip():
        raise TransitionError(gettext("Call the applicant back and note what they said."))
    now = now or _now()
    changes: dict[str, Any] = {
        "measures": measures.strip(), "callback_note": callback_note.strip(),
        "callback_at": called_back_at or now, "handler": task.handler or actor.username,
    }
    return commit(task, actor, "close", changes, to_state=rule.target,
                  note=measures.strip(), now=now)


@case_changed.connect
def rating_from_follow_up(case: Case, *, actor: Actor, action: str, now: dt.datetime,
                           **_: Any) -> None:
    """The rating typed at closing (``case.follow_up.rating``) becomes a Rating record."""
    if action != "close":
        return
    follow_up = getattr(case, "follow_up", None)
    score = getattr(follow_up, "rating", None)
    if not score or rating_of(case):
        return
    try:
        rate_case(case, actor, score=int(score), comment=getattr(follow_up, "note", "") or "",
                  source="follow_up", now=now)
    except TransitionError:
        # The case is closed already; a rating that cannot be kept must not undo that.
        log.exception("rating of case %s from its follow-up not kept", case.number)
