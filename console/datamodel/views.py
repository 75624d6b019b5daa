"""MongoModelView: the base of every CRUD screen over a MongoEngine document.

A screen is a class of attributes::

    class ServiceItemView(MongoModelView):
        \"\"\"Service items and their material lists.\"\"\"

        datamodel = MongoEngineInterface(ServiceItem)
        list_columns = ["name", "agency", "materials"]
        search_columns = ["name", "agency"]
        inline_columns = {"materials": ["name", "copies", "original", "deferrable"]}

``inline_columns`` maps an embedded-list column to its sub-columns (or to an
:class:`~console.datamodel.inline.InlineList`); embedded lists shown in a form without a
declaration get all their sub-columns. Lists of strings (top-level or in rows) are edited one
entry per line and shown joined with "；". Labels come from ``label_columns``, then from the fields'
``verbose_name``; a sub-column label may be given as ``label_columns["materials.name"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import functools
import logging
import os
import sys
from typing import Any

from flask import Blueprint, Flask, abort, current_app, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.security import safe_join

from console.datamodel.errors import RecordError
from console.datamodel.formatters import formatter_for
from console.datamodel.forms import MongoModelConverter
from console.datamodel.inline import (
    ASSETS_BLUEPRINT,
    InlineList,
    render_table,
    summarize,
)
from console.datamodel.interface import selecting

log = logging.getLogger(__name__)

_HOOKS = ("pre_add", "pre_update", "pre_delete", "post_add", "post_update", "post_delete")


def init_assets(app: Flask) -> None:
    """Serve this package's static files (the inline-table script) once per app."""
    if ASSETS_BLUEPRINT not in app.blueprints:
        app.register_blueprint(
            Blueprint(
                ASSETS_BLUEPRINT,
                __name__,
                static_folder="static",
                static_url_path="/_datamodel/static",
            )
        )


class SafeRoutesMixin:
    """FAB routes every ModelView registers, made to answer 404 instead of failing when the
    screen has nothing for them: actions it does not declare, files it does not store."""

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name: str, pk: str) -> Any:
        if name not in self.actions:
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        if request.form.get("action") not in self.actions:
            abort(404)
        return super().action_post()

    @expose("/delete/<pk>", methods=["GET", "POST"])
    @has_access
    def delete(self, pk: str) -> Any:
        # A delete is a POST with its CSRF token; FAB would answer a GET with a redirect.
        if request.method != "POST":
            abort(405)
        return super().delete(pk)

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename: str) -> Any:
        folder = current_app.config.get("UPLOAD_FOLDER")
        if not folder or not os.path.isfile(safe_join(folder, filename) or ""):
            abort(404)
        return super().download(filename)


