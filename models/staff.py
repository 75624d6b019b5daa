"""Staff members (人员) of a centre: who they are, who seconded them, what they are trained for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DENY,
    PULL,
    BooleanField,
    DateField,
    Document,
    ReferenceField,
    StringField,
    ValidationError,
)

from models.agency import Agency
from models.choices import STAFF_ROLES
from models.fields import PhoneField
from models.item import ServiceItem
from models.lists import ListField
from models.tenancy import CentreQuerySet, require_centre, visible_from
from models.workcalendar import today_in_china


class StaffMember(Document):
    """A person working at a centre's windows or back office."""

    centre = StringField(required=True, verbose_name=_l("Centre"))
    name = StringField(required=True, max_length=50, verbose_name=_l("Full name"))
    agency = ReferenceField(Agency, reverse_delete_rule=DENY,
                            verbose_name=_l("Seconding agency"))
    role = StringField(required=True, choices=STAFF_ROLES, verbose_name=_l("Role"))
    items = ListField(ReferenceField(ServiceItem, reverse_delete_rule=PULL),
                      verbose_name=_l("Trained for items"))
    trained_on = DateField(verbose_name=_l("Training date"))
    phone = PhoneField(required=True, verbose_name=_l("Mobile phone"))
    active = BooleanField(default=True, verbose_name=_l("Active"))
    username = StringField(max_length=64, verbose_name=_l("Console login"))

    meta = {
        "collection": "staff_members",
        "queryset_class": CentreQuerySet,
        "indexes": [
            ("centre", "name"),
            ("centre", "role", "active"),
            ("centre", "agency"),
            {"fields": ["username"], "unique": True, "sparse": True},
        ],
        "ordering": ["centre", "name"],
    }

    def clean(self) -> None:
        require_centre(self.centre)
        if self.username == "":
            self.username = None  # an empty login must not collide in the sparse index
        if self.role == "approver" and not self.agency:
            raise ValidationError(_l("A back-office approver needs the agency they work for."))
        if isinstance(self.agency, Agency) and not visible_from(self.agency, self.centre):
            raise ValidationError(_l("The agency belongs to another centre."))
        for item in self.items:
            if isinstance(item, ServiceItem) and not visible_from(item, self.centre):
                raise ValidationError(
                    _l("Item %(item)s belongs to another centre.", item=str(item))
                )
        if self.trained_on and self.trained_on > today_in_china():
            raise ValidationError(_l("The training date may not be in the future."))

    def __str__(self) -> str:
        if isinstance(self.agency, Agency):
            return f"{self.name}（{self.agency.name}）"
        return self.name

