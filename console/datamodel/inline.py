"""Embedded document lists edited inline: the form field, its table widget and its displays.

An ``EmbeddedDocumentListField`` becomes :class:`InlineListField`, a WTForms ``FieldList`` of
``FormField`` rows rendered as a table with add-row and remove-row buttons (``inline.js``, served
by this package; without JavaScript there is always one blank row to fill). Rows whose inputs are
all empty are ignored, and on save the list is rebuilt from the rows exactly as submitted.
A sub-column that is a list of strings is a text area in its cell, one entry per line (a row
whose text areas hold only blank lines is still a blank row); it is shown joined with "；".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
import datetime
import itertools
from typing import Any

from flask import url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape
from wtforms.fields import FieldList, FormField
from wtforms.utils import unset_value

ASSETS_BLUEPRINT = "onewindow_datamodel"
SCRIPT = "onewindow/inline.js"


@dataclass(frozen=True)
class InlineList:
    """How a view shows one embedded list.

    :param columns: embedded fields shown as table columns (default: all of them).
    :param labels: column labels, overriding the fields' ``verbose_name``.
    :param summary_column: the column summarised in lists (default: the first column).
    :param min_rows: rows always offered in the form.
    :param max_rows: rows accepted at most (None: no limit).
    """

    columns: Sequence[str] | None = None
    labels: Mapping[str, Any] = dc_field(default_factory=dict)
    summary_column: str | None = None
    min_rows: int = 0
    max_rows: int | None = None

    @classmethod
    def of(cls, declared: InlineList | Sequence[str] | None) -> InlineList:
        """An ``InlineList`` from a view declaration: an InlineList, a column list or None."""
        if isinstance(declared, InlineList):
            return declared
        return cls(columns=list(declared) if declared else None)


def _is_blank_row(entry: FormField) -> bool:
    for sub in entry.form:
        for value in sub.raw_data or ():
            if not isinstance(value, str) or value.strip():
                return False
    return True


class InlineTableWidget:
    """Renders an :class:`InlineListField` as an editable table."""

    def __call__(self, field: InlineListField, **kwargs: Any) -> Markup:
        columns = field.columns
        template_row = field.row_field("__index__")
        head = "".join(
            f"<th>{escape(field.labels.get(col, col))}{_required_mark(template_row.form[col])}</th>"
            for col in columns
        )
        rows = [self.row(entry, columns) for entry in field.entries]
        if field.max_entries is None or len(field.entries) < field.max_entries:
            rows.append(self.row(field.row_field(field.next_index()), columns))
        template = self.row(template_row, columns)
        # Outside the f-string, where Babel's extractor finds it.
        add_label = escape(gettext("Add a row"))
        reveal = ""
        reveal_label = gettext("Show the full values (recorded in the audit log)")
        if getattr(field, "reveal_url", None):
            # Masked phones or ID numbers in the rows: their full values, audited (the view).
            reveal = (
                f' <a href="{escape(field.reveal_url)}" class="btn btn-default btn-sm" '
                'target="_blank" rel="noopener" data-ow-reveal>'
                f"{escape(reveal_label)}</a>"
            )
        return Markup(
            f'<div class="ow-inline" id="{escape(field.id)}" data-ow-inline '
            f'data-ow-next-index="{field.next_index() + 1}" '
            f'data-ow-max-rows="{field.max_entries or ""}">'
            '<table class="table table-bordered table-condensed ow-inline-table">'
            f'<thead><tr>{head}<th class="ow-inline-actions"></th></tr></thead>'
            f"<tbody data-ow-rows>{''.join(rows)}</tbody></table>"
            f"<template data-ow-template>{template}</template>"
            '<button type="button" class="btn btn-default btn-sm" data-ow-add>'
            f'<i class="fa fa-plus"></i> {add_label}</button>{reveal}'
            "</div>"
            f'<script src="{escape(_script_url())}" defer></script>'
        )

    def row(self, entry: FormField, columns: Sequence[str]) -> str:
        cells = []
        for col in columns:
            sub = entry.form[col]
            messages = "".join(
                f'<div class="text-danger small">{escape(message)}</div>' for message in sub.errors
            )
            css = "has-error" if sub.errors else ""
            cells.append(f'<td class="{css}">{sub(required=False)}{messages}</td>')
        remove = escape(gettext("Remove this row"))
        up, down = escape(gettext("Move this row up")), escape(gettext("Move this row down"))
        # The order of the rows is the order of the list (a material list is printed in it).
        return (
            f'<tr data-ow-row>{"".join(cells)}<td class="ow-inline-actions">'
            f'<button type="button" class="btn btn-default btn-sm" data-ow-up '
            f'title="{up}" aria-label="{up}"><i class="fa fa-arrow-up"></i></button>'
            f'<button type="button" class="btn btn-default btn-sm" data-ow-down '
            f'title="{down}" aria-label="{down}"><i class="fa fa-arrow-down"></i></button>'
            f'<button type="button" class="btn btn-default btn-sm" data-ow-remove '
            f'title="{remove}" aria-label="{remove}"><i class="fa fa-times"></i></button>'
            "</td></tr>"
        )


def _required_mark(sub: Any) -> str:
    return ' <strong style="color: red">&#42;</strong>' if sub.flags.required else ""


def _script_url() -> str:
    return url_for(f"{ASSETS_BLUEPRINT}.static", filename=SCRIPT)


class InlineListField(FieldList):
    """A list of embedded documents edited as table rows of a sub-form.

    :param row_form: a plain ``wtforms.Form`` class with one field per column.
    :param document: the ``EmbeddedDocument`` class a row becomes.
    :param columns: the row form's fields, in display order.
    :param labels: column labels.
    """

    widget = InlineTableWidget()

    def __init__(
        self,
        row_form: type,
        document: type,
        columns: Sequence[str],
        labels: Mapping[str, Any],
        label: Any = None,
        validators: Sequence[Any] | None = None,
        min_entries: int = 0,
        max_entries: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            FormField(row_form),
            label,
            validators,
            min_entries=min_entries,
            max_entries=max_entries,
            **kwargs,
        )
        self.document = document
        self.columns = list(columns)
        self.labels = dict(labels)

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata:
            self.entries = [entry for entry in self.entries if not _is_blank_row(entry)]

    def next_index(self) -> int:
        return max([self.last_index, *(entry.index for entry in self.entries)]) + 1

    def row_field(self, index: int | str) -> FormField:
        """An empty row, not part of the data: the blank row and the add-row template."""
        options = dict(
            name=f"{self.name}-{index}",
            id=f"{self.id}-{index}",
            _meta=self.meta,
            translations=self._translations,
        )
        entry = self.meta.bind_field(self._form, self.unbound_field, options)
        entry.process(None)
        return entry

    def validate(self, form: Any, extra_validators: Sequence[Any] = ()) -> bool:
        self.errors = []
        rows_ok = True
        for entry in self.entries:
            rows_ok = entry.validate(form) and rows_ok
        # Row messages are shown in their cells; the field itself carries only text, because
        # FAB's form template translates each of a field's errors as a string.
        if not rows_ok:
            self.errors.append(gettext("Please correct the rows marked below."))
        self._run_validation_chain(form, itertools.chain(self.validators, extra_validators))
        return not self.errors

    def add_record_errors(self, messages: Mapping[Any, Any] | str) -> None:
        """Attach MongoEngine's ``{row_index: {column: message}}`` messages to the cells."""
        if not isinstance(messages, Mapping):
            self.errors = [*self.errors, str(messages)]
            return
        for index, row in messages.items():
            try:
                entry = self.entries[int(index)]
            except (ValueError, IndexError):
                continue
            for col, message in row.items() if isinstance(row, Mapping) else [("", row)]:
                if col in entry.form._fields:
                    sub = entry.form[col]
                    sub.errors = [*sub.errors, str(message)]
                else:
                    self.errors = [*self.errors, str(message)]
        if not self.errors:
            self.errors = [gettext("Please correct the rows marked below.")]

    def populate_obj(self, obj: Any, name: str) -> None:
        rows = []
        for entry in self.entries:
            row = self.document()
            entry.form.populate_obj(row)
            rows.append(row)
        setattr(obj, name, rows)


