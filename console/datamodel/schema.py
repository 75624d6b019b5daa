"""Marshmallow schemas generated from documents, for ModelRestApi (not marshmallow-sqlalchemy).

``DocumentSchema.load(data, instance=item)`` returns a document (a new one, or ``item`` updated),
as FAB's ``post``/``put`` expect. Loading also runs the document's own validation (field rules,
``clean()``) and unique checks, so that those errors come back as 422 field messages; errors on
fields the schema does not carry are left to the write, since ``pre_add`` may still fill them.
References travel as primary-key strings and are resolved inside the user's scope.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bson import DBRef, ObjectId
from bson.errors import InvalidId
from flask_appbuilder.api.convert import BaseModel2SchemaConverter, columns2Tree
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields
from marshmallow import validate as mv
from mongoengine.base import BaseDocument

from console.datamodel.errors import NON_FIELD


class ObjectIdString(fields.Field):
    """An ObjectId as its 24-character hex string."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> ObjectId:
        try:
            return ObjectId(str(value))
        except (InvalidId, TypeError) as exc:
            raise ValidationError(gettext("Not a valid id.")) from exc


class Reference(fields.Field):
    """A referenced record as its primary key; loads only records the user's scope allows."""

    def __init__(self, datamodel: Any = None, column: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.datamodel = datamodel
        self.column = column

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        # The stored key, without loading the referenced record (no query per row).
        if isinstance(obj, BaseDocument) and attr in obj._data:
            return obj._data.get(attr)
        return super().get_value(obj, attr, accessor=accessor, default=default)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return _key(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValidationError(gettext("Not a valid id."))
        related = self.datamodel.get_related_obj(self.column, value)
        if related is None:
            raise ValidationError(gettext("Related record not found."))
        return related


class ReferenceList(fields.List):
    """A list of references as a list of primary keys."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        if isinstance(obj, BaseDocument) and attr in obj._data:
            return obj._data.get(attr)
        return super().get_value(obj, attr, accessor=accessor, default=default)


def _key(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, DBRef):
        return str(value.id)
    if isinstance(value, BaseDocument):
        return None if value.pk is None else str(value.pk)
    return str(value)


class DocumentSchema(Schema):
    """A schema whose ``load`` returns a document; set up by :class:`MongoModel2SchemaConverter`."""

    datamodel: Any = None
    validate_record = True

    def load(  # type: ignore[override]
        self,
        data: Mapping[str, Any],
        *,
        many: bool | None = None,
        partial: bool | Sequence[str] | None = None,
        unknown: str | None = None,
        instance: Any = None,
    ) -> Any:
        values = super().load(data, many=many, partial=partial, unknown=unknown)
        if many if many is not None else self.many:
            return [self._build(v, None) for v in values]
        return self._build(values, instance)

    def _build(self, values: Mapping[str, Any], instance: Any) -> Any:
        target = instance if instance is not None else self.datamodel.obj()
        for name, value in values.items():
            setattr(target, name, value)
        if self.validate_record:
            # As the write will: scope values first, so that clean() sees them.
            self.datamodel.scope_errors(target, stamp=True)
            errors = {
                ("_schema" if name == NON_FIELD else name): message
                for name, message in self.datamodel.validation_errors(target).items()
                if name == NON_FIELD or name in self.fields
            }
            if errors:
                raise ValidationError(errors)
        return target


def _length(datamodel: Any, col: str) -> list[mv.Validator]:
    low, high = datamodel.get_min_length(col), datamodel.get_max_length(col)
    if low == -1 and high == -1:
        return []
    return [mv.Length(min=None if low == -1 else low, max=None if high == -1 else high)]


def _range(datamodel: Any, col: str) -> list[mv.Validator]:
    low, high = datamodel.get_min_value(col), datamodel.get_max_value(col)
    return [] if low is None and high is None else [mv.Range(min=low, max=high)]


def _regex(datamodel: Any, col: str) -> list[mv.Validator]:
    regex = datamodel.get_regex(col)
    return [] if regex is None else [mv.Regexp(regex)]


# Column kind → (marshmallow field factory, validator builders).
_SIMPLE_FIELDS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "string": (fields.String, (_length, _regex)),
    "integer": (fields.Integer, (_range,)),
    "float": (lambda **kw: fields.Float(allow_nan=False, **kw), (_range,)),
    "numeric": (lambda **kw: fields.Decimal(as_string=True, allow_nan=False, **kw), (_range,)),
    "boolean": (fields.Boolean, ()),
    "date": (fields.Date, ()),
    "datetime": (fields.DateTime, ()),
    "object_id": (ObjectIdString, ()),
    "json": (fields.Raw, ()),
}


class MongoModel2SchemaConverter(BaseModel2SchemaConverter):
    """Builds :class:`DocumentSchema` instances from a document's fields (ModelRestApi's
    ``model2schemaconverter``). Dotted columns (``agency.name``) dump the referenced record
    nested; unsupported columns are dumped as they are and never loaded."""

    def convert(
        self,
        columns: list[str],
        model: type | None = None,
        nested: bool = True,
        parent_schema_name: str | None = None,
    ) -> DocumentSchema:
        datamodel = self.datamodel if model is None else self.datamodel.__class__(model)
        return self._schema_class(datamodel, columns, nested)()

    def _schema_class(
        self, datamodel: Any, columns: list[str], nested: bool, validate_record: bool = True
    ) -> type[DocumentSchema]:
        columns = columns or datamodel.get_user_columns_list()
        attrs: dict[str, Any] = {"datamodel": datamodel, "validate_record": validate_record}
        for node in columns2Tree(columns).root.children:
            children = [child.name for child in node.children]
            attrs[node.name] = self._field(datamodel, node.name, children if nested else [])
        return type(f"{datamodel.model_name}Schema", (DocumentSchema,), attrs)

    def _field(self, datamodel: Any, col: str, children: list[str]) -> fields.Field:
        kind = datamodel.kind(col)
        required = not datamodel.is_nullable(col) and not datamodel.is_pk(col)
        common: dict[str, Any] = {"required": required, "allow_none": not required}
        if datamodel.is_pk(col):
            common["dump_only"] = True
        if kind == "reference":
            if children:
                return fields.Nested(self._related_schema(datamodel, col, children), dump_only=True)
            return Reference(datamodel, col, **common)
        if kind == "reference_list":
            if children:
                related = self._related_schema(datamodel, col, children)
                return fields.List(fields.Nested(related), dump_only=True)
            return ReferenceList(Reference(datamodel, col), **common)
        if kind in ("embedded_list", "embedded"):
            row_datamodel = datamodel.get_related_interface(col)
            row_schema = self._schema_class(row_datamodel, children, True, validate_record=False)
            if kind == "embedded":
                return fields.Nested(row_schema, **common)
            return fields.List(fields.Nested(row_schema), **common)
        if kind == "string_list":
            return fields.List(
                fields.String(validate=self._element_checks(datamodel, col) or None),
                validate=self._extra_validators(col) or None,
                **common,
            )
        if kind in _SIMPLE_FIELDS:
            factory, builders = _SIMPLE_FIELDS[kind]
            checks = [check for build in builders for check in build(datamodel, col)]
            if datamodel.is_choice(col):
                checks.append(mv.OneOf([value for value, _label in datamodel.choices(col)]))
            checks.extend(self._extra_validators(col))
            field = factory(validate=checks or None, **common)
            field.unique = datamodel.is_unique(col)
            return field
        # Properties, methods and unsupported fields: shown, never loaded.
        attribute = getattr(datamodel.obj, col, None)
        if callable(attribute):
            return fields.Function(attribute, dump_only=True)
        return fields.Raw(dump_only=True)

    @staticmethod
    def _element_checks(datamodel: Any, col: str) -> list[mv.Validator]:
        """The element field's rules (``max_length``, ``min_length``, ``regex``, ``choices``)
        for each string of a list; the list's own rules are left to the record's validation."""
        element = datamodel.item_field(col)
        checks: list[mv.Validator] = []
        low, high = getattr(element, "min_length", None), getattr(element, "max_length", None)
        if low is not None or high is not None:
            checks.append(mv.Length(min=low, max=high))
        if getattr(element, "regex", None) is not None:
            checks.append(mv.Regexp(element.regex))
        choices = element.choices or datamodel.field(col).choices
        if choices:
            checks.append(
                mv.OneOf([c[0] if isinstance(c, (list, tuple)) else c for c in choices])
            )
        return checks

    def _related_schema(self, datamodel: Any, col: str, children: list[str]) -> type:
        related = datamodel.get_related_interface(col)
        return self._schema_class(related, children, False)

    def _extra_validators(self, col: str) -> list[Any]:
        extra = self.validators_columns.get(col)
        if extra is None:
            return []
        return list(extra) if isinstance(extra, (list, tuple)) else [extra]
