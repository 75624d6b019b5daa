"""The case (办件): one applicant's set of materials taken in at one window, the agencies' sub-tasks
worked in parallel behind it, and an append-only timeline. Only :mod:`models.lifecycle` changes a
case's state; everything here describes it."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    Document,
    EmbeddedDocumentField,
    IntField,
    ReferenceField,
    StringField,
)

from models.embedded import PlainEmbedded
from models.fields import CreditCodeField, IdNumberField, PhoneField
from models.lists import EmbeddedDocumentListField, ListField
from models.name_search import name_grams
from models.window import Window

# --- states and choices ---------------------------------------------------------------------
COACHING, REVIEW, RETURNED, ACCEPTED, READY = "coaching", "review", "returned", "accepted", "ready"
DELIVERED, CLOSED, WITHDRAWN, REJECTED = "delivered", "closed", "withdrawn", "rejected"
CASE_STATES = [
    (COACHING, _l("Coaching")),
    (REVIEW, _l("Window review")),
    (RETURNED, _l("Returned for correction")),
    (ACCEPTED, _l("Accepted, in processing")),
    (READY, _l("Ready for delivery")),
    (DELIVERED, _l("Delivered")),
    (CLOSED, _l("Closed")),
    (WITHDRAWN, _l("Withdrawn")),
    (REJECTED, _l("Closed as rejected")),
]
OPEN_STATES = (COACHING, REVIEW, RETURNED, ACCEPTED, READY)
FINAL_STATES = (CLOSED, WITHDRAWN, REJECTED)
# Ended without delivery: the applicant owes nothing any more (no late 容缺 material).
ENDED_UNDELIVERED = (WITHDRAWN, REJECTED)

FULL_CHAIN, PARTIAL_CHAIN, SINGLE_ITEM = "full_chain", "partial_chain", "single_item"
CASE_MODES = [
    (FULL_CHAIN, _l("Full chain (all items at once)")),
    (PARTIAL_CHAIN, _l("Partial chain (licence first, more items later)")),
    (SINGLE_ITEM, _l("Single item")),
]
CHANNELS = [
    ("window", _l("At the window")),
    ("online", _l("Online")),
    ("bank", _l("Via a bank branch")),
]
DELIVERY_METHODS = [("window", _l("Collect at the window")), ("mail", _l("Free mail delivery"))]

RECEIVED, TOLERATED, MISSING, DEFECTIVE = "received", "tolerated", "missing", "defective"
MATERIAL_STATES = [
    (RECEIVED, _l("Received")),
    (TOLERATED, _l("Missing, tolerated (容缺)")),
    (MISSING, _l("Missing")),
    (DEFECTIVE, _l("Handed in, needs correction (需补正)")),
]

PENDING, IN_PROGRESS, SUPPLEMENT, DONE = "pending", "in_progress", "supplement", "done"
TASK_REJECTED, TASK_RETURNED, DROPPED = "rejected", "returned", "dropped"
WAITING = "waiting"
SUBTASK_STATES = [
    (WAITING, _l("Waiting for earlier items")),
    (PENDING, _l("Pending")),
    (IN_PROGRESS, _l("In progress")),
    (SUPPLEMENT, _l("Waiting for a supplement (补正)")),
    (DONE, _l("Done")),
    (TASK_REJECTED, _l("Rejected")),
    (TASK_RETURNED, _l("Returned")),
    (DROPPED, _l("Dropped by the window")),
]
OPEN_SUBTASK_STATES = (WAITING, PENDING, IN_PROGRESS, SUPPLEMENT)
# Open sub-tasks whose clock runs: a waiting one has none yet, a 补正 one is paused.
RUNNING_SUBTASK_STATES = (PENDING, IN_PROGRESS)

NORMAL, WARNING, OVERDUE = "normal", "warning", "overdue"
DEADLINE_STATES = [(NORMAL, _l("Normal")), (WARNING, _l("Warning")), (OVERDUE, _l("Overdue"))]

# What each timeline action is called on screen.
TIMELINE_ACTIONS = [
    ("open", _l("Case opened")),
    ("start_review", _l("Window review started")),
    ("record_materials", _l("Materials recorded")),
    ("accept", _l("Accepted")),
    ("return", _l("Returned with a one-time notification")),
    ("resubmit", _l("Corrections handed in")),
    ("add_items", _l("Items added")),
    ("start_subtask", _l("Sub-task started")),
    ("request_supplement", _l("Supplement requested (clock paused)")),
    ("record_supplement", _l("Supplement received (clock running)")),
    ("complete_subtask", _l("Sub-task done")),
    ("subtask_ready", _l("Sub-task may start (earlier items done)")),
    ("reject_subtask", _l("Sub-task rejected")),
    ("return_subtask", _l("Sub-task returned")),
    ("drop_item", _l("Item dropped")),
    ("close_rejected", _l("Closed as rejected")),
    ("deliver", _l("Delivered")),
    ("close", _l("Closed after follow-up")),
    ("withdraw", _l("Withdrawn")),
    ("receive_tolerated", _l("Tolerated material handed in")),
]

FOLLOW_UP_METHODS = [("call", _l("Telephone call")), ("visit", _l("Visit"))]
RATINGS = [
    (5, _l("Very satisfied")), (4, _l("Satisfied")), (3, _l("Fair")),
    (2, _l("Dissatisfied")), (1, _l("Very dissatisfied")),
]


class MaterialReceipt(PlainEmbedded):
    """One material the applicant hands in, shared by every chosen item that needs it."""

    name = StringField(required=True, max_length=200, verbose_name=_l("Material"))
    items = ListField(StringField(), verbose_name=_l("Needed by items"))
    requirement = StringField(default="required", verbose_name=_l("Requirement"))
    state = StringField(required=True, choices=MATERIAL_STATES, default=MISSING,
                        verbose_name=_l("State"))
    promised_on = DateField(verbose_name=_l("Promised by"))
    received_at = DateTimeField(verbose_name=_l("Received at"))
    review_points = ListField(StringField(), verbose_name=_l("Review points"))
    note = StringField(max_length=500, verbose_name=_l("Note"))
    # Copied from the item's list: the 容缺 allowance and whether the result waits for it.
    follow_up_days = IntField(min_value=1)
    blocks_delivery = BooleanField(default=False)


class ReturnedMaterial(PlainEmbedded):
    """One material named in a one-time notification, with what was wrong with it."""

    name = StringField(required=True, max_length=200, verbose_name=_l("Material"))
    problem = StringField(required=True, choices=[(MISSING, _l("Missing")),
                                                  (DEFECTIVE, _l("Needs correction"))],
                          verbose_name=_l("Problem"))
    reason = StringField(required=True, max_length=500, verbose_name=_l("Reason"))


class ReturnRecord(PlainEmbedded):
    """One return with a one-time notification (一次性告知); every return is kept."""

    at = DateTimeField(required=True, verbose_name=_l("Time"))
    clerk = StringField(required=True, verbose_name=_l("Clerk"))
    materials = EmbeddedDocumentListField(ReturnedMaterial, verbose_name=_l("Materials"))
    note = StringField(max_length=2000, verbose_name=_l("Clerk's note"))


class Pause(PlainEmbedded):
    """A sub-task's clock stopped while the applicant supplies something (补正)."""

    started_at = DateTimeField(required=True)
    ended_at = DateTimeField()
    reason = StringField(max_length=500)


