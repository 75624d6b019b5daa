"""Document → WTForms conversion for FAB views, built on FAB's ``GeneralModelConverter``.

Additions to FAB's conversion: choice fields become select boxes, embedded lists become inline
row tables (:mod:`console.datamodel.inline`), lists of strings become text areas with one entry
per line (:class:`StringListField`), blank text is stored as "no value", MongoEngine's
own rules (``regex``, ``min_value``/``max_value``) become validators, phones and ID numbers are
edited masked (:class:`MaskedField`), and a whole-record check
(:class:`DocumentForm`) runs the document's validation and uniqueness checks before FAB saves, so
that those errors are shown on the form with the user's input kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import logging
from typing import Any

from flask import flash, has_request_context
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import (
    BS3TextAreaFieldWidget,
    BS3TextFieldWidget,
    DatePickerWidget,
    DateTimePickerWidget,
    Select2ManyWidget,
    Select2Widget,
)
from flask_appbuilder.forms import DynamicForm, GeneralModelConverter
from flask_appbuilder.validators import Unique
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtf_translations
from markupsafe import Markup
from wtforms import Form, SelectField, StringField, TextAreaField
from wtforms import validators as wtv
from wtforms.fields import DateField, DateTimeLocalField
from wtforms.fields.core import UnboundField
from wtforms.widgets import DateTimeLocalInput, Select

from console.datamodel.errors import NON_FIELD
from console.datamodel.inline import InlineList, InlineListField, personal_mask
from forms.dates import DateInputWidget

log = logging.getLogger(__name__)

# In table rows that JavaScript copies, widgets that need page-load initialisation are swapped
# for native ones: widget class → (field class or None to keep it, replacement widget).
_ROW_WIDGETS: dict[type, tuple[type | None, Any]] = {
    Select2Widget: (None, lambda: Select()),
    Select2ManyWidget: (None, lambda: Select(multiple=True)),
    # Flask-AppBuilder's picker, set up on first focus (a native date box follows the browser's
    # locale, not the page's).
    DatePickerWidget: (DateField, lambda: DateInputWidget()),
    DateTimePickerWidget: (DateTimeLocalField, lambda: DateTimeLocalInput()),
}


REGEX_MESSAGES: dict[str, Any] = {}
"""What a value of a field's ``regex`` may hold, said instead of "Invalid format." (the
application registers its patterns' sentences: ``console.views.config``)."""


def blank_to_none(value: Any) -> Any:
    """WTForms filter: an empty text input means "no value", not an empty string."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


class StringListField(TextAreaField):
    """A list of strings edited in a text area, one entry per line.

    Each line is stripped and blank lines are dropped, so the data is exactly the non-blank
    lines; with no lines at all it is an empty list.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            text = valuelist[0] if isinstance(valuelist[0], str) else ""
            self.data = [line.strip() for line in text.splitlines() if line.strip()]

    def process_data(self, value: Any) -> None:
        self.data = [str(entry) for entry in value] if isinstance(value, (list, tuple)) else []

    def _value(self) -> str:
        return "\n".join(self.data or [])


class MaskedInput(BS3TextFieldWidget):
    """A text input with, for the roles allowed to see it, a link to the full value (audited)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        html = super().__call__(field, **kwargs)
        url = getattr(field, "reveal_url", None)
        if not url:
            return html
        label = gettext("Show the full value (recorded in the audit log)")
        return html + Markup(
            ' <a href="{}" class="btn btn-xs btn-default" target="_blank" rel="noopener"'
            ' data-ow-reveal>{}</a>'
        ).format(url, label)


class MaskedField(StringField):
    """A phone or ID number edited without being shown: the form shows the stored value masked
    (``138****5678``); sent back unchanged, the stored value is kept (:meth:`keep`); a new value
    typed in replaces it and is checked like any other. The full value is one audited click
    away for the roles allowed to see it (``reveal_url``, set by the view)."""

    reveal_url: str | None = None

    def __init__(self, *args: Any, mask: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mask = mask
        self.placeholder = False

    def _value(self) -> str:
        if self.raw_data:  # what was posted, as posted: never more than the user sent
            return str(self.raw_data[0])
        return self.mask(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.placeholder = bool(self.data) and "*" in str(self.data)

    def keep(self, stored: Any) -> None:
        """Take the stored value when the masked one came back unchanged."""
        if self.placeholder and stored and self.mask(str(stored)) == self.data:
            self.data, self.placeholder = stored, False

    def pre_validate(self, form: Any) -> None:
        if self.placeholder:
            raise wtv.StopValidation(gettext(
                "Type the full number, or leave the masked value as it was shown."))


def keep_masked(form: Any, stored: Any) -> None:
    """Masked values sent back unchanged take the stored record's values (rows included)."""
    for field in form:
        if isinstance(field, MaskedField):
            field.keep(getattr(stored, field.name, None) if stored is not None else None)
        elif isinstance(field, InlineListField):
            rows = list(getattr(stored, field.name, None) or []) if stored is not None else []
            for index, entry in enumerate(field.entries):
                for sub in entry.form:
                    if not isinstance(sub, MaskedField) or not sub.placeholder:
                        continue
                    # The same row first, then any stored row showing the same masked value.
                    ordered = rows[index:index + 1] + rows
                    for row in ordered:
                        sub.keep(getattr(row, sub.short_name, None))
                        if not sub.placeholder:
                            break


