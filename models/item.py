"""Service items (事项) with their time limits and material lists (一次性告知清单).

Items follow the sharing rule of :mod:`models.agency`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DENY,
    BooleanField,
    DecimalField,
    Document,
    IntField,
    ReferenceField,
    StringField,
    ValidationError,
)

from models.agency import Agency
from models.choices import (
    LIMIT_UNITS,
    MATERIAL_FORMS,
    MATERIAL_REQUIREMENTS,
    RECORD_CODE_REGEX,
    UNIT_WORKING_MINUTES,
    VAGUE_PHRASES,
    WINDOW_KINDS,
    label,
)
from models.embedded import PlainEmbedded
from models.lists import EmbeddedDocumentListField, ListField
from models.results import RESULT_CHOICES
from models.tenancy import CentreQuerySet, refuse_code_clash, require_centre, visible_from


def refuse_vague(text: str) -> None:
    """Refuse catch-all wording such as "其他相关材料" in a material list."""
    for phrase in VAGUE_PHRASES:
        if phrase in (text or ""):
            raise ValidationError(
                _l("“%(phrase)s” is a vague clause; name the exact document or check.",
                   phrase=phrase)
            )


class Material(PlainEmbedded):
    """One row of an item's material list."""

    name = StringField(required=True, max_length=200, verbose_name=_l("Material"))
    copies = IntField(required=True, min_value=1, default=1, verbose_name=_l("Copies"))
    form = StringField(required=True, choices=MATERIAL_FORMS, default="original",
                       verbose_name=_l("Original or copy"))
    requirement = StringField(required=True, choices=MATERIAL_REQUIREMENTS, default="required",
                              verbose_name=_l("Requirement"))
    review_points = ListField(StringField(max_length=500), verbose_name=_l("Review points"))
    follow_up_days = IntField(min_value=1, max_value=365,
                              verbose_name=_l("Hand in within (working days, 容缺 only)"))
    template_note = StringField(max_length=500, verbose_name=_l("Template / sample note"))
    # 逾期未补交的不发放营业执照: the item's result is not handed out while this 容缺 material
    # is overdue.
    blocks_delivery = BooleanField(default=False,
                                   verbose_name=_l("Result withheld while overdue (容缺)"))

    def clean(self) -> None:
        self.review_points = [point.strip() for point in self.review_points if point.strip()]
        refuse_vague(self.name)
        for point in self.review_points:
            refuse_vague(point)
        if self.requirement == "tolerated":
            if not self.review_points:
                raise ValidationError(
                    _l("“%(name)s” may be missing at acceptance (容缺) only with a review point "
                       "saying what must follow and by when.", name=self.name)
                )
            if not self.follow_up_days:
                raise ValidationError(
                    _l("“%(name)s” is 容缺: give the number of working days to hand it in.",
                       name=self.name)
                )

    def __str__(self) -> str:
        return f"{self.name}（{label(MATERIAL_FORMS, self.form)} × {self.copies}）"


class ServiceItem(Document):
    """A service item owned by one agency and taken in at windows of one category."""

    centre = StringField(verbose_name=_l("Centre (empty: shared)"))
    code = StringField(required=True, regex=RECORD_CODE_REGEX, verbose_name=_l("Code"))
    name = StringField(required=True, max_length=200, verbose_name=_l("Name"))
    agency = ReferenceField(Agency, required=True, reverse_delete_rule=DENY,
                            verbose_name=_l("Agency"))
    window_category = StringField(required=True, choices=WINDOW_KINDS,
                                  verbose_name=_l("Window category"))
    legal_basis = StringField(required=True, max_length=1000, verbose_name=_l("Legal basis"))
    statutory_limit = IntField(required=True, min_value=1, verbose_name=_l("Statutory limit"))
    statutory_unit = StringField(required=True, choices=LIMIT_UNITS, default="working_days",
                                 verbose_name=_l("Statutory limit unit"))
    promised_limit = IntField(required=True, min_value=1, verbose_name=_l("Promised limit"))
    promised_unit = StringField(required=True, choices=LIMIT_UNITS, default="working_days",
                                verbose_name=_l("Promised limit unit"))
    warning_percent = IntField(required=True, min_value=1, max_value=99, default=80,
                               verbose_name=_l("Warn at (percent of promised limit elapsed)"))
    fee = DecimalField(min_value=0, precision=2, default=0, verbose_name=_l("Fee (yuan)"))
    materials = EmbeddedDocumentListField(Material, verbose_name=_l("Materials"))
    # What the agency records when done (营业执照号、印章…), each required at 办结.
    result_fields = ListField(StringField(choices=RESULT_CHOICES),
                              verbose_name=_l("Results recorded"))
    # Items that must be done before this one starts (seals after the licence), by code.
    after_items = ListField(StringField(max_length=64),
                            verbose_name=_l("Starts after items (codes)"))
    # The last stage of a joint item (多部门联合办理): collects and checks the results of the
    # items it follows before they go back to the window (归总核验).
    consolidates = BooleanField(default=False,
                                verbose_name=_l("Consolidates the items it follows"))

    meta = {
        "collection": "service_items",
        "queryset_class": CentreQuerySet,
        "indexes": [
            {"fields": ["centre", "code"], "unique": True},
            ("centre", "window_category"),
            ("centre", "agency"),
            ("centre", "name"),
        ],
        "ordering": ["code"],
    }

    def clean(self) -> None:
        require_centre(self.centre)
        refuse_code_clash(self)
        if self.agency and not isinstance(self.agency, Agency):
            return  # a dangling reference; the field's own validation reports it
        if self.agency and not visible_from(self.agency, self.centre):
            raise ValidationError(
                _l("A shared item needs a shared agency; a centre's item needs a shared agency "
                   "or one of the same centre.")
            )
        self.after_items = [code.strip() for code in self.after_items if code.strip()]
        if self.code in self.after_items:
            raise ValidationError(_l("An item cannot wait for itself."))
        if self.consolidates and not self.after_items:
            raise ValidationError(_l("A consolidating item names the items it follows."))
        if len(set(self.result_fields)) != len(self.result_fields):
            raise ValidationError(_l("A result field is listed twice."))
        if self.promised_minutes() > self.statutory_minutes():
            raise ValidationError(
                _l("The promised limit may not be longer than the statutory limit.")
            )

    def statutory_minutes(self) -> float:
        """The statutory limit in nominal working minutes (for comparisons only)."""
        return (self.statutory_limit or 0) * UNIT_WORKING_MINUTES.get(self.statutory_unit, 0)

    def promised_minutes(self) -> float:
        """The promised limit in nominal working minutes (for comparisons only)."""
        return (self.promised_limit or 0) * UNIT_WORKING_MINUTES.get(self.promised_unit, 0)

    @property
    def issues_licence(self) -> bool:
        """The business licence item: a partial chain starts with it."""
        return "licence_number" in (self.result_fields or [])

    @property
    def tolerated_materials(self) -> list[Material]:
        """The materials that may be missing at acceptance (容缺)."""
        return [row for row in self.materials if row.requirement == "tolerated"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
