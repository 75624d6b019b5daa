"""Windows (窗口) of a centre and the service items each accepts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DENY,
    PULL,
    BooleanField,
    Document,
    ReferenceField,
    StringField,
    ValidationError,
)

from models.agency import Agency
from models.choices import COMPREHENSIVE_CODES, RECORD_CODE_REGEX, WINDOW_KINDS, label
from models.item import ServiceItem
from models.lists import ListField
from models.tenancy import CentreQuerySet, require_centre, visible_from


class Window(Document):
    """A counter of one kind; its code is unique within its centre."""

    centre = StringField(required=True, verbose_name=_l("Centre"))
    code = StringField(required=True, regex=RECORD_CODE_REGEX, verbose_name=_l("Code"))
    counter = StringField(required=True, max_length=20, verbose_name=_l("Counter number"))
    name = StringField(required=True, max_length=100, verbose_name=_l("Name"))
    kind = StringField(required=True, choices=WINDOW_KINDS, verbose_name=_l("Kind"))
    accepts_all_items = BooleanField(default=False,
                                     verbose_name=_l("Accepts all items (无差别)"))
    agency = ReferenceField(Agency, reverse_delete_rule=DENY,
                            verbose_name=_l("Keeping agency (professional window)"))
    items = ListField(ReferenceField(ServiceItem, reverse_delete_rule=PULL),
                      verbose_name=_l("Accepted items"))
    is_open = BooleanField(default=True, verbose_name=_l("Open"))

    meta = {
        "collection": "windows",
        "queryset_class": CentreQuerySet,
        "indexes": [
            {"fields": ["centre", "code"], "unique": True},
            ("centre", "kind"),
            ("centre", "counter"),
            ("centre", "is_open"),
            ("centre", "items"),
        ],
        # As the staff and applicants know them: by the number over the counter (A01, A02, …,
        # then the professional windows E01, …), not by record code.
        "ordering": ["centre", "counter"],
    }

    def clean(self) -> None:
        require_centre(self.centre)
        if self.accepts_all_items and self.kind not in COMPREHENSIVE_CODES:
            raise ValidationError(
                _l("Only a comprehensive window can accept all items.")
            )
        if self.kind == "professional" and not self.agency:
            raise ValidationError(_l("A professional window needs the agency that keeps it."))
        if self.agency and not visible_from(self.agency, self.centre):
            raise ValidationError(_l("The agency belongs to another centre."))
        for item in self.items:
            self._check_item(item)

    def _check_item(self, item) -> None:
        if not isinstance(item, ServiceItem):
            return  # a dangling reference; the field's own validation reports it
        if not visible_from(item, self.centre):
            raise ValidationError(
                _l("Item %(item)s belongs to another centre.", item=str(item))
            )
        if not self.accepts(item):
            raise ValidationError(
                _l("Item %(item)s is a “%(category)s” item; this window takes “%(kind)s” items.",
                   item=str(item), category=label(WINDOW_KINDS, item.window_category),
                   kind=label(WINDOW_KINDS, self.kind))
            )

    def accepts(self, item: ServiceItem) -> bool:
        """Whether an item of this category may be taken in here (ignores ``is_open``)."""
        if self.accepts_all_items:
            return True
        if item.window_category != self.kind:
            return False
        return not (self.kind == "professional" and self.agency and item.agency != self.agency)

    def __str__(self) -> str:
        return f"{self.counter} {self.name}"
