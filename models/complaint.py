"""The complaint (投诉) about a window, a staff member or a case of one centre: who complained,
through which channel, about what, and what came of it. Only :mod:`models.complaint_lifecycle`
changes a complaint's state; everything here describes it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    IntField,
    ReferenceField,
    StringField,
)

from models.case import Case
from models.embedded import PlainEmbedded
from models.fields import PhoneField
from models.lists import EmbeddedDocumentListField
from models.staff import StaffMember
from models.window import Window

RECEIVED, INVESTIGATING, RESOLVED = "received", "investigating", "resolved"
CLOSED, REJECTED = "closed", "rejected"
STATES = [
    (RECEIVED, _l("Received")),
    (INVESTIGATING, _l("Investigating")),
    (RESOLVED, _l("Resolved")),
    (CLOSED, _l("Closed, complainant informed")),
    (REJECTED, _l("Rejected")),
]
OPEN_STATES = (RECEIVED, INVESTIGATING)
# The deadline is met once the complaint is resolved (or rejected): informing comes after.
DONE_STATES = (RESOLVED, CLOSED, REJECTED)

CHANNELS = [
    ("window", _l("At the window")),
    ("hotline", _l("12345 hotline")),
    ("online", _l("Online")),
    ("letter", _l("Letter")),
    ("visit", _l("In person")),
]

WINDOW, STAFF, CASE = "window", "staff", "case"
SUBJECT_KINDS = [(WINDOW, _l("A window")), (STAFF, _l("A staff member")), (CASE, _l("A case"))]

CATEGORIES = [
    ("attitude", _l("Attitude")),
    ("delay", _l("Delay or overdue")),
    ("extra_materials", _l("Materials demanded beyond the published list")),
    ("inconsistent", _l("Inconsistent answers")),
    ("fees", _l("Fees")),
    ("facilities", _l("Facilities")),
    ("other", _l("Other")),
]

INFORM_METHODS = [
    ("phone", _l("Telephone")),
    ("sms", _l("Text message")),
    ("letter", _l("Letter")),
    ("in_person", _l("In person")),
]
SATISFACTION = [
    (5, _l("Very satisfied")), (4, _l("Satisfied")), (3, _l("Fair")),
    (2, _l("Dissatisfied")), (1, _l("Very dissatisfied")),
]

TIMELINE_ACTIONS = [
    ("log", _l("Complaint logged")),
    ("assign", _l("Handler assigned")),
    ("investigate", _l("Investigation started")),
    ("resolve", _l("Resolved")),
    ("close", _l("Complainant informed, closed")),
    ("reject", _l("Rejected")),
]


class ComplaintEvent(PlainEmbedded):
    """One thing that happened to a complaint (or a rectification). Appended, never edited."""

    at = DateTimeField(required=True, verbose_name=_l("Time"))
    actor = StringField(required=True, verbose_name=_l("By"))
    action = StringField(required=True, verbose_name=_l("Action"))
    from_state = StringField(verbose_name=_l("From"))
    to_state = StringField(verbose_name=_l("To"))
    note = StringField(max_length=2000, verbose_name=_l("Note"))


class Complaint(Document):
    """A complaint received by the centre."""

    number = StringField(required=True, verbose_name=_l("Complaint number"))
    centre = StringField(required=True, verbose_name=_l("Centre"))
    channel = StringField(required=True, choices=CHANNELS, verbose_name=_l("Channel"))
    received_at = DateTimeField(required=True, verbose_name=_l("Received at"))
    logged_by = StringField(verbose_name=_l("Logged by"))

    anonymous = BooleanField(default=False, verbose_name=_l("Anonymous"))
    complainant_name = StringField(max_length=50, verbose_name=_l("Complainant"))
    complainant_phone = PhoneField(verbose_name=_l("Complainant's phone"))

    subject_kind = StringField(required=True, choices=SUBJECT_KINDS, verbose_name=_l("About"))
    # The window is kept for a case as well (the case's window), so complaints count per window.
    window = ReferenceField(Window, verbose_name=_l("Window"))
    staff = ReferenceField(StaffMember, verbose_name=_l("Staff member"))
    case = ReferenceField(Case, verbose_name=_l("Case"))
    category = StringField(required=True, choices=CATEGORIES, verbose_name=_l("Category"))
    description = StringField(required=True, max_length=4000, verbose_name=_l("Description"))

    handler = StringField(max_length=128, verbose_name=_l("Handler"))
    due_at = DateTimeField(required=True, verbose_name=_l("Deadline"))
    state = StringField(required=True, choices=STATES, default=RECEIVED,
                        verbose_name=_l("State"))

    finding = StringField(max_length=4000, verbose_name=_l("Finding"))
    upheld = BooleanField(verbose_name=_l("Upheld"))
    measures = StringField(max_length=4000, verbose_name=_l("Measures taken"))
    resolved_at = DateTimeField(verbose_name=_l("Resolved at"))
    informed_via = StringField(choices=INFORM_METHODS, verbose_name=_l("Complainant informed by"))
    informed_at = DateTimeField(verbose_name=_l("Informed at"))
    satisfaction = IntField(choices=SATISFACTION, verbose_name=_l("Complainant's satisfaction"))
    reject_reason = StringField(max_length=2000, verbose_name=_l("Reason for rejection"))

    timeline = EmbeddedDocumentListField(ComplaintEvent, verbose_name=_l("Timeline"))
    version = IntField(required=True, default=0)
    changed_by = StringField()
    changed_at = DateTimeField()

    meta = {
        "collection": "complaints",
        "indexes": [
            {"fields": ["centre", "number"], "unique": True},
            ("centre", "state", "due_at"),  # the handler's queue
            ("centre", "received_at"),  # the list and the review's period
            ("centre", "category", "received_at"),
            ("centre", "window", "received_at"),
            ("centre", "staff", "received_at"),
            ("centre", "case"),
        ],
        "ordering": ["-received_at"],
        "shard_key": ("centre", "number"),
    }

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def subject(self) -> object:
        """The window, staff member or case complained about."""
        return {WINDOW: self.window, STAFF: self.staff, CASE: self.case}.get(self.subject_kind)

    def __str__(self) -> str:
        return self.number or ""