class MongoModelView(SafeRoutesMixin, ModelView):
    """FAB's ModelView for documents: ObjectId keys, inline embedded lists, translated errors.

    Hooks (``pre_add`` … ``post_delete``) refuse a change by raising
    :class:`~console.datamodel.errors.RecordError` (or FAB's ``DatabaseException``) with a
    translated message; any other exception they raise is logged once with its stack and shown
    as a generic translated message instead of its raw text.
    """

    inline_columns: Mapping[str, InlineList | Sequence[str]] | None = None
    """Embedded-list columns edited as inline tables: ``{column: [sub-columns] | InlineList}``."""

    unexpected_error_message = _l("Something went wrong; the change was not saved.")

    revealable_columns: Sequence[str] = ()
    """Masked personal columns whose full value a permitted role may see, one audited request
    at a time (``/reveal/<pk>/<column>``): ``["phone"]``, or ``["liaisons.phone"]`` for a
    column of embedded rows."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in _HOOKS:
            setattr(self, name, self._guarded(getattr(self, name)))

    def _get_list_widget(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # Only the columns the list shows are read and built (a case holds its whole history);
        # their formatters get just those values, and a reference is still followed on access.
        with selecting(self.list_columns):
            return super()._get_list_widget(*args, **kwargs)

    # ------------------------------------------------------------------ set-up

    def _init_properties(self) -> None:
        # Document labels (verbose_name) first; the view's own labels win.
        self.label_columns = {**self.datamodel.get_label_columns(), **(self.label_columns or {})}
        declared_formatters = dict(self.formatters_columns or {})
        self.formatters_columns = declared_formatters
        super()._init_properties()
        self.formatters_columns = dict(self.formatters_columns)
        dm = self.datamodel
        for col in dm.get_columns_list():
            if col in declared_formatters or dm.is_embedded_list(col):
                continue
            # Every kind has its formatter: labels, not reprs, ids or None (formatters.py).
            self.formatters_columns[col] = formatter_for(dm, col)
        self._init_inline_columns(declared_formatters)

    def _init_inline_columns(self, declared_formatters: Mapping[str, Any]) -> None:
        shown = {*self.list_columns, *self.show_columns, *self.add_columns, *self.edit_columns}
        declared = dict(self.inline_columns or {})
        self.inline_columns = {
            col: InlineList.of(declared.get(col))
            for col in self.datamodel.get_columns_list()
            if self.datamodel.is_embedded_list(col) and (col in shown or col in declared)
        }
        self._show_formatters: dict[str, Callable[[Any], Any]] = {}
        for col, spec in self.inline_columns.items():
            if col in declared_formatters:
                continue
            row_datamodel = self.datamodel.get_related_interface(col)
            labels = self._inline_labels(col, spec, row_datamodel)
            self.formatters_columns[col] = functools.partial(summarize, row_datamodel, spec)
            self._show_formatters[col] = functools.partial(
                render_table, row_datamodel, spec, labels
            )

    def _inline_labels(self, col: str, spec: InlineList, row_datamodel: Any) -> dict[str, Any]:
        columns = spec.columns or row_datamodel.get_user_columns_list()
        return {
            sub: spec.labels.get(sub)
            or self.label_columns.get(f"{col}.{sub}")
            or row_datamodel.get_label(sub)
            for sub in columns
        }

    def _init_forms(self) -> None:
        # FAB hard-codes its own converter; forms set here are kept by its _init_forms.
        converter = MongoModelConverter(self.datamodel, self.inline_columns)
        if not self.search_form:
            self.search_form = converter.create_form(
                self.label_columns,
                self.search_columns,
                extra_fields=self.search_form_extra_fields,
                filter_rel_fields=self.search_form_query_rel_fields,
                base=DynamicForm,
            )
        if not self.add_form:
            self.add_form = converter.create_form(
                self.label_columns,
                self.add_columns,
                self.description_columns,
                self.validators_columns,
                self.add_form_extra_fields,
                self.add_form_query_rel_fields,
            )
        if not self.edit_form:
            self.edit_form = converter.create_form(
                self.label_columns,
                self.edit_columns,
                self.description_columns,
                self.validators_columns,
                self.edit_form_extra_fields,
                self.edit_form_query_rel_fields,
            )
        super()._init_forms()

    def create_blueprint(self, appbuilder: Any, *args: Any, **kwargs: Any) -> Blueprint:
        init_assets(current_app)
        return super().create_blueprint(appbuilder, *args, **kwargs)

    @expose("/reveal/<pk>/<column>")
    @has_access
    def reveal(self, pk: str, column: str) -> Any:
        """The full value of a masked personal column, recorded in the audit log."""
        if column not in (self.revealable_columns or ()):
            abort(404)
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        head, _, sub = column.partition(".")
        value = getattr(item, head, None)
        if sub:
            shown = "；".join(f"{row}: {getattr(row, sub, '') or ''}" for row in value or [])
        else:
            shown = f"{item}: {value or ''}"
        from console.audit.log import reveal as audit_reveal
        from console.limits import render_page

        audit_reveal(type(item), item, column)
        return render_page(shown)

    # ------------------------------------------------------------------ display and errors

    def _get_show_widget(
        self,
        pk: Any,
        item: Any,
        widgets: dict[str, Any] | None = None,
        actions: Any = None,
        show_fieldsets: Any = None,
    ) -> dict[str, Any]:
        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        formatters = {**self.formatters_columns, **self._show_formatters}
        # The list shows a summary of embedded lists, the show page the whole table; masked
        # personal columns get a link to their full value for the roles allowed to see it.
        formatters.update(self._reveal_links(pk, formatters))
        widgets["show"].template_args["formatters_columns"] = formatters
        return widgets

    def _get_edit_widget(
        self, form: Any, exclude_cols: Any = None, widgets: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        # The form shows phones and ID numbers masked; the roles that may see the full value
        # get a link to it (audited) beside the field.
        pk = (request.view_args or {}).get("pk")
        if pk is not None and self._may_reveal():
            for column in self.revealable_columns:
                head = column.split(".")[0]
                if head in form:
                    form[head].reveal_url = url_for(
                        f"{self.endpoint}.reveal", pk=str(pk), column=column)
        return super()._get_edit_widget(form, exclude_cols, widgets)

    def _may_reveal(self) -> bool:
        return bool(self.revealable_columns) and self.appbuilder.sm.has_access(
            "can_reveal", self.class_permission_name)

    def _reveal_links(self, pk: Any, formatters: Mapping[str, Any]) -> dict[str, Any]:
        if not self._may_reveal():
            return {}
        links = {}
        for column in self.revealable_columns:
            head = column.split(".")[0]
            shown = formatters.get(head, str)
            url = url_for(f"{self.endpoint}.reveal", pk=str(pk), column=column)
            label = gettext("Show the full value (recorded in the audit log)")

            def linked(value: Any, shown: Any = shown, url: str = url, label: str = label):
                return Markup("{} <a href=\"{}\" class=\"btn btn-xs btn-default\">{}</a>").format(
                    Markup.escape(shown(value)), url, label)

            links[head] = linked
        return links

    @property
    def database_error_message(self) -> str:
        """What FAB flashes when an edit fails: the refusal's own message when there is one.

        FAB flashes this class attribute from inside its ``except`` block, so the exception
        being handled is the one that made the edit fail.
        """
        error = sys.exc_info()[1]
        if isinstance(error, DatabaseException) and str(error):
            return str(error)
        return gettext("Database Error")

    def _guarded(self, hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(hook)
        def guarded(item: Any) -> Any:
            try:
                return hook(item)
            except (RecordError, DatabaseException):
                raise
            except Exception as exc:
                log.exception(
                    "%s.%s failed for %s %s",
                    self.__class__.__name__,
                    hook.__name__,
                    self.datamodel.model_name,
                    getattr(item, "pk", None),
                )
                raise RecordError(message=str(self.unexpected_error_message)) from exc

        return guarded
