"""List arguments Flask-AppBuilder parses without checking, made safe before any view sees them.

FAB reads ``page_<View>``/``psize_<View>`` with a bare ``int()``, indexes its filter table with the
digit of ``_flt_<n>_<column>``, and orders by whatever column ``_oc_<View>`` names. For every
view of the console (ours, FAB's security screens, any screen added later) this drops, before
the view runs: page numbers and sizes that are not small non-negative integers, filters on a
column the screen does not search or with an index it does not have, and ordering on a column
the screen does not declare orderable (a hidden column, a password hash, a full phone number).
Dropped arguments are ignored, as if they had not been sent.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask_appbuilder.models.filters import Filters
from werkzeug.datastructures import ImmutableMultiDict

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000

_PAGE = re.compile(r"(page|psize)_(.+)")
_FILTER = re.compile(r"_flt_(\d+)_(.+)")
_ORDER = re.compile(r"_o[cd]_(.+)")


def _view_for_request() -> Any | None:
    blueprint = request.blueprint
    if not blueprint:
        return None
    for view in current_app.appbuilder.baseviews:
        if getattr(view, "blueprint", None) is not None and view.blueprint.name == blueprint:
            return view
    return None


def _keep(name: str, values: list[str], view: Any) -> bool:
    match = _PAGE.fullmatch(name)
    if match:
        limit = MAX_PAGE_SIZE if match.group(1) == "psize" else MAX_PAGE
        return all(value.isdigit() and int(value) <= limit for value in values)
    match = _FILTER.fullmatch(name)
    if match:
        filters = getattr(view, "_filters", None)
        if not isinstance(filters, Filters):
            return False
        index, column = int(match.group(1)), match.group(2)
        available = filters.get_search_filters().get(column) or []
        return index < len(available)
    match = _ORDER.fullmatch(name)
    if match:
        if name.startswith("_od_"):
            return all(value in ("asc", "desc") for value in values)
        return all(value in (getattr(view, "order_columns", None) or []) for value in values)
    return True


def clean_list_arguments() -> None:
    """``before_request``: replace ``request.args`` by the arguments that are safe to parse."""
    if not request.args:
        return
    view = _view_for_request()
    # A view that serves another screen's list (an export) names that screen.
    if hasattr(view, "list_arguments_view"):
        view = view.list_arguments_view()
    kept = [
        (name, value)
        for name in request.args
        if _keep(name, values := request.args.getlist(name), view)
        for value in values
    ]
    if len(kept) != len(list(request.args.items(multi=True))):
        # Request.args is a cached property: setting it replaces what every reader sees.
        request.args = ImmutableMultiDict(kept)


def init_app(app: Flask) -> None:
    app.before_request(clean_list_arguments)
