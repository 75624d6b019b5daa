"""MongoEngineInterface: Flask-AppBuilder 5's data interface (``BaseInterface``) for MongoEngine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
import contextlib
import contextvars
import logging
import re
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from flask_appbuilder.models.base import BaseInterface
from flask_appbuilder.models.filters import Filters
from flask_babel import gettext
from mongoengine import Q
from mongoengine import fields as me
from mongoengine.base import BaseDocument
from mongoengine.errors import NotUniqueError, OperationError, ValidationError
from mongoengine.queryset import QuerySet
from pymongo.errors import PyMongoError

from console.datamodel import events
from console.datamodel import filters as flt
from console.datamodel import scope as scopes
from console.datamodel.errors import (
    NON_FIELD,
    DeleteRefusedError,
    RecordError,
    ScopeError,
    StorageError,
    UniqueError,
    messages_from_validation,
)

log = logging.getLogger(__name__)

# Field class → kind, first match wins (DateField is a DateTimeField, so it comes first).
# List fields are classified by what they hold, in ``_LIST_KINDS``.
_FIELD_KINDS: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("object_id", (me.ObjectIdField,)),
    ("reference", (me.ReferenceField, me.LazyReferenceField, me.CachedReferenceField)),
    ("embedded", (me.EmbeddedDocumentField,)),
    ("date", (me.DateField,)),
    ("datetime", (me.DateTimeField, me.ComplexDateTimeField)),
    ("boolean", (me.BooleanField,)),
    ("integer", (me.IntField, me.LongField, me.SequenceField)),
    ("float", (me.FloatField,)),
    ("numeric", (me.DecimalField, me.Decimal128Field)),
    ("string", (me.StringField,)),
    ("json", (me.DictField, me.MapField, me.DynamicField)),
)
_LIST_KINDS: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("reference_list", (me.ReferenceField, me.LazyReferenceField, me.CachedReferenceField)),
    ("embedded_list", (me.EmbeddedDocumentField,)),
    # Lines of text (``ListField(StringField())``): edited one entry per line of a text area.
    ("string_list", (me.StringField,)),
)
# Kinds a column can be sorted on; kinds that can be searched are those with filters.
_ORDERABLE = {"object_id", "date", "datetime", "boolean", "integer", "float", "numeric", "string"}
# Strings longer than this (or declared with ``multiline=True``) are edited in a text area.
TEXT_AREA_MIN_LENGTH = 256

_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")


def field_kind(field: me.BaseField | None) -> str | None:
    """The kind of a MongoEngine field ("string", "reference_list", …), None when unsupported."""
    if field is None:
        return None
    if isinstance(field, me.ListField):
        for kind, classes in _LIST_KINDS:
            if isinstance(field.field, classes):
                return kind
        return None
    for kind, classes in _FIELD_KINDS:
        if isinstance(field, classes):
            return kind
    return None


def _same(a: Any, b: Any) -> bool:
    """Equality that treats a document and its primary key as the same value."""
    a = a.pk if isinstance(a, BaseDocument) and hasattr(a, "pk") else a
    b = b.pk if isinstance(b, BaseDocument) and hasattr(b, "pk") else b
    return a == b


# The columns an HTML list shows, set by MongoModelView around FAB's list query.
_selected: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "selected", default=None)


@contextlib.contextmanager
def selecting(columns: Sequence[str]) -> Iterator[None]:
    """Within this block, :meth:`MongoEngineInterface.query` loads only ``columns`` when its
    caller names none: FAB's HTML list asks for whole records, though it shows only its list
    columns."""
    token = _selected.set(list(columns))
    try:
        yield
    finally:
        _selected.reset(token)


class MongoEngineInterface(BaseInterface):
    """FAB data interface for one MongoEngine document class.

    :param obj: the ``Document`` (or ``EmbeddedDocument``, for form building only) class.
    :param scope: an extra :data:`~console.datamodel.scope.Scope` for this interface only, added
        to the scopes registered for the document class with
        :func:`~console.datamodel.scope.register_scope`.

    Subclasses may override :meth:`query_scopes` to compute restrictions another way; every read
    (``query``, ``get``, related select boxes, relation filters) starts from :meth:`base_query`.
    """

    filter_converter_class = flt.MongoFilterConverter

    def __init__(self, obj: type, scope: scopes.Scope | None = None) -> None:
        for name in flt.__all__:
            setattr(self, name, getattr(flt, name))
        self.scope = scope
        self._kinds: dict[str, str | None] = {}
        # SQLA-shaped alias FAB reads in a few places (forms.py for enums, api/convert.py).
        self.list_columns = dict(obj._fields)
        super().__init__(obj)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.model_name}>"

    @property
    def model_name(self) -> str:
        return self.obj.__name__

    # ------------------------------------------------------------------ scopes and reads

    def get_filters(
        self,
        search_columns: list[str] | None = None,
        search_filters: dict[str, list[Any]] | None = None,
    ) -> flt.MongoFilters:
        return flt.MongoFilters(
            self.filter_converter_class,
            self,
            search_columns=search_columns or [],
            search_filters=search_filters,
        )

    def query_scopes(self) -> list[scopes.Scope]:
        """Every scope that restricts this interface: the registered ones, then its own."""
        found = scopes.registered_scopes(self.obj)
        if self.scope is not None:
            found.append(self.scope)
        return found

    def _scope_results(self) -> list[scopes.ScopeResult]:
        return scopes.evaluate(self.obj, self.query_scopes())

    def base_query(self) -> QuerySet:
        """The scoped queryset every read of this interface starts from."""
        queryset = self.obj.objects
        for result in self._scope_results():
            if result is False:
                return queryset.none()
            if isinstance(result, Q):
                queryset = queryset.filter(result)
            else:
                queryset = queryset.filter(**result)
        return queryset

    def query(
        self,
        filters: Filters | None = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        select_columns: list[str] | None = None,
        outer_default_load: bool = False,
    ) -> tuple[int, list[Any]]:
        """``(count, items)`` of one page of the scoped, filtered, ordered collection.

        ``page`` is 0-based; ``select_columns`` (what ModelRestApi's list shows) loads only those
        fields when each is a stored field; ``outer_default_load`` (SQLA-only) is ignored.
        """
        queryset = self.base_query()
        if filters:
            queryset = filters.apply_all(queryset)
        select_columns = select_columns or _selected.get()
        count = queryset.count()
        queryset = self._apply_order(queryset, order_column, order_direction)
        fields = [column.split(".")[0] for column in select_columns or ()]
        if fields and all(field in self.obj._fields for field in fields):
            # Only the page's columns are read and built (a case holds its whole history).
            queryset = queryset.only(self.get_pk_name(), *dict.fromkeys(fields))
        if page_size:
            queryset = queryset.skip(max(page or 0, 0) * page_size).limit(page_size)
        return count, list(queryset)

    def _apply_order(self, queryset: QuerySet, column: str, direction: str) -> QuerySet:
        sign = "-" if (direction or "").lower() == "desc" else "+"
        if column and column in self.get_order_columns_list():
            pk = self.get_pk_name()
            keys = [sign + column] + ([sign + "pk"] if column != pk else [])
            return queryset.order_by(*keys)
        if self.obj._meta.get("ordering"):
            return queryset
        # A stable order, so that pages do not overlap.
        return queryset.order_by("+pk")

    def to_pk(self, value: Any) -> Any:
        """The primary key from a URL or form string; None when it cannot be one."""
        if value is None or value == "":
            return None
        field = self.obj._fields.get(self.get_pk_name())
        if isinstance(field, me.ObjectIdField):
            if isinstance(value, ObjectId):
                return value
            try:
                return ObjectId(str(value))
            except (InvalidId, TypeError):
                return None
        try:
            pk = field.to_python(value)
            field.validate(pk)
        except (ValidationError, ValueError, TypeError):
            return None
        return pk

    def get(
        self,
        id: Any,
        filters: Filters | None = None,
        select_columns: list[str] | None = None,
        outer_default_load: bool = False,
    ) -> Any | None:
        """The record with primary key ``id`` within the scope and ``filters``, else None."""
        pk = self.to_pk(id)
        if pk is None:
            return None
        queryset = self.base_query()
        if filters:
            queryset = filters.apply_all(queryset)
        return queryset.filter(pk=pk).first()

    # ------------------------------------------------------------------ writes

    def add(self, item: Any, commit: bool = True) -> None:
        """Insert ``item``; raise a :class:`RecordError` (a DatabaseException) and write nothing
        when it is invalid, not unique or outside the scope. ``commit`` is ignored."""
        self._confine(item)
        self._write("add", item, lambda: item.save(force_insert=True))
        events.record_written.send(self.obj, operation="add", item=item, before=None)

    def edit(self, item: Any, commit: bool = True) -> None:
        """Save the changes of ``item``; same error contract as :meth:`add`."""
        self._confine(item)
        before = self._stored(item)
        self._write("edit", item, item.save)
        events.record_written.send(self.obj, operation="edit", item=item, before=before)

    def delete(self, item: Any, commit: bool = True) -> None:
        """Delete ``item``; :class:`DeleteRefusedError` when other records still refer to it."""
        before = self._stored(item)
        self._write("delete", item, item.delete)
        events.record_written.send(self.obj, operation="delete", item=item, before=before)

    def _stored(self, item: Any) -> dict[str, Any] | None:
        """The record as stored now (for the audit log's before → after)."""
        if getattr(item, "pk", None) is None or not hasattr(self.obj, "_get_collection"):
            return None
        return self.obj._get_collection().find_one({"_id": item.pk})

    def delete_all(self, items: Iterable[Any]) -> None:
        for item in items:
            self.delete(item)

    def _confine(self, item: Any) -> None:
        """Stamp mapping-scope values on ``item`` and refuse values outside the scope."""
        if any(result is False for result in self._scope_results()):
            # A user who may see nothing may write nothing either.
            raise ScopeError({NON_FIELD: gettext("This value is outside your scope.")})
        errors = self.scope_errors(item, stamp=True)
        if errors:
            raise ScopeError(errors)

    def scope_errors(self, item: Any, stamp: bool = False) -> dict[str, str]:
        """``{field: message}`` for values of ``item`` that mapping scopes do not allow; with
        ``stamp``, empty fields get the scope's value."""
        errors: dict[str, str] = {}
        for name, expected in scopes.write_constraints(self._scope_results()).items():
            current = getattr(item, name, None)
            if current is None or current == "":
                if stamp:
                    setattr(item, name, expected)
            elif not _same(current, expected):
                errors[name] = gettext("This value is outside your scope.")
        return errors

    def _write(self, operation: str, item: Any, action: Callable[[], Any]) -> None:
        try:
            action()
        except ValidationError as exc:
            raise RecordError(messages_from_validation(exc)) from exc
        except NotUniqueError as exc:
            raise UniqueError(self._unique_messages(item, exc)) from exc
        except OperationError as exc:
            if operation == "delete" and "refers to it" in str(exc):
                raise DeleteRefusedError({NON_FIELD: _refused_delete(str(exc))}) from exc
            self._log_failure(operation, item)
            raise StorageError() from exc
        except PyMongoError as exc:
            self._log_failure(operation, item)
            raise StorageError() from exc

    def _log_failure(self, operation: str, item: Any) -> None:
        log.exception("%s of %s %s failed", operation, self.model_name, getattr(item, "pk", None))

    def _unique_messages(self, item: Any, exc: NotUniqueError) -> dict[str, Any]:
        messages = self.unique_conflicts(item)
        if messages:
            return messages
        details = getattr(exc.__context__, "details", None) or {}
        fields = [f for f in (details.get("keyPattern") or {}) if f in self.obj._fields]
        if fields:
            return {fields[0]: gettext("Already exists.")}
        return {NON_FIELD: gettext("A record with the same values already exists.")}

    # ------------------------------------------------------------------ validation

    def unique_conflicts(self, item: Any) -> dict[str, str]:
        """``{field: message}`` for each unique index whose values another record already holds
        (``unique``/``unique_with`` fields and unique ``meta`` indexes; every field of a compound
        index gets the message).

        Looks across the whole collection, not only the scope: unique indexes are global.
        """
        conflicts: dict[str, str] = {}
        for names, sparse in self._unique_indexes():
            query = {name: getattr(item, name, None) for name in names}
            if sparse and all(value is None for value in query.values()):
                continue
            queryset = self.obj.objects(**query)
            if item.pk is not None:
                queryset = queryset.filter(pk__ne=item.pk)
            if queryset.limit(1).count(with_limit_and_skip=True):
                for name in names:
                    conflicts.setdefault(name, gettext("Already exists."))
        return conflicts

    def _unique_indexes(self) -> list[tuple[list[str], bool]]:
        """``[([field, …], sparse), …]`` of the unique indexes that can be checked by a query."""
        reverse = getattr(self.obj, "_reverse_db_field_map", {})
        indexes = []
        for spec in self.obj._meta.get("index_specs") or []:
            if not spec.get("unique") or spec.get("partialFilterExpression"):
                continue
            names = [reverse.get(db_name, db_name) for db_name, _direction in spec["fields"]]
            if all(name in self.obj._fields and name != self.get_pk_name() for name in names):
                indexes.append((names, bool(spec.get("sparse"))))
        return indexes

    def validation_errors(self, item: Any) -> dict[str, Any]:
        """Nested, translated messages of everything that would stop ``item`` from being saved
        (field rules, ``clean()``, unique values, the scope); empty when it would be saved."""
        try:
            item.validate()
            errors: dict[str, Any] = {}
        except ValidationError as exc:
            errors = messages_from_validation(exc)
        for name, message in {**self.unique_conflicts(item), **self.scope_errors(item)}.items():
            errors.setdefault(name, message)
        return errors

    # ------------------------------------------------------------------ keys

    def get_pk_name(self) -> str:
        return self.obj._meta.get("id_field") or "id"

    def get_pk_value(self, item: Any) -> str | None:
        pk = getattr(item, "pk", None)
        return None if pk is None else str(pk)

    def get_keys(self, lst: Iterable[Any]) -> list[str | None]:
        return [self.get_pk_value(item) for item in lst]

    def is_pk(self, col_name: str) -> bool:
        return col_name == self.get_pk_name()

    def is_pk_composite(self) -> bool:
        return False

    def is_fk(self, col_name: str) -> bool:
        return False

    # ------------------------------------------------------------------ column kinds

    def field(self, col_name: str) -> me.BaseField | None:
        """The MongoEngine field of a column, None for methods, properties and unknown names."""
        return self.obj._fields.get(col_name)

    def kind(self, col_name: str) -> str | None:
        """The kind of a column (see :func:`field_kind`)."""
        if col_name not in self._kinds:
            self._kinds[col_name] = field_kind(self.field(col_name))
        return self._kinds[col_name]

    def is_object_id(self, col_name: str) -> bool:
        return self.kind(col_name) == "object_id"

    def is_string(self, col_name: str) -> bool:
        return self.kind(col_name) == "string"

    def is_text(self, col_name: str) -> bool:
        field = self.field(col_name)
        if self.kind(col_name) != "string" or field.choices:
            return False
        return bool(getattr(field, "multiline", False)) or (
            (field.max_length or 0) >= TEXT_AREA_MIN_LENGTH
        )

    def is_integer(self, col_name: str) -> bool:
        return self.kind(col_name) == "integer"

    def is_float(self, col_name: str) -> bool:
        return self.kind(col_name) == "float"

    def is_numeric(self, col_name: str) -> bool:
        return self.kind(col_name) == "numeric"

    def is_boolean(self, col_name: str) -> bool:
        return self.kind(col_name) == "boolean"

    def is_date(self, col_name: str) -> bool:
        return self.kind(col_name) == "date"

    def is_datetime(self, col_name: str) -> bool:
        return self.kind(col_name) == "datetime"

    def is_json(self, col_name: str) -> bool:
        return False

    def is_enum(self, col_name: str) -> bool:
        return False

    def is_choice(self, col_name: str) -> bool:
        field = self.field(col_name)
        kind = self.kind(col_name)
        # A list's own ``choices`` apply to each element: a string list stays a text area.
        return field is not None and bool(field.choices) and kind not in (None, "string_list")

    def is_embedded(self, col_name: str) -> bool:
        return self.kind(col_name) == "embedded"

    def is_embedded_list(self, col_name: str) -> bool:
        return self.kind(col_name) == "embedded_list"

    def is_string_list(self, col_name: str) -> bool:
        return self.kind(col_name) == "string_list"

    def item_field(self, col_name: str) -> me.BaseField | None:
        """The field of one element of a list column (the StringField of a string list)."""
        field = self.field(col_name)
        return field.field if isinstance(field, me.ListField) else None

    def is_relation(self, col_name: str) -> bool:
        return self.kind(col_name) in ("reference", "reference_list")

    def is_relation_many_to_one(self, col_name: str) -> bool:
        return self.kind(col_name) == "reference"

    def is_relation_many_to_many(self, col_name: str) -> bool:
        return self.kind(col_name) == "reference_list"

    def is_relation_one_to_one(self, col_name: str) -> bool:
        return False

    def is_relation_one_to_many(self, col_name: str) -> bool:
        return False

    def is_nullable(self, col_name: str) -> bool:
        field = self.field(col_name)
        if field is None or self.is_boolean(col_name):
            # An unticked box is False, a value: never ask for "input required".
            return True
        return not (field.required or field.primary_key)

    def is_unique(self, col_name: str) -> bool:
        field = self.field(col_name)
        return bool(field is not None and field.unique and not field.unique_with)

    def get_max_length(self, col_name: str) -> int:
        field = self.field(col_name)
        return getattr(field, "max_length", None) or -1

    def get_min_length(self, col_name: str) -> int:
        field = self.field(col_name)
        return getattr(field, "min_length", None) or -1

    def get_min_value(self, col_name: str) -> Any:
        return getattr(self.field(col_name), "min_value", None)

    def get_max_value(self, col_name: str) -> Any:
        return getattr(self.field(col_name), "max_value", None)

    def get_regex(self, col_name: str) -> re.Pattern | None:
        return getattr(self.field(col_name), "regex", None)

    def get_col_default(self, col_name: str) -> Any:
        field = self.field(col_name)
        default = getattr(field, "default", None)
        if isinstance(default, (list, dict, set)) or default in (list, dict):
            return None
        return default

    def choices(self, col_name: str, lazy: bool = False) -> list[tuple[Any, Any]]:
        """``[(value, label), …]`` of a field declared with ``choices``; [] otherwise. ``lazy``
        keeps translatable labels unrendered, for a form built once and shown in every
        request's language."""
        field = self.field(col_name)
        pairs = []
        for choice in (field.choices or ()) if field is not None else ():
            if isinstance(choice, (list, tuple)) and len(choice) == 2:
                pairs.append((choice[0], choice[1] if lazy else str(choice[1])))
            else:
                pairs.append((choice, str(choice)))
        return pairs

    def choice_label(self, col_name: str, value: Any) -> Any:
        """The label of a stored choice value (the value itself when it is not a choice)."""
        for choice, label in self.choices(col_name):
            if choice == value:
                return label
        return value

    def get_info(self, col_name: str) -> dict[str, Any]:
        field = self.field(col_name)
        return {"required": bool(field and field.required)}

    def get_label(self, col_name: str) -> str:
        """A field's ``verbose_name`` (a MongoEngine field keyword) or its prettified name."""
        field = self.field(col_name)
        label = getattr(field, "verbose_name", None)
        return label if label is not None else col_name.replace("_", " ").capitalize()

    def get_label_columns(self) -> dict[str, Any]:
        return {col: self.get_label(col) for col in self.get_columns_list()}

    # ------------------------------------------------------------------ relations

    def get_related_model(self, col_name: str) -> type:
        field = self.field(col_name)
        if self.kind(col_name) in ("reference_list", "embedded_list"):
            field = field.field
        return field.document_type

    def get_related_interface(self, col_name: str) -> MongoEngineInterface:
        """An interface over the referenced (or embedded) document, under its own scopes."""
        return self.__class__(self.get_related_model(col_name))

    def get_related_obj(self, col_name: str, value: Any) -> Any | None:
        """The referenced record with primary key ``value``, if the scope lets the user see it."""
        if isinstance(value, BaseDocument):
            value = value.pk
        return self.get_related_interface(col_name).get(value)

    def get_related_fk(self, model: type) -> str | None:
        for col_name in self.get_columns_list():
            if self.is_relation(col_name) and self.get_related_model(col_name) is model:
                return col_name
        return None

    def get_related_fks(self, related_views: Iterable[Any]) -> list[str | None]:
        return [view.datamodel.get_related_fk(self.obj) for view in related_views]

    # ------------------------------------------------------------------ column lists

    def get_columns_list(self) -> list[str]:
        return [name for name in self.obj._fields_ordered if not name.startswith("_")]

    def get_user_columns_list(self) -> list[str]:
        return [col for col in self.get_columns_list() if not self.is_pk(col)]

    def get_search_columns_list(self) -> list[str]:
        converter = self.filter_converter_class(self)
        return [col for col in self.get_user_columns_list() if converter.filters_for(col)]

    def get_order_columns_list(self, list_columns: list[str] | None = None) -> list[str]:
        columns = list_columns or self.get_columns_list()
        return [col for col in columns if self.kind(col) in _ORDERABLE]

    # ------------------------------------------------------------------ filter values

    def convert_filter_value(self, col_name: str, value: Any) -> Any:
        """A search value (text from a URL, or JSON from rison) as the column's Python type.

        Raises ``ValueError`` when it cannot be one; never passes a mapping or a list through,
        so input can not smuggle a query operator (``{"$gt": ""}``) into a filter.
        """
        converter = flt.VALUE_CONVERTERS.get(self.kind(col_name), flt.to_text)
        return converter(self, col_name, value)

    def is_date_only(self, value: Any) -> bool:
        return isinstance(value, str) and bool(_DATE_ONLY.match(value))


_REFERRER = re.compile(r"\((\w+)\.\w+ refers to it\)")


def _refused_delete(error: str) -> str:
    """MongoEngine's "Could not delete document (RosterEntry.window refers to it)" as a sentence
    naming the records that still refer to it by their screen's title (排班), not "associated
    data"."""
    found = _REFERRER.search(error)
    title = _screen_title(found.group(1)) if found else ""
    if not title:
        return gettext("Associated data exists, please delete them first")
    return gettext("Records of “%(screen)s” still refer to it; change or delete them first.",
                   screen=title)


def _screen_title(model_name: str) -> str:
    """The list title of the screen over the documents of ``model_name`` ("" when none)."""
    from flask import current_app, has_app_context

    if not has_app_context() or not hasattr(current_app, "appbuilder"):
        return ""
    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if getattr(getattr(datamodel, "obj", None), "__name__", None) == model_name:
            title = getattr(view, "list_title", "")
            if title:
                return str(title)
    return ""
