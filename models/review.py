"""Window effectiveness review (效能评价): for one centre and one period, per window and per staff
member, the cases accepted, returned and delivered on time, the average handling time, the
complaints by category and how many were upheld, and the ratings; a reviewer records the
conclusion and the improvement measures, and the review is kept with the figures as they were.

Each figure starts with an equality on ``centre`` and a range on a date, served by a declared
index: the cases' figures read only the fields they count and are summed in Python; complaints and
ratings (a few per window) are aggregation pipelines. Both run unchanged on MongoDB, mongomock and
the embedded store.
"""

from __future__ import annotations

from collections import defaultdict
import datetime as dt
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from mongoengine import (
    DateField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ReferenceField,
    StringField,
)

from models.case import Case
from models.complaint import Complaint
from models.embedded import PlainEmbedded
from models.lifecycle import AccessDenied, Actor, TransitionError
from models.lists import EmbeddedDocumentListField
from models.rating import DISSATISFIED, Rating
from models.staff import StaffMember
from models.window import Window
from models.workdays import to_utc

REVIEWERS = frozenset({"Admin", "CentreAdmin", "ComplaintHandler"})
MAX_PERIOD_DAYS = 366


class Figures(PlainEmbedded):
    """One window's or one staff member's figures for the period."""

    window = ReferenceField(Window, verbose_name=_l("Window"))
    staff = ReferenceField(StaffMember, verbose_name=_l("Staff member"))
    name = StringField(required=True, verbose_name=_l("Name"))
    accepted = IntField(default=0, verbose_name=_l("Cases accepted"))
    returned = IntField(default=0, verbose_name=_l("Returns for correction"))
    delivered = IntField(default=0, verbose_name=_l("Cases delivered"))
    on_time = IntField(default=0, verbose_name=_l("Delivered on time"))
    average_hours = FloatField(verbose_name=_l("Average handling time (hours)"))
    complaints = DictField(verbose_name=_l("Complaints by category"))
    complaints_total = IntField(default=0, verbose_name=_l("Complaints"))
    upheld = IntField(default=0, verbose_name=_l("Upheld"))
    ratings = IntField(default=0, verbose_name=_l("Ratings"))
    rating_average = FloatField(verbose_name=_l("Average rating"))
    dissatisfied = IntField(default=0, verbose_name=_l("Dissatisfied ratings"))


class Review(Document):
    """A concluded effectiveness review of one centre over one period. Kept, never edited."""

    centre = StringField(required=True, verbose_name=_l("Centre"))
    period_start = DateField(required=True, verbose_name=_l("Start date"))
    period_end = DateField(required=True, verbose_name=_l("End date"))
    reviewer = StringField(required=True, verbose_name=_l("Reviewer"))
    reviewed_at = DateTimeField(required=True, verbose_name=_l("Reviewed at"))
    conclusion = StringField(required=True, max_length=4000, verbose_name=_l("Conclusion"))
    measures = StringField(required=True, max_length=4000,
                           verbose_name=_l("Improvement measures"))
    windows = EmbeddedDocumentListField(Figures, verbose_name=_l("Per window"))
    staff = EmbeddedDocumentListField(Figures, verbose_name=_l("Per staff member"))

    meta = {
        "collection": "reviews",
        "indexes": [("centre", "-period_end")],
        "ordering": ["-period_end"],
    }

    def __str__(self) -> str:
        return f"{self.centre} {self.period_start}–{self.period_end}"


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The China-time days ``start`` to ``end`` (both included) as a naive-UTC half-open range."""
    return (to_utc(dt.datetime.combine(start, dt.time())),
            to_utc(dt.datetime.combine(end + dt.timedelta(days=1), dt.time())))


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Refuse a missing, reversed or over-long period."""
    if not start or not end:
        raise TransitionError(gettext("Give the first and the last day of the period."))
    if end < start:
        raise TransitionError(gettext("The period ends before it starts."))
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise TransitionError(gettext("A review covers at most one year."))


def _aggregate(document: type, pipeline: list[dict]) -> list[dict]:
    return list(document._get_collection().aggregate(pipeline))


def _case_figures(centre: str, lo: dt.datetime, hi: dt.datetime) -> tuple[dict, dict]:
    """Accepted, returned, delivered, on time and handling hours, per window and per clerk's
    login, from three indexed reads of the few fields they need, summed here: an aggregation
    pipeline would have the embedded store decode and copy every case of the period whole (a
    quarter of a busy centre took 20 s)."""
    by_window: dict[Any, dict[str, Any]] = defaultdict(dict)
    by_clerk: dict[Any, dict[str, Any]] = defaultdict(dict)
    cases = Case._get_collection()
    period = {"$gte": lo, "$lt": hi}

    def add(case: dict, **values: int) -> None:
        for target, key in ((by_window, case.get("window")), (by_clerk, case.get("clerk"))):
            if key is None:
                continue
            for name, value in values.items():
                target[key][name] = target[key].get(name, 0) + value

    for case in cases.find({"centre": centre, "accepted_at": period}, {"window": 1, "clerk": 1}):
        add(case, accepted=1)
    # Every return in the period counts, also a second return of the same case.
    for case in cases.find({"centre": centre, "returns.at": period},
                           {"window": 1, "clerk": 1, "returns": 1}):
        add(case, returned=sum(lo <= (record.get("at") or hi) < hi
                               for record in case.get("returns") or ()))
    # Delivered in the period; on time when it was ready by its deadline; handling time is
    # acceptance to ready (the applicant's wait). Sums, so windows and clerks fold exactly.
    for case in cases.find({"centre": centre, "handover.at": period},
                           {"window": 1, "clerk": 1, "finished_at": 1, "due_at": 1,
                            "accepted_at": 1}):
        finished, due, accepted = (case.get(name) for name in
                                   ("finished_at", "due_at", "accepted_at"))
        add(case, delivered=1, on_time=int(_not_after(finished, due)),
            ms=(finished - accepted) // dt.timedelta(milliseconds=1)
            if finished and accepted else 0)
    for rows in (by_window, by_clerk):
        for values in rows.values():
            milliseconds = values.pop("ms", 0)
            if values.get("delivered"):
                values["average_hours"] = round(milliseconds / values["delivered"] / 3_600_000, 2)
    return by_window, by_clerk