# ---------------------------------------------------------------- displays


LINE_SEPARATOR = "；"
"""Between the entries of a list of strings shown as one text."""


def join_lines(value: Any) -> str:
    """A list of strings as one text, "a；b"; anything else as text ("" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LINE_SEPARATOR.join(str(entry) for entry in value)
    return str(value)


def personal_mask(field: Any) -> Any:
    """The masking function for a personal-data field, None for any other field."""
    from forms.validators import mask_id_number, mask_phone
    from models.fields import IdNumberField, PhoneField

    if isinstance(field, PhoneField):
        return mask_phone
    if isinstance(field, IdNumberField):
        return mask_id_number
    return None


def display_value(datamodel: Any, col: str, value: Any) -> str:
    """One embedded value as text: choice labels, yes/no, ISO dates, names of references,
    lists of strings joined with "；"."""
    if value is None or value == "":
        return ""
    masked = personal_mask(datamodel.field(col))
    if masked is not None:
        # Phones and ID numbers in rows (agency liaisons…) are shown masked; the full value is
        # one audited click away for the roles that need it (MongoModelView.reveal).
        return masked(str(value))
    if datamodel.is_string_list(col):
        return join_lines(value)
    if datamodel.is_choice(col):
        return str(datamodel.choice_label(col, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return (
            value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_table(datamodel: Any, spec: InlineList, labels: Mapping[str, Any], rows: Any) -> Markup:
    """Rows of an embedded list as a read-only HTML table (the show page)."""
    rows = list(rows or [])
    if not rows:
        return Markup("")
    columns = spec.columns or datamodel.get_user_columns_list()
    head = "".join(f"<th>{escape(labels.get(col, col))}</th>" for col in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(display_value(datamodel, col, getattr(row, col, None)))}</td>"
            for col in columns
        )
        + "</tr>"
        for row in rows
    )
    return Markup(
        '<table class="table table-condensed table-bordered ow-inline-show">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def summarize(datamodel: Any, spec: InlineList, rows: Any, shown: int = 2) -> str:
    """A short text for lists, e.g. "3 items: 营业执照, 章程, …"."""
    rows = list(rows or [])
    if not rows:
        return ""
    column = spec.summary_column or (spec.columns or datamodel.get_user_columns_list())[0]
    names = [display_value(datamodel, column, getattr(row, column, None)) for row in rows[:shown]]
    text = ", ".join(names) + (", …" if len(rows) > shown else "")
    return ngettext("%(num)d item: %(names)s", "%(num)d items: %(names)s", len(rows), names=text)
