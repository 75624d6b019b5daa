"""How each kind of field is shown on list and show pages: references by their label, lists as
lists, nothing as blank, yes/no in words, dates as dates, a centre by its name, a person by the
staff name behind a login. One formatter per kind, chosen from a dispatch table, so no Python
repr, ``None`` or ObjectId ever reaches the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
import datetime
import functools
from typing import Any

from bson import ObjectId
from flask import g, has_app_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from console.datamodel.inline import display_value, join_lines
from models.people import person

Formatter = Callable[[Any], Any]

# Columns holding a service-centre code (None: shared by all centres).
CENTRE_COLUMNS = frozenset({"centre"})
SHARED = _l("Shared by all centres")


def text(value: Any) -> str:
    """Any value as plain text: blank for nothing, yes/no, ISO dates, labels of documents."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, ObjectId):
        # An id is never shown; a dangling reference shows as blank.
        return ""
    if isinstance(value, (list, tuple, set)):
        return "、".join(filter(None, (text(entry) for entry in value)))
    return str(value)


def as_list(values: Iterable[Any] | None) -> Markup:
    """Several values as a list, one per line, each by its label."""
    shown = [text(value) for value in (values or ())]
    shown = [entry for entry in shown if entry]
    if not shown:
        return Markup("")
    items = "".join(f"<li>{escape(entry)}</li>" for entry in shown)
    return Markup(f'<ul class="ow-list">{items}</ul>')


def yes_no(value: Any) -> str:
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def _centre_names() -> dict[str, str]:
    """Code → name of every centre, loaded once per request."""
    from models import ServiceCentre

    if not has_app_context():
        return {row.code: row.name for row in ServiceCentre.objects.only("code", "name")}
    names = getattr(g, "_onewindow_centre_names", None)
    if names is None:
        names = {row.code: row.name for row in ServiceCentre.objects.only("code", "name")}
        g._onewindow_centre_names = names
    return names


def centre_name(code: Any) -> str:
    """A centre code shown as the centre's name; no centre means shared by all."""
    if not code:
        return str(SHARED)
    return _centre_names().get(str(code), str(code))


# Field kind → formatter. Kinds not listed (strings, numbers) are shown as text.
_BY_KIND: dict[str | None, Formatter] = {
    "reference": text,
    "reference_list": as_list,
    "string_list": join_lines,
    "boolean": yes_no,
    "date": text,
    "datetime": text,
    "object_id": text,
}


def formatter_for(datamodel: Any, col: str) -> Formatter:
    """The formatter of one column of ``datamodel``."""
    if col in CENTRE_COLUMNS and datamodel.kind(col) == "string":
        return centre_name
    if datamodel.is_choice(col):
        return functools.partial(display_value, datamodel, col)
    return _BY_KIND.get(datamodel.kind(col), text)


def init_app(app: Any) -> None:
    """Template filters for hand-written pages: ``person``, ``centre_name``, ``shown``."""
    app.jinja_env.filters.setdefault("person", person)
    app.jinja_env.filters.setdefault("centre_name", centre_name)
    app.jinja_env.filters.setdefault("shown", text)
