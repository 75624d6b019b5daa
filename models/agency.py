"""Agencies (部门) behind the windows, each with its liaisons (联络员).

Sharing rule: an agency or service item with ``centre`` unset is *shared*: the super-administrator
owns it, every centre sees and may reference it, no centre may edit it. One with ``centre`` set is
*centre-local*: only that centre sees, references and edits it. A centre-local record may not reuse
a shared record's code, so a code means one record inside any centre. A shared service item must
belong to a shared agency; a centre-local item may belong to a shared agency or one of its own.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    Document,
    EmailField,
    StringField,
)

from models.choices import AGENCY_KINDS, RECORD_CODE_REGEX
from models.embedded import PlainEmbedded
from models.fields import PhoneField
from models.lists import EmbeddedDocumentListField
from models.tenancy import CentreQuerySet, refuse_code_clash, require_centre


class Liaison(PlainEmbedded):
    """A named contact person of an agency."""

    name = StringField(required=True, max_length=50, verbose_name=_l("Full name"))
    post = StringField(max_length=100, verbose_name=_l("Post"))
    phone = PhoneField(required=True, verbose_name=_l("Mobile phone"))
    email = EmailField(verbose_name=_l("Email"))

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class Agency(Document):
    """A department or bank that takes part in the centre's items."""

    centre = StringField(verbose_name=_l("Centre (empty: shared)"))
    code = StringField(required=True, regex=RECORD_CODE_REGEX, verbose_name=_l("Code"))
    name = StringField(required=True, max_length=100, verbose_name=_l("Name"))
    kind = StringField(required=True, choices=AGENCY_KINDS, verbose_name=_l("Kind"))
    liaisons = EmbeddedDocumentListField(Liaison, verbose_name=_l("Liaisons"))

    meta = {
        "collection": "agencies",
        "queryset_class": CentreQuerySet,
        "indexes": [
            {"fields": ["centre", "code"], "unique": True},
            ("centre", "kind"),
            ("centre", "name"),
        ],
        "ordering": ["code"],
    }

    def clean(self) -> None:
        require_centre(self.centre)
        refuse_code_clash(self)

    @property
    def shared(self) -> bool:
        """True for an agency every centre may use."""
        return not self.centre

    def __str__(self) -> str:
        return self.name