def _not_after(moment: dt.datetime | None, deadline: dt.datetime | None) -> bool:
    """``moment <= deadline`` as MongoDB compares them: a missing value sorts before any date."""
    if moment is None:
        return True
    return deadline is not None and moment <= deadline


def _complaint_figures(centre: str, lo: dt.datetime, hi: dt.datetime, key: str) -> dict:
    rows: dict[Any, dict[str, Any]] = defaultdict(lambda: {"complaints": {},
                                                          "complaints_total": 0, "upheld": 0})
    pipeline = [
        {"$match": {"centre": centre, "received_at": {"$gte": lo, "$lt": hi}, key: {"$ne": None}}},
        {"$group": {"_id": {"who": f"${key}", "category": "$category"}, "n": {"$sum": 1},
                    "upheld": {"$sum": {"$cond": [{"$eq": ["$upheld", True]}, 1, 0]}}}},
    ]
    for row in _aggregate(Complaint, pipeline):
        target = rows[row["_id"]["who"]]
        target["complaints"][row["_id"]["category"]] = row["n"]
        target["complaints_total"] += row["n"]
        target["upheld"] += row["upheld"]
    return rows


def _rating_figures(centre: str, lo: dt.datetime, hi: dt.datetime, key: str) -> dict:
    rows: dict[Any, dict[str, Any]] = defaultdict(dict)
    pipeline = [
        {"$match": {"centre": centre, "rated_at": {"$gte": lo, "$lt": hi}, key: {"$ne": None}}},
        {"$group": {"_id": f"${key}", "n": {"$sum": 1}, "avg": {"$avg": "$score"},
                    "bad": {"$sum": {"$cond": [{"$lte": ["$score", DISSATISFIED]}, 1, 0]}}}},
    ]
    for row in _aggregate(Rating, pipeline):
        rows[row["_id"]].update(ratings=row["n"], rating_average=round(row["avg"], 2),
                                dissatisfied=row["bad"])
    return rows


def _merge(*parts: dict) -> dict:
    merged: dict[Any, dict[str, Any]] = defaultdict(dict)
    for part in parts:
        for key, values in part.items():
            merged[key].update(values)
    return merged


def compute(centre: str, start: dt.date, end: dt.date) -> tuple[list[Figures], list[Figures]]:
    """The figures per window and per staff member of ``centre`` for the China-time days
    ``start`` to ``end``; windows and staff without any figure are left out."""
    check_period(start, end)
    lo, hi = period_bounds(start, end)
    cases_by_window, by_login = _case_figures(centre, lo, hi)
    by_window = _merge(cases_by_window, _complaint_figures(centre, lo, hi, "window"),
                       _rating_figures(centre, lo, hi, "window"))
    # Cases name their clerk by login; staff members carry that login.
    staff = {member.username: member for member in StaffMember.objects(
        centre=centre, username__in=[login for login in by_login if login])}
    by_staff = _merge({staff[login].pk: values for login, values in by_login.items()
                       if login in staff},
                      _complaint_figures(centre, lo, hi, "staff"),
                      _rating_figures(centre, lo, hi, "staff"))
    windows = {w.pk: w for w in Window.objects(centre=centre, id__in=list(by_window))}
    members = {s.pk: s for s in StaffMember.objects(centre=centre, id__in=list(by_staff))}
    window_rows = _rows(by_window, windows, "window")
    staff_rows = _rows(by_staff, members, "staff")
    return window_rows, staff_rows


def _rows(figures: dict, records: dict, field: str) -> list[Figures]:
    rows = []
    for pk, values in figures.items():
        record = records.get(pk)
        if record is None:
            continue
        name = f"{record.counter} {record.name}" if field == "window" else record.name
        rows.append(Figures(**{field: record}, name=name, **values))
    return sorted(rows, key=lambda row: row.name)


def conclude(actor: Actor, *, centre: str, start: dt.date, end: dt.date, conclusion: str,
             measures: str, now: dt.datetime | None = None) -> Review:
    """Keep a review: the figures as computed now, the conclusion and the measures."""
    if not REVIEWERS & actor.roles:
        raise AccessDenied(gettext("Your role may not record a review."))
    if actor.centre is not None and actor.centre != centre:
        raise AccessDenied(gettext("You may review only your own centre."))
    if not (conclusion or "").strip() or not (measures or "").strip():
        raise TransitionError(gettext("Write down the conclusion and the improvement measures."))
    windows, staff = compute(centre, start, end)
    review = Review(centre=centre, period_start=start, period_end=end, reviewer=actor.username,
                    reviewed_at=now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    conclusion=conclusion.strip(), measures=measures.strip(),
                    windows=windows, staff=staff)
    review.save()
    return review
