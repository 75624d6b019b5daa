"""Centre scoping shared by the configuration documents: querysets and same-centre checks.

Every centre-owned document stores the centre's code in ``centre``. Agencies and service items
may also be shared (``centre`` unset): see :mod:`models.agency` for the rule.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import Q, QuerySet, ValidationError


class CentreQuerySet(QuerySet):
    """Querysets that know how to narrow themselves to one centre."""

    def for_centre(self, centre: str | None) -> CentreQuerySet:
        """Records owned by ``centre`` (``None``: no narrowing, for the super-administrator)."""
        return self if centre is None else self.filter(centre=centre)

    def visible_to(self, centre: str | None) -> CentreQuerySet:
        """Owned by ``centre`` or shared by all centres (``None``: everything)."""
        return self if centre is None else self.filter(Q(centre=centre) | Q(centre=None))


def require_centre(code: str | None) -> None:
    """Refuse a centre code that names no service centre."""
    from models.centre import ServiceCentre

    if code and not ServiceCentre.objects(code=code).only("id").first():
        raise ValidationError(_l("There is no service centre with code %(code)s.", code=code))


def visible_from(record, centre: str | None) -> bool:
    """True when ``record`` (agency or item) is shared or belongs to ``centre``."""
    owner = getattr(record, "centre", None)
    return owner is None or owner == centre


def refuse_code_clash(document) -> None:
    """A centre-local record may not take a shared record's code, nor a shared one a local's."""
    others = type(document).objects(code=document.code, id__ne=document.pk)
    if document.centre:
        clash = others.filter(centre=None)
        message = _l("Code %(code)s is already used by a shared record.", code=document.code)
    else:
        clash = others.filter(centre__ne=None)
        message = _l("Code %(code)s is already used by a centre's own record.",
                     code=document.code)
    if clash.only("id").first():
        raise ValidationError(message)
