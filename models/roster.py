"""Rosters (排班): which staff member works which window on which date and shift.

Double booking is refused twice: ``clean()`` says so in words, and two sparse unique slot keys (one
per half-day the entry occupies) make the database refuse it even when two writers race. The keys
are kept by ``clean()``, so entries are written with ``save()``, never with queryset updates.
"""

from __future__ import annotations

import datetime

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DENY,
    DateField,
    Document,
    NotUniqueError,
    ReferenceField,
    StringField,
    ValidationError,
)

from models.choices import SHIFT_HALVES, SHIFTS, label
from models.staff import StaffMember
from models.tenancy import CentreQuerySet, require_centre
from models.window import Window
from models.workcalendar import week_of


def roster_date_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last dates a roster may be recorded for, seen from ``today`` (China).

    Back to 1 January of last year: a past roster is only corrected, and the longest period an
    effectiveness review looks at is a year, so last year's must still be right; older ones are
    history. Ahead to 31 December of next year: rosters are drawn up for the coming year at most,
    when the State Council has published its holidays (its next year's schedule comes out in
    the autumn; until it is loaded, or known to the chinesecalendar package, which stops at its
    release's last year, the working calendar computes that year's holidays provisionally).
    Anything else is a typo (1999, 2207)."""
    return datetime.date(today.year - 1, 1, 1), datetime.date(today.year + 1, 12, 31)


def overlapping_shifts(shift: str) -> list[str]:
    """The shifts that share a half-day with ``shift`` (itself included)."""
    halves = SHIFT_HALVES.get(shift, frozenset())
    return [other for other, other_halves in SHIFT_HALVES.items() if halves & other_halves]


class RosterEntry(Document):
    """One staff member on one window for one shift of one date."""

    centre = StringField(required=True, verbose_name=_l("Centre"))
    date = DateField(required=True, verbose_name=_l("Date"))
    shift = StringField(required=True, choices=SHIFTS, verbose_name=_l("Shift"))
    window = ReferenceField(Window, required=True, reverse_delete_rule=DENY,
                            verbose_name=_l("Window"))
    staff = ReferenceField(StaffMember, required=True, reverse_delete_rule=DENY,
                           verbose_name=_l("Staff member"))
    note = StringField(max_length=200, verbose_name=_l("Note"))
    # "<staff id>|<date>" when the entry occupies that half-day, unset otherwise; kept by clean().
    morning_slot = StringField()
    afternoon_slot = StringField()

    meta = {
        "collection": "roster_entries",
        "queryset_class": CentreQuerySet,
        "indexes": [
            ("centre", "date", "window"),
            ("centre", "window", "date"),
            ("centre", "staff", "date"),
            {"fields": ["morning_slot"], "unique": True, "sparse": True},
            {"fields": ["afternoon_slot"], "unique": True, "sparse": True},
        ],
        "ordering": ["date", "shift"],
    }

    def clean(self) -> None:
        require_centre(self.centre)
        window, staff = self.window, self.staff
        if not isinstance(window, Window) or not isinstance(staff, StaffMember):
            return  # missing or dangling references; the fields' own validation reports them
        if window.centre != self.centre:
            raise ValidationError(_l("Window %(window)s belongs to another centre.",
                                     window=str(window)))
        if staff.centre != self.centre:
            raise ValidationError(_l("%(staff)s works at another centre.", staff=staff.name))
        if not staff.active:
            raise ValidationError(_l("%(staff)s is not active and cannot be rostered.",
                                     staff=staff.name))
        self._set_slots()
        clash = self.conflicting_entry()
        if clash:
            raise ValidationError(self._double_booking_message(clash))

    def _set_slots(self) -> None:
        halves = SHIFT_HALVES.get(self.shift, frozenset())
        key = f"{self.staff.pk}|{self.date:%Y-%m-%d}"
        self.morning_slot = key if "morning" in halves else None
        self.afternoon_slot = key if "afternoon" in halves else None

    def conflicting_entry(self) -> RosterEntry | None:
        """Another entry putting the same person on duty in an overlapping shift that day."""
        return (
            RosterEntry.objects(centre=self.centre, staff=self.staff, date=self.date,
                                shift__in=overlapping_shifts(self.shift), id__ne=self.pk)
            .first()
        )

    def _double_booking_message(self, clash: RosterEntry | None) -> str:
        if clash is None:
            return _l("%(staff)s is already on duty in an overlapping shift on %(date)s.",
                      staff=self.staff.name, date=f"{self.date:%Y-%m-%d}")
        return _l("%(staff)s is already on %(window)s (%(shift)s) on %(date)s.",
                  staff=self.staff.name, window=str(clash.window),
                  shift=label(SHIFTS, clash.shift), date=f"{self.date:%Y-%m-%d}")

    def save(self, *args, **kwargs) -> RosterEntry:
        """Save; a lost race on a slot key becomes the same message ``clean()`` gives."""
        try:
            return super().save(*args, **kwargs)
        except NotUniqueError as error:
            # Only the slot keys are unique here; re-read to name the winner of the race.
            raise ValidationError(self._double_booking_message(self.conflicting_entry())) \
                from error

    def __str__(self) -> str:
        staff = self.staff.name if isinstance(self.staff, StaffMember) else ""
        return f"{self.date:%Y-%m-%d} {label(SHIFTS, self.shift)} {self.window} {staff}"


def week_entries(centre: str, window: Window,
                 day: datetime.date) -> dict[datetime.date, list[RosterEntry]]:
    """The entries of ``window`` for each day of the week containing ``day`` (the week view)."""
    days = week_of(day)
    grid: dict[datetime.date, list[RosterEntry]] = {each: [] for each in days}
    entries = RosterEntry.objects(centre=centre, window=window, date__gte=days[0],
                                  date__lte=days[-1]).select_related()
    for entry in entries:
        entry_day = entry.date.date() if isinstance(entry.date, datetime.datetime) else entry.date
        grid.setdefault(entry_day, []).append(entry)
    return grid