class LinesRequired:
    """A required string list: at least one non-blank line."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            raise wtv.StopValidation(gettext("Enter at least one line."))


class LineRules:
    """The rules of the list's element field (``max_length``, ``min_length``, ``regex``,
    ``choices``) and the list's own ``max_length`` (a number of lines), line by line; each
    message names the line."""

    def __init__(self, datamodel: Any, col_name: str) -> None:
        element = datamodel.item_field(col_name)
        self.max_length = getattr(element, "max_length", None)
        self.min_length = getattr(element, "min_length", None)
        self.regex = getattr(element, "regex", None)
        choices = getattr(element, "choices", None) or datamodel.field(col_name).choices or ()
        self.choices = [c[0] if isinstance(c, (list, tuple)) else c for c in choices]
        self.max_lines = getattr(datamodel.field(col_name), "max_length", None)

    def __call__(self, form: Any, field: Any) -> None:
        lines = field.data or []
        messages = []
        if self.max_lines is not None and len(lines) > self.max_lines:
            messages.append(gettext("At most %(max)d lines.", max=self.max_lines))
        for num, line in enumerate(lines, start=1):
            if self.max_length is not None and len(line) > self.max_length:
                messages.append(
                    gettext(
                        "Line %(num)d is longer than %(max)d characters.",
                        num=num,
                        max=self.max_length,
                    )
                )
            if self.min_length is not None and len(line) < self.min_length:
                messages.append(
                    gettext(
                        "Line %(num)d is shorter than %(min)d characters.",
                        num=num,
                        min=self.min_length,
                    )
                )
            if self.regex is not None and not self.regex.match(line):
                messages.append(gettext("Line %(num)d: invalid format.", num=num))
            if self.choices and line not in self.choices:
                messages.append(gettext("Line %(num)d is not an allowed value.", num=num))
        if messages:
            # One message per problem; the last is raised, the others are added first.
            field.errors.extend(messages[:-1])
            raise wtv.ValidationError(messages[-1])


class CheckedMultipleField(QuerySelectMultipleField):
    """FAB's multiple select of records, refusing an id that is not among the choices: FAB's
    checks its "unknown id posted" flag before computing it, so the unknown id was dropped and
    the rest saved."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # An empty value (a blank option, a cleared box) chooses nothing; it is no unknown id.
        super().process_formdata([value for value in valuelist if value])

    def pre_validate(self, form: Any) -> None:
        self.data  # noqa: B018 - computing the data sets the flag
        super().pre_validate(form)


class FormTranslations:
    """Field messages in the page's language: our catalog first (Flask-AppBuilder's own fields
    raise "Not a valid choice", which WTForms' catalog lacks, and WTForms' Chinese for "at
    least" reads "more than"), then WTForms' catalog as Flask-WTF loads it."""

    def gettext(self, string: str) -> str:
        ours = gettext(string) if has_request_context() else string
        return ours if ours != string else wtf_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtf_translations.ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


class TranslatedMeta:
    """Form ``Meta`` that gives every field :data:`FORM_TRANSLATIONS` (the rows of inline
    tables are plain WTForms forms: without it their messages stayed English)."""

    def get_translations(self, form: Any) -> FormTranslations:
        return FORM_TRANSLATIONS


