"""Date inputs that read the same in every browser: Flask-AppBuilder's date picker (a text box
typed as YYYY-MM-DD with a calendar in the page's language), never the native ``type="date"``,
which Chromium draws in its own locale (``mm/dd/yyyy`` in a Chinese page, and typed
``2026-11-24`` is lost)."""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_babel import gettext
from markupsafe import Markup
from wtforms.widgets import html_params

# Flask-AppBuilder's markup (ab.js sets up `.appbuilder_date` on page ready) plus the data
# attributes with which bootstrap-datepicker sets a box up on first focus: boxes added later
# (a copied table row) work as well. No id="datepicker", which repeated rows would share.
TEMPLATE = (
    '<div class="input-group date appbuilder_date ow-date" data-provide="datepicker"'
    ' data-date-format="yyyy-mm-dd" data-date-autoclose="true">'
    '<span class="input-group-addon"><i class="fa fa-calendar cursor-hand"></i></span>'
    "<input {attributes}></div>"
)


def date_input(name: str, value: Any = None, **attributes: Any) -> Markup:
    """A date box for ``name`` holding ``value`` (a date or its ISO text)."""
    text = value.isoformat() if hasattr(value, "isoformat") else (value or "")
    attributes.setdefault("placeholder", gettext("YYYY-MM-DD"))
    classes = ["form-control", *str(attributes.pop("class", "")).split()]
    attributes["class"] = " ".join(dict.fromkeys(classes))
    return Markup(TEMPLATE.format(attributes=html_params(
        type="text", name=name, value=text, autocomplete="off", **attributes)))


class DateInputWidget(DatePickerWidget):
    """The same box for a WTForms date field, in a form or a copied table row."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs["class"] = f"{kwargs.pop('class', '')} {kwargs.pop('class_', '')}"
        value = field._value() if hasattr(field, "_value") else field.data
        return date_input(field.name, value, **kwargs)