class SubTask(PlainEmbedded):
    """One agency's part of the case for one item, worked in parallel with the others."""

    key = StringField(required=True, verbose_name=_l("Key"))
    agency = StringField(required=True, verbose_name=_l("Agency"))
    agency_name = StringField(verbose_name=_l("Agency"))
    item = StringField(required=True, verbose_name=_l("Item"))
    item_name = StringField(verbose_name=_l("Item"))
    status = StringField(required=True, choices=SUBTASK_STATES, default=PENDING,
                         verbose_name=_l("Status"))
    assignee = StringField(verbose_name=_l("Assignee"))
    created_at = DateTimeField(verbose_name=_l("Created at"))
    started_at = DateTimeField(verbose_name=_l("Started at"))
    finished_at = DateTimeField(verbose_name=_l("Finished at"))
    deadline = DateTimeField(verbose_name=_l("Deadline"))
    # When the clock started: acceptance, or the moment the items it waits for were done.
    ready_at = DateTimeField(verbose_name=_l("Clock started"))
    limit = IntField(min_value=1)
    limit_unit = StringField()
    after = ListField(StringField(), verbose_name=_l("Starts after items"))
    consolidates = BooleanField(default=False)
    result_fields = ListField(StringField(), verbose_name=_l("Results recorded"))
    warning_percent = IntField(default=80)
    pauses = EmbeddedDocumentListField(Pause, verbose_name=_l("Pauses"))
    reason = StringField(max_length=1000, verbose_name=_l("Reason"))
    # Results, as far as the item produces them.
    licence_number = StringField(max_length=64, verbose_name=_l("Licence number"))
    credit_code = StringField(max_length=18, verbose_name=_l("Unified social credit code"))
    seals = ListField(StringField(max_length=30), verbose_name=_l("Seals"))
    seal_count = IntField(min_value=0, verbose_name=_l("Seal count"))
    invoice_count = IntField(min_value=0, verbose_name=_l("Invoice count"))
    ukey_serial = StringField(max_length=64, verbose_name=_l("Tax UKey serial"))
    bank_name = StringField(max_length=100, verbose_name=_l("Bank"))
    account_number = StringField(max_length=40, verbose_name=_l("Account number"))
    registration_number = StringField(max_length=64, verbose_name=_l("Registration number"))
    remarks = StringField(max_length=1000, verbose_name=_l("Remarks"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SUBTASK_STATES

    @property
    def clock_start(self):
        """Where the sub-task's time limit counts from."""
        return self.ready_at or self.created_at


class TimelineEvent(PlainEmbedded):
    """One thing that happened to the case. Appended, never edited."""

    at = DateTimeField(required=True, verbose_name=_l("Time"))
    actor = StringField(required=True, verbose_name=_l("By"))
    action = StringField(required=True, verbose_name=_l("Action"))
    from_state = StringField(verbose_name=_l("From"))
    to_state = StringField(verbose_name=_l("To"))
    subtask = StringField(verbose_name=_l("Sub-task"))
    note = StringField(max_length=2000, verbose_name=_l("Note"))
    # On the event that makes the case ready: its deadline then, which its on-time figure is
    # judged against (an item added later moves the case's deadline, not this one).
    due_at = DateTimeField()


class Handover(PlainEmbedded):
    """What went back to the applicant: collected at the window or mailed."""

    method = StringField(choices=DELIVERY_METHODS, verbose_name=_l("Method"))
    results = ListField(StringField(), verbose_name=_l("Results handed over"))
    recipient = StringField(max_length=50, verbose_name=_l("Recipient"))
    tracking_number = StringField(max_length=40, verbose_name=_l("Tracking number"))
    at = DateTimeField(verbose_name=_l("Time"))


class FollowUp(PlainEmbedded):
    """The call or visit after delivery, and the applicant's rating (好差评)."""

    method = StringField(choices=FOLLOW_UP_METHODS, verbose_name=_l("Method"))
    note = StringField(max_length=2000, verbose_name=_l("Note"))
    rating = IntField(choices=RATINGS, verbose_name=_l("Satisfaction"))
    at = DateTimeField(verbose_name=_l("Time"))


def address_key(address: str | None) -> str:
    """The address folded for comparison (一址多照): no spaces or punctuation, ASCII lower-case."""
    if not address:
        return ""
    return re.sub(r"[\s,，。.、·\-—()（）#号]+", "", address).lower()


class Case(Document):
    """A one-window case (办件)."""

    number = StringField(required=True, verbose_name=_l("Case number"))
    centre = StringField(required=True, verbose_name=_l("Centre"))
    window = ReferenceField(Window, verbose_name=_l("Window"))
    clerk = StringField(verbose_name=_l("Accepting clerk"))
    mode = StringField(required=True, choices=CASE_MODES, default=FULL_CHAIN,
                       verbose_name=_l("Mode"))
    channel = StringField(required=True, choices=CHANNELS, default="window",
                          verbose_name=_l("Intake channel"))
    delivery_method = StringField(required=True, choices=DELIVERY_METHODS, default="window",
                                  verbose_name=_l("Results go"))
    state = StringField(required=True, choices=CASE_STATES, default=COACHING,
                        verbose_name=_l("State"))
    items = ListField(StringField(), verbose_name=_l("Items"))

    company_name = StringField(required=True, max_length=200, verbose_name=_l("Proposed name"))
    registered_name = StringField(max_length=200, verbose_name=_l("Registered name"))
    credit_code = CreditCodeField(verbose_name=_l("Unified social credit code"))
    legal_rep_name = StringField(required=True, max_length=50,
                                 verbose_name=_l("Legal representative"))
    legal_rep_id = IdNumberField(required=True, verbose_name=_l("Resident ID number"))
    phone = PhoneField(required=True, verbose_name=_l("Contact phone"))
    address = StringField(required=True, max_length=300, verbose_name=_l("Registered address"))
    address_key = StringField()
    mail_address = StringField(max_length=300, verbose_name=_l("Mailing address"))

    materials = EmbeddedDocumentListField(MaterialReceipt, verbose_name=_l("Materials"))
    notification = ListField(StringField(), verbose_name=_l("One-time notification"))
    returns = EmbeddedDocumentListField(ReturnRecord, verbose_name=_l("Returns"))
    subtasks = EmbeddedDocumentListField(SubTask, verbose_name=_l("Agency sub-tasks"))
    timeline = EmbeddedDocumentListField(TimelineEvent, verbose_name=_l("Timeline"))
    handover = EmbeddedDocumentField(Handover, verbose_name=_l("Handover"))
    follow_up = EmbeddedDocumentField(FollowUp, verbose_name=_l("Follow-up"))
    outcome = StringField(max_length=1000, verbose_name=_l("Outcome note"))

    created_at = DateTimeField(required=True, verbose_name=_l("Created at"))
    accepted_at = DateTimeField(verbose_name=_l("Accepted at"))
    due_at = DateTimeField(verbose_name=_l("Due"))
    warning_at = DateTimeField(verbose_name=_l("Warning from"))
    # The whole-case clock: where it counts from (acceptance, or the last items added) and its
    # pauses while every open sub-task waits for the applicant (补正).
    clock_from = DateTimeField(verbose_name=_l("Clock started"))
    clock_pauses = EmbeddedDocumentListField(Pause, verbose_name=_l("Clock pauses"))
    # When the running pause began (None while the clock runs): the overdue filter skips these.
    clock_stopped_at = DateTimeField()
    # The earliest promised date of a 容缺 material still outstanding (the late-容缺 queries).
    tolerated_due = DateField()
    # The earliest deadline among the sub-tasks whose clock runs (pending, in progress): a
    # case holds an overdue open sub-task exactly when this lies before now, so "overdue right
    # now" is one range on the (centre, task_due) index, never a pass over the open cases.
    task_due = DateTimeField()
    finished_at = DateTimeField(verbose_name=_l("Finished at"))
    # Open sub-task agencies, kept beside the embedded rows so the approvers' queue is one
    # indexed equality (the embedded store narrows only on equality and $in of indexed fields).
    open_agencies = ListField(StringField())
    # The company name's two-character pieces, for an indexed "contains" (models.name_search).
    name_grams = ListField(StringField())
    version = IntField(required=True, default=0)
    changed_by = StringField()
    changed_at = DateTimeField()

    meta = {
        "collection": "cases",
        "indexes": [
            {"fields": ["centre", "number"], "unique": True},
            ("centre", "state", "-created_at"),
            # The approvers' queue: one agency's open cases, paged by due date in the query.
            ("centre", "open_agencies", "due_at"),
            ("centre", "state", "due_at"),
            # The list's company-name search ("contains"): matched, filtered by state and sorted
            # on this one key table, without reading the cases.
            ("centre", "company_name", "state", "-created_at"),
            # ... and its pieces: a two-character search seeks them in the list's order.
            ("centre", "name_grams", "-created_at"),
            ("centre", "legal_rep_id", "state"),
            ("centre", "address_key", "state"),
            ("centre", "window", "state"),
            ("centre", "subtasks.agency", "state"),
            ("centre", "tolerated_due"),
            # Open sub-tasks overdue now (home pages, dashboard, statistics): task_due < now.
            ("centre", "task_due"),
            # The home pages: accepted and delivered today (overdue and due soon use
            # (centre, state, due_at) above).
            ("centre", "accepted_at"),
            ("centre", "handover.at"),
            # Whether any case names an item (an item that cases name is not deleted); a
            # shared item's cases are at every centre.
            ("items", "centre"),
            # The effectiveness review: the returns (one-time notifications) of a period.
            ("centre", "returns.at"),
        ],
        "ordering": ["-created_at"],
        "shard_key": ("centre", "number"),
    }

    def clean(self) -> None:
        self.address_key = address_key(self.address)
        self.name_grams = name_grams(self.company_name)

    def subtask(self, key: str) -> SubTask | None:
        return next((task for task in self.subtasks if task.key == key), None)

    def running_subtasks(self) -> list[SubTask]:
        """The sub-tasks whose clock runs now (not waiting, not paused for 补正, not over)."""
        return [task for task in self.subtasks
                if task.status in RUNNING_SUBTASK_STATES and task.deadline]

    @property
    def clock_paused(self) -> bool:
        return bool(self.clock_pauses) and self.clock_pauses[-1].ended_at is None

    @property
    def is_finished(self) -> bool:
        """Its processing is over (every sub-task done, or the case closed): its deadline state
        is a result (on time or late), no longer a warning."""
        return bool(self.finished_at) or self.state in FINAL_STATES

    def __str__(self) -> str:
        return f"{self.number} {self.company_name}"


def label_of(choices: list[tuple], value: object) -> str:
    """The translated label of ``value`` among ``choices`` (the value itself when unknown)."""
    return str(dict(choices).get(value, value))


def format_local(moment) -> str:
    """A stored (naive UTC) moment as China Standard Time wall-clock text."""
    from models.workdays import to_china

    return to_china(moment).strftime("%Y-%m-%d %H:%M") if moment else "?"