class DocumentForm(DynamicForm):
    """A FAB form that also checks the whole record as MongoEngine would save it.

    After the fields validate, the submitted values are copied onto a scratch record (the stored
    one for an edit: FAB sets ``form._id`` first) and its validation (field rules, ``clean()``)
    and unique values are checked. Messages for fields of the form are attached to them,
    record-level ones are flashed; messages for fields the form does not have are left to the
    write itself, because ``pre_add``/``pre_update`` may still fill those fields.
    """

    _datamodel: Any = None

    Meta = TranslatedMeta

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        pk = getattr(self, "_id", None)
        if self._datamodel is not None:
            keep_masked(self, self._datamodel.get(pk) if pk is not None else None)
        if not super().validate(extra_validators=extra_validators):
            return False
        if self._datamodel is None:
            return True
        target = self._datamodel.obj() if pk is None else self._datamodel.get(pk)
        if target is None:
            return True
        self.populate_obj(target)
        # As the write will: scope values first, so that clean() sees them.
        self._datamodel.scope_errors(target, stamp=True)
        return self.apply_record_errors(self._datamodel.validation_errors(target))

    def apply_record_errors(self, errors: Mapping[str, Any]) -> bool:
        """Attach ``{field: message}`` record errors to the form; False when any applies."""
        ok = True
        for name, message in errors.items():
            if name == NON_FIELD:
                self.form_errors.append(str(message))
                if has_request_context():
                    flash(str(message), "danger")
                ok = False
            elif name in self._fields:
                field = self[name]
                if isinstance(field, InlineListField):
                    field.add_record_errors(message)
                else:
                    field.errors = [*field.errors, str(message)]
                ok = False
        return ok


