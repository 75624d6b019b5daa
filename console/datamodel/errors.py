"""Write errors: MongoEngine's exceptions turned into one translated, field-aware exception."""

from __future__ import annotations

from collections.abc import Mapping
import logging
import re
from typing import Any

from flask_appbuilder.exceptions import DatabaseException
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from mongoengine.errors import ValidationError

log = logging.getLogger(__name__)

NON_FIELD = "__all__"
"""Key of messages that belong to the whole record (``Document.clean()``), as MongoEngine uses."""

# MongoEngine's own messages are English and untranslated; the usual ones get a translation.
_KNOWN_MESSAGES = {
    "Field is required": _l("This field is required."),
    "String value is too long": _l("The text is too long."),
    "String value is too short": _l("The text is too short."),
    "String value did not match validation regex": _l("Invalid format."),
    "Integer value is too small": _l("The number is too small."),
    "Integer value is too large": _l("The number is too large."),
    "Float value is too small": _l("The number is too small."),
    "Float value is too large": _l("The number is too large."),
    "Decimal value is too small": _l("The number is too small."),
    "Decimal value is too large": _l("The number is too large."),
    "Invalid email address": _l("Invalid email address."),
    "Invalid URL": _l("Invalid URL."),
}
_CHOICE_MESSAGE = re.compile(r"^Value must be one of ")


def translate_message(message: Any) -> str:
    """A user-facing, translated version of one MongoEngine validation message."""
    text = str(message)
    for known, translated in _KNOWN_MESSAGES.items():
        if text.startswith(known):
            return str(translated)
    if _CHOICE_MESSAGE.match(text):
        return gettext("Not a valid choice.")
    return text


def messages_from_validation(exc: ValidationError) -> dict[str, Any]:
    """Nested ``{field: message | {row_index: {...}}}`` from a MongoEngine ValidationError."""
    if exc.errors:
        return _translate_tree(exc.to_dict())
    return {NON_FIELD: translate_message(exc.message)}


def _translate_tree(tree: Mapping[Any, Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            out[key] = _translate_tree(value)
        else:
            out[key] = translate_message(value)
    return out


def flatten_messages(messages: Mapping[Any, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``[("rows.1.name", "message"), …]`` from nested messages, for one-line display."""
    flat: list[tuple[str, str]] = []
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.extend(flatten_messages(value, path))
        elif isinstance(value, (list, tuple)):
            flat.extend((path, str(v)) for v in value)
        else:
            flat.append((path, str(value)))
    return flat


class RecordError(DatabaseException):
    """A write that was refused and did not happen; ``messages`` says why, per field.

    ``messages`` maps a field name to a message, or for an embedded list to
    ``{row_index: {sub_field: message}}``; :data:`NON_FIELD` holds record-level messages.
    ``str()`` gives one translated line fit for a flash message.
    """

    def __init__(self, messages: Mapping[str, Any] | None = None, message: str | None = None):
        self.messages = dict(messages or {})
        self.message = message or self._summary()
        super().__init__(self.message)

    def _summary(self) -> str:
        parts = []
        for path, text in flatten_messages(self.messages):
            parts.append(text if path == NON_FIELD else f"{path}: {text}")
        return "; ".join(parts) or gettext("The record could not be saved.")

    def __str__(self) -> str:
        return self.message


class UniqueError(RecordError):
    """Another record already holds a value that must be unique."""


class ScopeError(RecordError):
    """The record would fall outside what the current user may see."""


class DeleteRefusedError(RecordError):
    """Other records still refer to this one."""


class StorageError(RecordError):
    """The database failed in an unexpected way; the details went to the log."""
