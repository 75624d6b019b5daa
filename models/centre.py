"""The service centre (政务服务中心): the tenant every other configuration record belongs to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    Document,
    IntField,
    StringField,
    ValidationError,
)

from models.choices import (
    CENTRE_CODE_REGEX,
    CENTRE_LEVELS,
    LIMIT_UNITS,
    TIME_OF_DAY_REGEX,
    WEEKDAYS,
    label,
)
from models.embedded import PlainEmbedded
from models.lists import EmbeddedDocumentListField


class OpeningHours(PlainEmbedded):
    """The hours of one weekday, with an optional lunch break."""

    weekday = IntField(required=True, choices=WEEKDAYS, verbose_name=_l("Weekday"))
    opens = StringField(required=True, regex=TIME_OF_DAY_REGEX, verbose_name=_l("Opens"))
    closes = StringField(required=True, regex=TIME_OF_DAY_REGEX, verbose_name=_l("Closes"))
    lunch_start = StringField(regex=TIME_OF_DAY_REGEX, verbose_name=_l("Lunch break from"))
    lunch_end = StringField(regex=TIME_OF_DAY_REGEX, verbose_name=_l("Lunch break until"))

    def clean(self) -> None:
        # "HH:MM" strings compare correctly as text.
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError(_l("Opening time must be before closing time."))
        if bool(self.lunch_start) != bool(self.lunch_end):
            raise ValidationError(_l("A lunch break needs both a start and an end."))
        if self.lunch_start and not (
            self.opens < self.lunch_start < self.lunch_end < self.closes
        ):
            raise ValidationError(_l("The lunch break must lie inside the opening hours."))

    def __str__(self) -> str:
        hours = f"{self.opens}–{self.closes}"
        if self.lunch_start:
            hours = f"{self.opens}–{self.lunch_start}，{self.lunch_end}–{self.closes}"
        return f"{label(WEEKDAYS, self.weekday)} {hours}"


class ServiceCentre(Document):
    """A government service centre at city, county or township level."""

    code = StringField(required=True, unique=True, regex=CENTRE_CODE_REGEX,
                       verbose_name=_l("Code"))
    name = StringField(required=True, max_length=100, verbose_name=_l("Name"))
    level = StringField(required=True, choices=CENTRE_LEVELS, verbose_name=_l("Level"))
    region = StringField(required=True, max_length=100, verbose_name=_l("Region"))
    region_code = StringField(regex=r"^\d{6}$", verbose_name=_l("Administrative division code"))
    address = StringField(max_length=200, verbose_name=_l("Address"))
    opening_hours = EmbeddedDocumentListField(OpeningHours, verbose_name=_l("Opening hours"))
    helpers = IntField(min_value=0, default=0, verbose_name=_l("Helpers (帮办代办)"))
    self_service_computers = IntField(min_value=0, default=0,
                                      verbose_name=_l("Self-service computers"))
    # The whole-case limit from acceptance to ready (一日办结 by default).
    case_limit = IntField(min_value=1, max_value=365, default=1,
                          verbose_name=_l("Whole-case time limit"))
    case_limit_unit = StringField(choices=LIMIT_UNITS, default="working_days",
                                  verbose_name=_l("Unit of the whole-case limit"))
    # Working days to resolve a complaint or a rectification (差评整改), counted from receipt.
    complaint_days = IntField(min_value=1, max_value=60, default=5,
                              verbose_name=_l("Complaint time limit (working days)"))

    meta = {
        "collection": "service_centres",
        "indexes": ["level", "name"],
        "ordering": ["code"],
    }

    def clean(self) -> None:
        weekdays = [row.weekday for row in self.opening_hours]
        if len(weekdays) != len(set(weekdays)):
            raise ValidationError(_l("Each weekday may have only one row of opening hours."))

    def hours_on(self, weekday: int) -> OpeningHours | None:
        """The opening hours of ``weekday`` (0 = Monday), or ``None`` when closed."""
        return next((row for row in self.opening_hours if row.weekday == weekday), None)

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