class MongoModelConverter(GeneralModelConverter):
    """FAB's model converter with MongoEngine additions (see the module docstring).

    :param datamodel: the :class:`~console.datamodel.interface.MongoEngineInterface`.
    :param inline_columns: ``{column: InlineList | [sub-columns]}`` for embedded lists.
    :param row_form: build the plain row forms of inline tables (no CSRF, no defaults).
    """

    def __init__(
        self,
        datamodel: Any,
        inline_columns: Mapping[str, Any] | None = None,
        row_form: bool = False,
    ) -> None:
        super().__init__(datamodel)
        self.inline_columns = dict(inline_columns or {})
        self.row_form = row_form
        self._label_columns: Mapping[str, Any] = {}
        self._search = False

    def create_form(
        self,
        label_columns: Mapping[str, Any] | None = None,
        inc_columns: Sequence[str] | None = None,
        description_columns: Mapping[str, Any] | None = None,
        validators_columns: Mapping[str, Any] | None = None,
        extra_fields: Mapping[str, Any] | None = None,
        filter_rel_fields: Mapping[str, Any] | None = None,
        base: type = DocumentForm,
    ) -> type:
        """A form class over ``inc_columns``; ``base`` is :class:`DocumentForm` unless told."""
        self._label_columns = label_columns or {}
        # Search forms only take one value per column (a single line for a string list).
        self._search = not self.row_form and not issubclass(base, DocumentForm)
        generated = super().create_form(
            label_columns,
            inc_columns,
            description_columns,
            # FAB appends to these lists: never hand it the view's own.
            {k: list(v) for k, v in (validators_columns or {}).items()},
            extra_fields,
            filter_rel_fields,
        )
        unbound = {k: v for k, v in vars(generated).items() if isinstance(v, UnboundField)}
        if self.row_form:
            return type("InlineRowForm", (Form,), {**unbound, "Meta": TranslatedMeta})
        attrs: dict[str, Any] = dict(unbound)
        if issubclass(base, DocumentForm):
            attrs["_datamodel"] = self.datamodel
        return type(f"{self.datamodel.model_name}Form", (base,), attrs)

    def _convert_col(
        self,
        col_name: str,
        label: Any,
        description: Any,
        lst_validators: list[Any],
        filter_rel_fields: Mapping[str, Any] | None,
        form_props: dict[str, Any],
    ) -> dict[str, Any]:
        if self.datamodel.is_embedded_list(col_name):
            if self.row_form:
                log.warning("Embedded list %s inside a row is not editable", col_name)
                return form_props
            form_props[col_name] = self._convert_inline(
                col_name, label, description, lst_validators
            )
            return form_props
        if self.datamodel.is_string_list(col_name):
            form_props[col_name] = self._convert_string_list(
                col_name, label, description, lst_validators
            )
            return form_props
        if self.datamodel.is_choice(col_name):
            form_props[col_name] = self._convert_choice(
                col_name, label, description, lst_validators
            )
        else:
            super()._convert_col(
                col_name, label, description, lst_validators, filter_rel_fields, form_props
            )
        if form_props.get(col_name) is None:
            # FAB logged "Type not supported": no field rather than a broken one.
            form_props.pop(col_name, None)
        else:
            form_props[col_name] = self._refine(col_name, form_props[col_name])
        return form_props

    def _convert_choice(
        self, col_name: str, label: Any, description: Any, lst_validators: list[Any]
    ) -> UnboundField:
        field = self.datamodel.field(col_name)

        def coerce(value: Any) -> Any:
            return None if value is None or value == "" else field.to_python(value)

        if self.datamodel.is_nullable(col_name):
            lst_validators.append(wtv.Optional())
        else:
            lst_validators.append(wtv.InputRequired())
        # Lazy labels: the form class is built once, its options are shown in each request's
        # language.
        choices = [("", "")] + [(str(v), label_)
                                for v, label_ in self.datamodel.choices(col_name, lazy=True)]
        return SelectField(
            label,
            description=description,
            validators=lst_validators,
            choices=choices,
            coerce=coerce,
            widget=Select2Widget(),
            default=self.datamodel.get_col_default(col_name),
        )

    def _convert_string_list(
        self, col_name: str, label: Any, description: Any, lst_validators: list[Any]
    ) -> UnboundField:
        if self._search:
            return StringField(
                label,
                description=description,
                validators=[wtv.Optional()],
                widget=BS3TextFieldWidget(),
            )
        checks = [v for v in lst_validators if not isinstance(v, Unique)]
        if not self.datamodel.is_nullable(col_name):
            checks.insert(0, LinesRequired())
        checks.append(LineRules(self.datamodel, col_name))
        return StringListField(
            label,
            description=description or _l("One entry per line."),
            validators=checks,
            widget=BS3TextAreaFieldWidget(),
        )

    def _convert_inline(
        self, col_name: str, label: Any, description: Any, lst_validators: list[Any]
    ) -> UnboundField:
        spec = InlineList.of(self.inline_columns.get(col_name))
        row_datamodel = self.datamodel.get_related_interface(col_name)
        columns = list(spec.columns or row_datamodel.get_user_columns_list())
        labels = {
            col: spec.labels.get(col)
            or self._label_columns.get(f"{col_name}.{col}")
            or row_datamodel.get_label(col)
            for col in columns
        }
        row_form = MongoModelConverter(row_datamodel, row_form=True).create_form(labels, columns)
        return InlineListField(
            row_form,
            row_datamodel.obj,
            columns,
            labels,
            label=label,
            description=description,
            validators=lst_validators,
            min_entries=spec.min_rows,
            max_entries=spec.max_rows,
        )

    def _refine(self, col_name: str, unbound: UnboundField) -> UnboundField:
        """Adjust a converted field: no FAB Unique, blank text → None, MongoEngine's rules."""
        dm = self.datamodel
        kwargs = dict(unbound.kwargs)
        field_class = unbound.field_class
        # Uniqueness is checked across the whole collection by DocumentForm (FAB's Unique
        # validator only sees the user's scope).
        checks = [v for v in kwargs.get("validators") or [] if not isinstance(v, Unique)]
        if dm.is_string(col_name) and not dm.is_choice(col_name):
            kwargs["filters"] = [*kwargs.get("filters", ()), blank_to_none]
            pattern = dm.get_regex(col_name)
            if pattern is not None:
                said = REGEX_MESSAGES.get(getattr(pattern, "pattern", pattern))
                checks.append(wtv.Regexp(pattern, message=said or _l("Invalid format.")))
        low, high = dm.get_min_value(col_name), dm.get_max_value(col_name)
        if low is not None or high is not None:
            checks.append(wtv.NumberRange(min=low, max=high))
        kwargs["validators"] = checks
        mask = None if self._search else personal_mask(dm.field(col_name))
        if mask is not None and issubclass(field_class, StringField):
            field_class, kwargs["mask"] = MaskedField, mask
            if not self.row_form:
                kwargs["widget"] = MaskedInput()
        if field_class is QuerySelectMultipleField:
            field_class = CheckedMultipleField
        if kwargs.get("allow_blank") and not kwargs.get("blank_text"):
            # WTForms 3.3 shows an option without a label by its value, FAB's "__None".
            kwargs["blank_text"] = _l("(none)")
        if self.row_form:
            kwargs["default"] = None
            swap = _ROW_WIDGETS.get(type(kwargs.get("widget")))
            if swap is not None:
                field_class = swap[0] or field_class
                kwargs["widget"] = swap[1]()
                kwargs["render_kw"] = {"class": "form-control"}
        return UnboundField(field_class, *unbound.args, name=unbound.name, **kwargs)
