"""Writing the audit log: who (the signed-in user), when (UTC), from which address, what changed
(before → after, personal data masked). Subscribed to the interface's writes, the lifecycle's
case changes, FAB's user changes and the logins."""

from __future__ import annotations

from collections.abc import Mapping
import datetime
import logging
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user
from mongoengine.fields import BaseField

from console.audit.models import AuditEntry, Change
from forms.validators import mask_id_number, mask_phone
from models.fields import IdNumberField, PhoneField

log = logging.getLogger(__name__)

SECRET_FIELDS = {"password", "session_stamp", "key_hash", "lookup_hash", "registration_hash"}
# Fields of no interest in a change list (stamps the console writes itself).
IGNORED_FIELDS = {"_id", "_cls", "changed_on", "changed_by", "changed_at", "version",
                  "login_count", "fail_login_count", "last_login"}
MAX_VALUE = 300


def _actor() -> str | None:
    if not has_request_context():
        return None
    try:
        if current_user and current_user.is_authenticated:
            return current_user.username
    except Exception:  # a user deleted meanwhile
        return None
    return None


def _address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(kind: str, *, document: str | None = None, record_id: Any = None,
           centre: str | None = None, summary: str = "", changes: list[Change] | None = None,
           actor: str | None = None) -> AuditEntry | None:
    """Append one entry; a failure to write it is logged and never breaks the user's request."""
    # The real time, not console.clock's (ONEWINDOW_NOW): the log says when it really happened.
    entry = AuditEntry(
        at=datetime.datetime.utcnow(), kind=kind, document=document,
        record=str(record_id) if record_id is not None else None, centre=centre,
        actor=actor or _actor(), address=_address(), summary=summary[:2000],
        changes=changes or [],
    )
    try:
        return entry.save()
    except Exception:
        log.exception("audit entry could not be written: %s %s %s", kind, document, record_id)
        return None


def mask_value(field: BaseField | None, name: str, value: Any) -> str:
    """The value as it may be shown in the log: secrets hidden, phones and IDs masked."""
    if value is None or value == "":
        return ""
    if name in SECRET_FIELDS:
        return "******"
    if isinstance(field, PhoneField):
        return mask_phone(str(value))
    if isinstance(field, IdNumberField):
        return mask_id_number(str(value))
    return _masked_nested(field, value)[:MAX_VALUE]


def _masked_nested(field: BaseField | None, value: Any) -> str:
    """Lists of embedded rows (liaisons with phones) are masked row by row."""
    inner = getattr(field, "field", None)
    document_type = getattr(inner, "document_type", None) or getattr(field, "document_type",
                                                                       None)
    rows = value if isinstance(value, list) else None
    if rows is not None and document_type is not None and hasattr(document_type, "_fields"):
        shown = []
        for row in rows:
            if isinstance(row, Mapping):
                shown.append({key: mask_value(document_type._fields.get(key), key, item)
                              for key, item in row.items() if key != "_cls"})
            else:
                shown.append(str(row))
        return str(shown)
    return str(value)


def diff(document_class: type, before: Mapping[str, Any] | None,
         after: Mapping[str, Any] | None) -> list[Change]:
    """Field-by-field changes between two stored forms of a record."""
    before, after = before or {}, after or {}
    fields = document_class._fields
    by_db_name = {field.db_field: name for name, field in fields.items()}
    changes = []
    for key in sorted(set(before) | set(after)):
        name = by_db_name.get(key, key)
        if name in IGNORED_FIELDS or key in IGNORED_FIELDS:
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        field = fields.get(name)
        changes.append(Change(field=name, before=mask_value(field, name, old),
                              after=mask_value(field, name, new)))
    return changes


def _centre_of(item: Any, stored: Mapping[str, Any] | None) -> str | None:
    centre = getattr(item, "centre", None) or (stored or {}).get("centre")
    if centre is None and type(item).__name__ == "ServiceCentre":
        centre = getattr(item, "code", None)
    return centre if isinstance(centre, str) else None


OPERATIONS = {"add": "create", "edit": "update", "delete": "delete"}


def on_record_written(sender: type, operation: str, item: Any,
                      before: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    """Every create, update and delete made through a screen or an API."""
    if sender is AuditEntry:
        return
    after = None if operation == "delete" else item.to_mongo().to_dict()
    record(OPERATIONS[operation], document=sender.__name__, record_id=item.pk,
           centre=_centre_of(item, before), summary=str(item)[:200],
           changes=diff(sender, before, after))


def on_case_changed(case: Any, actor: Any = None, action: str = "", event: Any = None,
                    now: Any = None, **kwargs: Any) -> None:
    """Every lifecycle action on a case (sent by models.lifecycle after the commit)."""
    states = ""
    if event is not None and (event.from_state or event.to_state):
        states = f" {event.from_state or ''} → {event.to_state or ''}"
    task = case.subtask(event.subtask) if event is not None and event.subtask else None
    subtask = f" [{task.agency_name or task.agency} · {task.item_name}]" if task else ""
    record("action", document="Case", record_id=case.pk, centre=case.centre,
           actor=getattr(actor, "username", None),
           summary=f"{case.number}: {action}{subtask}{states}")


def on_login(user: Any, success: bool, username: str) -> None:
    """A sign-in on the form or the API, successful or not."""
    record("login" if success else "login_failed", document="User",
           record_id=getattr(user, "pk", None), centre=getattr(user, "centre", None),
           actor=username[:128], summary=username[:128])


def on_user_changed(sender: Any, event: Any = None, **kwargs: Any) -> None:
    """Changes the security manager makes to a user (password resets, the CLI)."""
    if event is None or not getattr(event, "is_committed", False):
        return
    user = event.model
    changes = [Change(field=name, before="", after=mask_value(None, name,
                                                              (value or {}).get("new")))
               for name, value in (event.changes or {}).items() if name not in IGNORED_FIELDS]
    record("update" if event.action == "updated" else "create", document="User",
           record_id=getattr(user, "pk", None), centre=getattr(user, "centre", None),
           summary=getattr(user, "username", "") or "", changes=changes)


def reveal(document: type, item: Any, column: str) -> None:
    """A full personal identifier was shown to the current user."""
    record("reveal", document=document.__name__, record_id=item.pk,
           centre=_centre_of(item, None), summary=f"{column}: {item}")


def enabled() -> bool:
    return bool(current_app.config.get("ONEWINDOW_AUDIT", True))
