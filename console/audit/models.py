"""The audit log's document: one entry per change, login or view of a full identifier, written
once and never changed or deleted (the data layer refuses both)."""

from __future__ import annotations

import datetime

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    QuerySet,
    StringField,
)

KINDS = [
    ("create", _l("Created")),
    ("update", _l("Changed")),
    ("delete", _l("Deleted")),
    ("action", _l("Case action")),
    ("login", _l("Signed in")),
    ("login_failed", _l("Failed sign-in")),
    ("reveal", _l("Full identifier viewed")),
]


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit entry."""


class AppendOnlyQuerySet(QuerySet):
    """Reads only: every bulk update or delete is refused."""

    def _refuse(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    update = update_one = modify = delete = upsert_one = _refuse


class Change(EmbeddedDocument):
    """One field's value before and after (personal data masked)."""

    field = StringField(required=True, verbose_name=_l("Field"))
    before = StringField(verbose_name=_l("Before"))
    after = StringField(verbose_name=_l("After"))


class AuditEntry(Document):
    """Who did what, when, from where, to which record."""

    at = DateTimeField(required=True, default=datetime.datetime.utcnow, verbose_name=_l("Time"))
    centre = StringField(verbose_name=_l("Centre"))
    actor = StringField(verbose_name=_l("By"))
    address = StringField(max_length=64, verbose_name=_l("Address"))
    kind = StringField(required=True, choices=KINDS, verbose_name=_l("What"))
    document = StringField(verbose_name=_l("Record type"))
    record = StringField(verbose_name=_l("Record"))
    summary = StringField(max_length=2000, verbose_name=_l("Summary"))
    changes = EmbeddedDocumentListField(Change, verbose_name=_l("Changes"))

    meta = {
        "collection": "audit_log",
        "queryset_class": AppendOnlyQuerySet,
        "indexes": [("centre", "-at"), ("-at",), ("centre", "kind", "-at"),
                    ("centre", "actor", "-at")],
        "ordering": ["-at"],
    }

    def save(self, *args, **kwargs):
        if not self._created:
            raise AppendOnlyError("The audit log is append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.kind} {self.document or ''}"
